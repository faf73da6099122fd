import type { StartedStack } from '../stack/stack';
import { BOUNDS } from '../checks/bounds';
import { LivenessSample } from '../history/liveness';
import { SeenDispatch } from '../history/dispatches';

/* What reached each replica, as the suite's tap on its link saw it: the witness of where the orchestrator sent work. */

/**
 * The dispatches (requests other than health checks) that reached `replica` through its link from `sinceMs` (epoch)
 * on, as the suite's tap saw them: the record a breaker is judged on, which retries elsewhere hide from the client.
 */
export async function dispatchesSeenAt(stack: StartedStack, replica: string, sinceMs: number): Promise<SeenDispatch[]> {
  return (await stack.requestsTo(replica))
    .filter((r) => r.method !== 'GET' && r.at >= sinceMs)
    .map((r) => ({ at: r.at, endedAt: r.endedAt, status: r.status }));
}

/**
 * The dispatches that reached `replica` while it was out of service: from `outFrom` (epoch: when an operation took it
 * out, its view's lag allowed) or else from the answer of the first pool health sample after `sinceMs` that shows it
 * not ready, to the sending of the last sample before one showed it ready again (or before `untilMs`): the pool's
 * health as the client sampled it, the link's skew allowed at both ends. No window when no sample showed it out.
 */
export async function dispatchesWhileOut(
  stack: StartedStack,
  samples: LivenessSample[],
  replica: string,
  span: { sinceMs: number; untilMs: number; outFrom?: number },
): Promise<{ window?: { from: number; to: number }; seen: SeenDispatch[] }> {
  const answered = samples.filter((s) => s.at >= span.sinceMs && s.at < span.untilMs && s.replicas !== undefined);
  const first = answered.findIndex((s) => s.replicas?.[replica] !== 'ready');
  if (first < 0) return { seen: [] };
  const back = answered.findIndex((s, k) => k > first && s.replicas?.[replica] === 'ready');
  const lastOut = answered[(back < 0 ? answered.length : back) - 1];
  const skew = BOUNDS.linkObservationSkewMs;
  const from = span.outFrom ?? (answered[first].answeredAt ?? answered[first].at) + skew;
  const window = { from, to: lastOut.at - skew };
  return { window, seen: (await dispatchesSeenAt(stack, replica, window.from)).filter((d) => d.at < window.to) };
}
