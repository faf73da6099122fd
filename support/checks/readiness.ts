import { LivenessSample } from '../history/liveness';

/**
 * The liveness samples (after `sinceMs`, epoch) that do not show `replica` ready: reported in another state, or not
 * answered at all (a sample without an answer proves nothing ready), except while the scenario stopped the
 * orchestrator on purpose.
 */
export function samplesNotReady(samples: LivenessSample[], replica: string, sinceMs: number): LivenessSample[] {
  return samples.filter((s) => s.at >= sinceMs && !s.excused && s.replicas?.[replica] !== 'ready');
}

/**
 * Why `replica` was not ready throughout since `sinceMs` (epoch), one line per sample that does not show it ready;
 * a window without a single sample cannot show it ready either.
 */
export function notReadyThroughout(samples: LivenessSample[], replica: string, sinceMs: number): string[] {
  if (!samples.some((s) => s.at >= sinceMs)) return [`no pool health sample since ${new Date(sinceMs).toISOString()}`];
  return samplesNotReady(samples, replica, sinceMs).map(
    (s) => `${new Date(s.at).toISOString()}: ${s.replicas ? (s.replicas[replica] ?? 'absent') : `no answer (${s.seen})`}`,
  );
}

/** Whether any liveness sample after `sinceMs` (epoch) reported `replica` in one of `states`. */
export function everReported(samples: LivenessSample[], replica: string, states: string[], sinceMs: number): boolean {
  return samples.some((s) => s.at >= sinceMs && s.replicas && states.includes(s.replicas[replica]));
}
