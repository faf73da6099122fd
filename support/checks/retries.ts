import { eventsOf, type TaskRecord, terminalOf } from '../history/history';

/**
 * HTU-1002 under any schedule: a task that failed before its first token, sooner than the queue timeout could end it
 * (`early`, from givenUpEarly), gave up because its dispatch failed `budget` times, so its status shows at least
 * `budget` attempts; fewer mean a failed dispatch was not retried. `attempts` maps those tasks to their status's count.
 * Returns which tasks fall short.
 */
export function givenUpBeforeBudget(early: TaskRecord[], attempts: Map<string, number>, budget: number): string[] {
  return early
    .filter((r) => (attempts.get(r.taskId) ?? 0) < budget)
    .map(
      (r) => `${r.taskId}: failed ${terminalOf(r)?.data.code} with no token after ${attempts.get(r.taskId)} attempt(s), budget ${budget}`,
    );
}

/**
 * The tasks that failed with POOL_UNAVAILABLE before their first token, in less than `queueTimeoutMs` from their
 * submission (the queue timeout ends a task that waited that long, whatever its attempts).
 */
export function givenUpEarly(records: TaskRecord[], queueTimeoutMs: number): TaskRecord[] {
  return records.filter((r) => {
    const end = terminalOf(r);
    return (
      r.admission?.status === 202 &&
      end?.event === 'error' &&
      end.data.code === 'POOL_UNAVAILABLE' &&
      end.at - r.submittedAt < queueTimeoutMs &&
      !eventsOf(r).some((e) => e.event === 'token')
    );
  });
}

/**
 * HTU-1002 judged by what the client saw: with every dispatch failing, a task's time to fail is a fixed cost (its
 * attempts) plus the sum of its backoffs, each uniform below its ceiling (full jitter), whose standard deviation is
 * the root of the sum of c²/12. So the times' sample deviation must be at least half of that (a fixed backoff, or
 * none, leaves only scheduling noise) and at most 1.5 times it (backoffs past their ceilings spread wider). Both
 * bounds judge every task at once, so one task delayed by the machine does not decide the verdict, as it would a bound
 * on the span between the fastest and the slowest. Returns what does not hold, and what was seen.
 */
export function backoffSpreadProblems(
  times: number[],
  policy: RetryPolicySeen,
): { problems: string[]; seen: ReturnType<typeof spreadOf> & { n: number; ceilingsMs: number[]; jitterSd: number } } {
  const ceilingsMs = backoffCeilingsMs(policy);
  const jitterSd = Math.sqrt(ceilingsMs.reduce((a, c) => a + (c * c) / 12, 0));
  const seen = { ...spreadOf(times), n: times.length, ceilingsMs, jitterSd: Number(jitterSd.toFixed(1)) };
  if (times.length < 10) return { problems: [`only ${times.length} tasks failed: at least 10 are needed to judge the spread`], seen };
  const of = `the ${jitterSd.toFixed(1)} ms of full jitter under ceilings ${ceilingsMs.join(' + ')} ms`;
  const problems: string[] = [];
  if (seen.sd < jitterSd / 2) problems.push(`standard deviation ${seen.sd.toFixed(1)} ms, below half ${of}: not jittered`);
  if (seen.sd > jitterSd * 1.5)
    problems.push(`standard deviation ${seen.sd.toFixed(1)} ms, above 1.5 times ${of}: backoffs past their ceilings`);
  return { problems, seen };
}

/** The orchestrator's dispatch retry policy (HTU-1002), as the target profile configures it. */
export interface RetryPolicySeen {
  baseMs: number;
  capMs: number;
  /** Failed dispatches a task may have; the last one ends it. */
  budget: number;
}

/** The ceiling of the k-th backoff (0-based) under full jitter: min(cap, base × 2^k); the delay is uniform below it. */
export function backoffCeilingsMs(policy: RetryPolicySeen): number[] {
  return Array.from({ length: Math.max(0, policy.budget - 1) }, (_, k) => Math.min(policy.capMs, policy.baseMs * 2 ** k));
}

/** Sample mean and standard deviation. */
export function spreadOf(xs: number[]): { mean: number; sd: number; min: number; max: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, xs.length - 1));
  return { mean, sd, min: Math.min(...xs), max: Math.max(...xs) };
}
