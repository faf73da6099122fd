import { Rerun } from '../history/history';
import { type Verdict, verdictOf } from './verdict';

/**
 * Upstream ORCH-3050 (determinism): a task that completed while a fault was active — failed over, retried, resumed —
 * produced exactly the text an undisturbed run of the same request produces. A rerun that could not complete leaves
 * the verdict unknown, which fails the scenario too: nothing is assumed.
 */
export function StreamsMatchUndisturbedRuns(reruns: Rerun[]): Verdict {
  const undecided = reruns.filter((r) => r.undisturbed === undefined);
  if (undecided.length)
    return {
      check: 'StreamsMatchUndisturbedRuns',
      valid: 'unknown',
      detail: `${undecided.length} rerun(s) did not complete: ${undecided.map((r) => `${r.taskId} (${r.rerunOutcome})`).join('; ')}`,
    };
  const problems = reruns
    .filter((r) => r.disturbed !== r.undisturbed)
    .map(
      (r) =>
        `${r.taskId}: disturbed stream ${JSON.stringify(r.disturbed.slice(0, 60))}… differs from undisturbed ${JSON.stringify(r.undisturbed!.slice(0, 60))}… (${r.undisturbedFrom ?? 'rerun'})`,
    );
  const earlier = reruns.filter((r) => r.earlier).length;
  return verdictOf(
    'StreamsMatchUndisturbedRuns',
    problems,
    `${reruns.length} disturbed tasks, each identical to an undisturbed run (${earlier} of them run before the After: by an earlier scenario or a Then)`,
  );
}
