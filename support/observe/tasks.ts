import { newTask, type OrchestratorClient, type TaskRequest, type TaskStatus } from '../orchestrator/client';
import { readEngineTasks } from './evidence';
import { eventsOf, isAdmitted, longestTokenGapMs, outcomeOf, type TaskRecord, terminalOf, textOf } from './history';
import { lastInjectionAt, measureDetection } from './measures';
import { ConditionBroken } from '../core/errors';
import { eventually } from '../core/eventually';
import { timed } from '../core/time-split';
import type { Timeline } from '../core/timeline';
import { taskEnds } from './waits';
import type { Workload } from './workload';

/** Which replica served each task, as the status endpoint says (the orchestrator's own account). */
export async function replicasServing(client: OrchestratorClient, records: TaskRecord[]): Promise<{ task: string; replica?: string }[]> {
  return Promise.all(records.map(async (r) => ({ task: r.taskId, replica: (await client.status(r.taskId)).body.replica_id })));
}

/** The status answer for every task of `records`. */
export async function knownStatuses(
  client: OrchestratorClient,
  records: TaskRecord[],
): Promise<{ task: string; status: number; state?: string }[]> {
  return Promise.all(
    records.map(async (r) => {
      const a = await client.status(r.taskId);
      return { task: r.taskId, status: a.status, state: a.body.state };
    }),
  );
}

/** Sends a task's request again, unchanged; returns the answer and the task's status before and after. */
export async function resubmit(
  client: OrchestratorClient,
  record: TaskRecord,
): Promise<{ before: TaskStatus; answer: { status: number; task_id?: string }; after: TaskStatus }> {
  const before = (await client.status(record.taskId)).body;
  const answer = await client.submit(record.request);
  const after = (await client.status(record.taskId)).body;
  return { before, answer: { status: answer.status, task_id: answer.body.task_id }, after };
}

/** Cancels a task; records in the timeline (and on the record) when the cancel was answered. */
export async function cancelTask(client: OrchestratorClient, timeline: Timeline, record: TaskRecord): Promise<{ status: number }> {
  const answer = await client.cancel(record.taskId);
  // On loopback a write is in the peer's socket buffer when it returns, so a token the orchestrator wrote before its
  // 204 is readable no later than the 204 is: this turn's pending reads run (setImmediate) before the cancel counts
  // as seen, or the client's own scheduling could stamp such a token after it.
  if (answer.status === 204) record.canceledAt = await new Promise<number>((resolve) => setImmediate(() => resolve(Date.now())));
  timeline.record('request', 'task.canceled', { task_id: record.taskId, status: answer.status, elapsed_ms: answer.elapsedMs });
  return { status: answer.status };
}

/**
 * Submits `count` tasks in waves of `wave`: each wave one task after another, the next once every task of the previous
 * one ended (a closed-loop client that keeps at most `wave` tasks in the system, so no queue bound is what it tests).
 */
export async function submitInWaves(
  workload: Workload,
  count: number,
  wave: number,
  make: () => TaskRequest,
  withinMs: number,
): Promise<TaskRecord[]> {
  const out: TaskRecord[] = [];
  for (let start = 0; start < count; start += wave) {
    const batch = await workload.submitMany(Math.min(wave, count - start), make);
    out.push(...batch);
    // A refused task has no stream to end: only the admitted ones are waited for.
    await Promise.all(batch.filter(isAdmitted).map((r) => taskEnds(r, withinMs)));
  }
  return out;
}

/**
 * Cancels a task that must be queued at that moment (OC-CORE-1005 is about a queued task): the client-visible status
 * says `queued` right before the cancel, or the step fails saying what the task was instead, since a cancel of a task
 * already dispatched would prove something else.
 */
export async function cancelQueuedTask(client: OrchestratorClient, timeline: Timeline, record: TaskRecord): Promise<{ status: number }> {
  const before = (await client.status(record.taskId)).body;
  if (before.state !== 'queued')
    throw new ConditionBroken(
      `Task ${record.taskId} is not queued at its cancel: expected state queued but it is ${before.state} (attempts ${before.attempts}, replica ${before.replica_id ?? 'none'})`,
    );
  return cancelTask(client, timeline, record);
}

/** Waits for a task's end; returns its error event (if it failed) and how long after the latest fault it arrived. */
export async function taskEndsAfterFault(
  record: TaskRecord,
  timeline: Timeline,
  withinMs: number,
): Promise<{ afterFaultMs: number; afterLastTokenMs: number; error?: Record<string, unknown> }> {
  await taskEnds(record, withinMs);
  const terminal = terminalOf(record)!;
  measureDetection(timeline, `task ${terminal.event}`, terminal.at);
  const lastToken = eventsOf(record)
    .filter((e) => e.event === 'token' && e.at <= terminal.at)
    .at(-1);
  const afterLastTokenMs = terminal.at - (lastToken?.at ?? record.submittedAt);
  timeline.measure('terminal_after_last_token_ms', afterLastTokenMs);
  return {
    afterFaultMs: terminal.at - (lastInjectionAt(timeline) ?? record.submittedAt),
    afterLastTokenMs,
    error: terminal.event === 'error' ? terminal.data : undefined,
  };
}

