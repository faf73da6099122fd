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
