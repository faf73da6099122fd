import { SuiteError } from '../core/errors';
import { eventually } from '../core/eventually';
import type { TaskRequest } from '../orchestrator/client';
import type { StartedStack } from '../stack/stack';
import { BOUNDS } from './bounds';
import { type BreakerPolicy, mostAtOnce, type SeenDispatch } from './checks/breaker';
import { isAdmitted } from './history';
import type { LivenessSample } from './liveness';
import { taskEnds } from './waits';
import type { Workload } from './workload';

/* What reached each replica, as the suite's tap on its link saw it: the witness of where the orchestrator sent work. */

/**
 * The dispatches (requests other than health checks) that reached `replica` through its link from `sinceMs` (epoch)
 * on, as the suite's tap saw them: the record a breaker is judged on, which retries elsewhere hide from the client.
 */
export function dispatchesSeenAt(stack: StartedStack, replica: string, sinceMs: number): SeenDispatch[] {
  return stack
    .requestsTo(replica)
    .filter((r) => r.method !== 'GET' && r.at >= sinceMs)
    .map((r) => ({ at: r.at, endedAt: r.endedAt, status: r.status }));
}

/** The orchestrator's per-replica breaker as the scenario stated it (its tunes), with the tap's skew. */
export function breakerPolicy(tunes: Record<string, string>): BreakerPolicy {
  const threshold = Number(tunes['dispatch-breaker-threshold']);
  const cooldownMs = Number(tunes['dispatch-breaker-cooldown-ms']);
  if (!(threshold > 0 && cooldownMs > 0))
    throw new SuiteError(
      'The scenario states no breaker threshold and cool-down to judge by: add "Given a replica leaves service for <duration> after <n> failed dispatches in a row"',
    );
  return { threshold, cooldownMs, skewMs: BOUNDS.linkObservationSkewMs };
}

/**
 * Sends bursts of `burst` short tasks at once, each burst waited for, until the link of `replica` shows more than one
 * dispatch in flight at once since `sinceMs` (epoch): the replica is back in full rotation, its breaker closed, not
 * half-open (one trial at a time). Bounded: at most `withinMs`. Returns how many bursts it took.
 */
export async function replicaTakesTasksSideBySide(
  stack: StartedStack,
  workload: Workload,
  make: () => TaskRequest,
  replica: string,
  burst: number,
  sinceMs: number,
  withinMs: number,
): Promise<number> {
  let bursts = 0;
  await eventually(
    `replica ${replica} takes more than one task at a time`,
    async () => {
      bursts++;
      const sent = await workload.submitMany(burst, make);
      await Promise.all(sent.filter(isAdmitted).map((r) => taskEnds(r, withinMs)));
      const seen = dispatchesSeenAt(stack, replica, sinceMs);
      const most = mostAtOnce(seen, Date.now());
      return {
        ok: most > 1,
        seen: `${bursts} burst(s) of ${burst}: ${seen.length} dispatch(es) reached ${replica}, at most ${most} at once`,
      };
    },
    { withinMs, everyMs: 20 },
  );
  return bursts;
}

/** The longest run of consecutive dispatches (in arrival order) that `matches` accepts. */
export function longestRun(seen: SeenDispatch[], matches: (d: SeenDispatch) => boolean): number {
  let run = 0;
  let longest = 0;
  for (const d of [...seen].sort((a, b) => a.at - b.at)) {
    run = matches(d) ? run + 1 : 0;
    longest = Math.max(longest, run);
  }
  return longest;
}

/**
 * The dispatches that reached `replica` while it was out of service: from `outFrom` (epoch: when an operation took it
 * out, its view's lag allowed) or else from the answer of the first pool health sample after `sinceMs` that shows it
 * not ready, to the sending of the last sample before one showed it ready again (or before `untilMs`): the pool's
 * health as the client sampled it, the link's skew allowed at both ends. No window when no sample showed it out.
 */
export function dispatchesWhileOut(
  stack: StartedStack,
  samples: LivenessSample[],
  replica: string,
  span: { sinceMs: number; untilMs: number; outFrom?: number },
): { window?: { from: number; to: number }; seen: SeenDispatch[] } {
  const answered = samples.filter((s) => s.at >= span.sinceMs && s.at < span.untilMs && s.replicas !== undefined);
  const first = answered.findIndex((s) => s.replicas?.[replica] !== 'ready');
  if (first < 0) return { seen: [] };
  const back = answered.findIndex((s, k) => k > first && s.replicas?.[replica] === 'ready');
  const lastOut = answered[(back < 0 ? answered.length : back) - 1];
  const skew = BOUNDS.linkObservationSkewMs;
  const from = span.outFrom ?? (answered[first].answeredAt ?? answered[first].at) + skew;
  const window = { from, to: lastOut.at - skew };
  return { window, seen: dispatchesSeenAt(stack, replica, window.from).filter((d) => d.at < window.to) };
}