/**
 * Runs a task's request again (new id, same prompt, seed and length) and returns both token texts; records the
 * longest wait between tokens after the fault as the disturbed stream's time to recover.
 */
export async function rerunUndisturbed(
  workload: Workload,
  timeline: Timeline,
  record: TaskRecord,
  withinMs: number,
): Promise<{ disturbed: string; undisturbed: string }> {
  const injectedAt = lastInjectionAt(timeline);
  if (injectedAt !== undefined)
    timeline.measure('time_to_recover_ms', longestTokenGapMs(record, injectedAt), { sign: 'longest wait between tokens after the fault' });
  return timed('undisturbed reruns', async () => {
    const clone = await workload.submit({ ...record.request, task_id: newTask().task_id });
    await taskEnds(clone, withinMs);
    return { disturbed: textOf(record), undisturbed: textOf(clone) };
  });
}

/** The tasks submitted while a fault was active (from its injection to its heal, or to now if still active). */
export function submittedDuringFaults(records: TaskRecord[], windows: { from: number; to: number }[]): TaskRecord[] {
  return records.filter((r) => windows.some((w) => r.submittedAt >= w.from && r.submittedAt <= w.to));
}

/**
 * Which of `records` the engine of `replica` itself says it generated (by the task's seed, from the engines' logs):
 * where a task ran, according to the engine side rather than the orchestrator's `replica_id`.
 */
export function servedByEngineOf(records: TaskRecord[], engineLogs: Map<string, string>, pattern: RegExp, replica: string): TaskRecord[] {
  const seeds = new Set(
    readEngineTasks(engineLogs, pattern)
      .filter((t) => t.replica === replica)
      .map((t) => t.seed),
  );
  return records.filter((r) => seeds.has(Number(r.request.seed)));
}

/**
 * Waits until every completed task of `records` is found, by its seed, in some engine's log (an engine may write its
 * log a moment after the stream ended), so a verdict about where tasks ran reads complete evidence; throws naming
 * the tasks no engine owns up to.
 */
export async function engineLogsAccountFor(
  records: TaskRecord[],
  engineLogs: Map<string, string>,
  pattern: RegExp,
  withinMs: number,
): Promise<void> {
  const completed = records.filter((r) => outcomeOf(r) === 'completed');
  await eventually(
    'every completed task in some engine log',
    async () => {
      const seeds = new Set(readEngineTasks(engineLogs, pattern).map((t) => t.seed));
      const missing = completed.filter((r) => !seeds.has(Number(r.request.seed))).map((r) => r.taskId);
      return { ok: missing.length === 0, seen: `not in any engine log: ${missing.join(', ') || 'none'}` };
    },
    { withinMs, everyMs: 50 },
  );
}

/** Why a poison task did not fail at once with `code`, not retriable (empty when it did). */
export function poisonProblems(record: TaskRecord, code: string, fastMs: number): string[] {
  const end = terminalOf(record);
  if (!end) return [`${record.taskId}: no end seen`];
  const data = end.data as { code?: string; retriable?: boolean };
  if (end.event !== 'error' || data.code !== code || data.retriable !== false)
    return [`${record.taskId}: ended ${end.event} ${JSON.stringify(end.data)}, expected ${code} not retriable`];
  const ms = end.at - record.submittedAt;
  return ms > fastMs ? [`${record.taskId}: failed ${ms} ms after its submission (bound ${fastMs} ms)`] : [];
}

/**
 * A poison request: valid for the orchestrator, refused by every engine — a prompt of more words than any engine's
 * context holds for one slot (the reference engine counts words as tokens; 5 000 words is above any slot's context the
 * profiles give, and below the orchestrator's 64 KiB limit on a prompt).
 */
export function poisonTask(base: TaskRequest): TaskRequest {
  return { ...base, prompt: Array.from({ length: 5_000 }, (_, i) => `w${i % 100}`).join(' ') };
}

/** The tasks submitted since the scenario's last heal that completed; none healed is a scenario that cannot ask. */
export function completedSinceLastHeal(records: TaskRecord[], timeline: Timeline): TaskRecord[] {
  const healed = timeline.last('fault', 'fault.healed');
  if (!healed) throw new ConditionBroken('No fault was healed in this scenario: there is no "since the heal" to look at');
  const since = timeline.startedAt + healed.at;
  return records.filter((r) => r.submittedAt >= since && outcomeOf(r) === 'completed');
}
