import { Crash } from '../history/crashes';

/**
 * Restart delays (ms) that are outside `expected` ± `jitter` (fraction) + `slackMs`; empty when all fit. The lower
 * bound is judged from the kill (a restart can never come sooner after it), the upper from the engine's death (its
 * teardown is the kernel's time, not the backoff's), so neither polling nor teardown can turn a correct delay wrong.
 */
export function delaysOutside(crashes: Crash[], expectedMs: number[], jitter: number, slackMs: number): string[] {
  return expectedMs.flatMap((expected, k) => {
    const c = crashes[k];
    const low = expected * (1 - jitter);
    const high = expected * (1 + jitter) + slackMs;
    if (c?.restartedAt === undefined) return [`restart ${k + 1}: none, expected ${Math.round(low)}–${Math.round(high)} ms`];
    const fromKill = c.restartedAt - c.killedAt;
    const fromDeath = c.restartedAt - c.goneAt;
    return fromKill >= low && fromDeath <= high
      ? []
      : [
          `restart ${k + 1}: ${fromKill} ms after the kill, ${fromDeath} ms after the death; expected ${Math.round(low)}–${Math.round(high)} ms`,
        ];
  });
}

/** The GPU errors faults caused under one replica's engine: driver resets and uncorrectable ECC errors. */
export interface GpuErrorsCaused {
  driverResets: number;
  eccErrors: number;
}

/**
 * ORCH-3053 under any schedule: the pool manager's counters (`driver_resets_total`, `ecc_errors_total`, per replica)
 * are the driver resets and ECC errors the faults caused under each engine, each told apart from the other and from a
 * crash. Judged where the pool manager ran all along (a restarted one counts from 0). Returns the mismatches.
 */
export function gpuErrorCountMismatches(
  counted: (metric: string, replica: string) => number,
  caused: Map<string, GpuErrorsCaused>,
): string[] {
  const problems: string[] = [];
  for (const [replica, c] of caused) {
    const resets = counted('driver_resets_total', replica);
    const ecc = counted('ecc_errors_total', replica);
    if (resets !== c.driverResets) problems.push(`${replica}: driver_resets_total ${resets}, the faults caused ${c.driverResets}`);
    if (ecc !== c.eccErrors) problems.push(`${replica}: ecc_errors_total ${ecc}, the faults caused ${c.eccErrors}`);
  }
  return problems;
}
