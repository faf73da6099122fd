import type { TaskRecord } from '../history/history';
import { LivenessSample } from '../history/liveness';
import { type Verdict, verdictOf } from './verdict';

/**
 * The orchestrator stayed live: every liveness sample outside an excused window (the scenario stopped it on purpose)
 * was a real request answered 200 within the bound, and so was every submission of the scenario's clients, on its
 * first send.
 */
export function OrchestratorStayedLive(samples: LivenessSample[], records: TaskRecord[], boundMs: number): Verdict {
  const counted = samples.filter((s) => !s.excused);
  if (counted.length === 0)
    return { check: 'OrchestratorStayedLive', valid: 'unknown', detail: 'no liveness sample outside an excused window' };
  const problems = counted.filter((s) => !s.ok).map((s) => `probe at ${new Date(s.at).toISOString()}: ${s.seen}`);
  for (const r of records) {
    if (r.excused) continue;
    // Judged per submission, not per send: a first send left unanswered is a liveness failure even when a resend of
    // the same task_id was answered in time.
    if (r.resends?.length)
      problems.push(
        `submission of ${r.taskId}: ${r.resends.length} send(s) got no answer (${r.resends[0]}) before ${r.admission ? 'one was answered' : 'the client gave up'}`,
      );
    if (!r.admission) continue;
    if (r.admission.elapsedMs > boundMs)
      problems.push(`submission of ${r.taskId} answered after ${r.admission.elapsedMs} ms (bound ${boundMs} ms)`);
  }
  return verdictOf(
    'OrchestratorStayedLive',
    problems,
    `${counted.length} probes and ${records.length} submissions, all answered within ${boundMs} ms`,
  );
}
