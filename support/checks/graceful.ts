import { eventsOf, isAdmitted, outcomeOf, type TaskRecord, terminalOf } from '../history/history';

/**
 * The tasks no earlier fault met: none was in flight (admitted, not ended) at the injection of a fault before `at`
 * (epoch ms; `injections`, epoch ms). A promise a fault makes to the tasks in flight at its instant is judged on these:
 * a task an earlier fault met may carry its effects past that fault's heal (seen: a stream an engine's graceful stop
 * had cut at its grace, its retries spent, still waiting to fail over when the next fault came, and failing after it).
 */
export function untouchedBefore(records: TaskRecord[], injections: number[], at: number): TaskRecord[] {
  const earlier = injections.filter((t) => t < at);
  return records.filter((r) => {
    const ended = terminalOf(r)?.at ?? Number.POSITIVE_INFINITY;
    return !earlier.some((t) => r.submittedAt <= t && ended >= t);
  });
}

/**
 * The tasks streaming at `at` (epoch ms: a token shown by then, no end seen before it), with their tokens by then. A
 * token seen in the same millisecond counts: the fault waits for a streaming task and then acts, often within the
 * millisecond (an explored reload once found "no task streaming" so).
 */
export function streamingAt(records: TaskRecord[], at: number): { task: TaskRecord; tokens: number }[] {
  return records.filter(isAdmitted).flatMap((r) => {
    const end = terminalOf(r);
    const tokens = eventsOf(r).filter((e) => e.event === 'token' && e.at <= at).length;
    return tokens > 0 && (!end || end.at >= at) ? [{ task: r, tokens }] : [];
  });
}

/** The tasks streaming at `at` that failed afterwards, with what they had by then, how and when they failed. */
export function streamingThenFailed(
  records: TaskRecord[],
  at: number,
): { task: TaskRecord; tokens: number; code: string; afterMs: number }[] {
  return streamingAt(records, at).flatMap(({ task, tokens }) => {
    const end = terminalOf(task);
    return end?.event === 'error' ? [{ task, tokens, code: String(end.data.code), afterMs: end.at - at }] : [];
  });
}

/**
 * ORCH-3505 on the history: a component asked to stop gracefully (at `requestAt`, epoch ms) lets the tasks streaming
 * then run on for its grace period (`graceMs`): one that had shown a token before the request and had not ended may
 * complete, or be cut once the grace has passed, never before. Returns the tasks it cut early, with when.
 */
export function cutBeforeGrace(records: TaskRecord[], requestAt: number, graceMs: number): string[] {
  return streamingThenFailed(records, requestAt)
    .filter((f) => f.afterMs < graceMs)
    .map(
      (f) =>
        `${f.task.taskId}: streaming at the request (${f.tokens} tokens by then), failed ${f.code} ${f.afterMs} ms after it, within the ${graceMs} ms grace`,
    );
}

/**
 * ORCH-3505 on the history: a pool drained at `at` (epoch ms: when the request was sent) ends every task streaming then
 * within `withinMs` (its deadline and the slack of its timer): completed, or cut. Returns those that ran on past it, or
 * never ended (a task the client went away from is not judged: its end is no longer the client's to see).
 */
export function outlivedDeadline(records: TaskRecord[], at: number, withinMs: number): string[] {
  return streamingAt(records, at).flatMap(({ task, tokens }) => {
    if (task.leftAt !== undefined) return [];
    const end = terminalOf(task);
    const afterMs = end ? end.at - at : undefined;
    if (afterMs !== undefined && afterMs <= withinMs) return [];
    const how = end ? `ended (${end.event}) ${afterMs} ms after it` : 'never ended';
    return [`${task.taskId}: streaming at the request (${tokens} tokens by then), ${how}, past ${withinMs} ms`];
  });
}

/**
 * CHAOS-002 on the history: with stream failover on, a task streaming when its engine died (at `killedAt`, epoch ms) is
 * resumed on a replica that takes over (the restarted engine, or another), so it does not fail. Returns those that did.
 */
export function failedDespiteFailover(records: TaskRecord[], killedAt: number): string[] {
  return streamingThenFailed(records, killedAt).map(
    (f) => `${f.task.taskId}: streaming at the kill (${f.tokens} tokens by then), failed ${f.code} ${f.afterMs} ms after it`,
  );
}

/**
 * The tasks of `records` that did not complete and were not caught by a hang of `replica` from `hung` to `resumed`
 * (epoch ms): caught means served by that replica (`replicaOf`, the client's status), shown a token, its last token
 * before the resume and its end after the hang began, and failed retriably. Without stream failover nothing can rescue
 * such a task; any other must complete. One line per task, saying what it was.
 */
export function notCompletedNorCaughtByHang(
  records: TaskRecord[],
  replicaOf: Map<string, string | undefined>,
  hang: { replica: string; hung: number; resumed: number },
): string[] {
  return records
    .filter((r) => outcomeOf(r) !== 'completed')
    .flatMap((r) => {
      const tokens = eventsOf(r).filter((e) => e.event === 'token');
      const end = terminalOf(r);
      const on = replicaOf.get(r.taskId);
      const caught =
        on === hang.replica && tokens.length > 0 && tokens.at(-1)!.at < hang.resumed && end !== undefined && end.at >= hang.hung;
      if (caught && end?.event === 'error' && end.data.retriable === true) return [];
      return [`${r.taskId} on ${on ?? 'no replica'}, ${tokens.length} tokens, ended ${JSON.stringify(end?.data ?? 'never')}`];
    });
}
