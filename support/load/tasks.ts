import { ConditionBroken } from '../core/errors';
import type { Timeline } from '../core/timeline';
import { DROPPED, isAdmitted, type TaskRecord, terminalOf } from '../history/history';
import { taskEnds } from '../observe/waits';
import { newTask, type OrchestratorClient, type TaskRequest, type TaskStatus } from '../orchestrator/client';
import type { Workload } from './workload';

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
 * As submitInWaves, but as the careful client the contract expects: a task refused with a retriable error and a retry
 * hint is submitted again (a new id, the same request) once the hint has passed, until `deadline` (epoch ms); a
 * refusal without both is final. Returns each task's last attempt, in order (the refused attempts stay in the history).
 */
export async function submitInWavesCarefully(
  workload: Workload,
  count: number,
  wave: number,
  make: () => TaskRequest,
  withinMs: number,
  deadline: number,
): Promise<TaskRecord[]> {
  const out: TaskRecord[] = [];
  for (let start = 0; start < count; start += wave) {
    const requests = Array.from({ length: Math.min(wave, count - start) }, make);
    const batch = await Promise.all(requests.map((r) => submitCarefully(workload, r, deadline, retriableHint)));
    out.push(...batch);
    await Promise.all(batch.filter(isAdmitted).map((r) => taskEnds(r, withinMs)));
  }
  return out;
}

/** The retry hint of a refusal that says it may be retried, or undefined. */
export function retriableHint(record: TaskRecord): number | undefined {
  const body = record.admission?.body;
  return body?.retriable === true && Number(body.retry_after_ms) >= 0 ? Number(body.retry_after_ms) : undefined;
}

/**
 * Submits `request` (each time under a new id) until it is admitted, the refusal has no hint (`hintOf` says
 * undefined) or `deadline` (epoch ms) has passed, waiting each refusal's hint in between; returns the last attempt.
 */
export async function submitCarefully(
  workload: Workload,
  request: TaskRequest,
  deadline: number,
  hintOf: (refused: TaskRecord) => number | undefined,
): Promise<TaskRecord> {
  for (;;) {
    const attempt = await workload.submit({ ...request, task_id: newTask().task_id });
    const hintMs = attempt.admission && attempt.admission.status !== 202 ? hintOf(attempt) : undefined;
    if (hintMs === undefined || Date.now() >= deadline) return attempt;
    await new Promise((resolve) => setTimeout(resolve, Math.min(hintMs, Math.max(0, deadline - Date.now()))));
  }
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

/**
 * A poison request: valid for the orchestrator, refused by every engine — a prompt of more words than any engine's
 * context holds for one slot (the reference engine counts words as tokens; 5 000 words is above any slot's context the
 * profiles give, and below the orchestrator's 64 KiB limit on a prompt).
 */
export function poisonTask(base: TaskRequest): TaskRequest {
  return { ...base, prompt: Array.from({ length: 5_000 }, (_, i) => `w${i % 100}`).join(' ') };
}

/** Fields the contract's task request does not allow as sent here: a wrong type, a value outside its enum, missing. */
export const MALFORMED_FIELDS: { field: keyof TaskRequest; value?: unknown }[] = [
  { field: 'ctx', value: 'lots' },
  { field: 'priority', value: 'urgent' },
  { field: 'max_tokens' },
];

/** The `k`-th malformed request (cycling through MALFORMED_FIELDS): `base` with that one field broken. */
export function malformedTask(base: TaskRequest, k: number): TaskRequest {
  const { field, value } = MALFORMED_FIELDS[k % MALFORMED_FIELDS.length];
  const broken: Record<string, unknown> = { ...base, [field]: value };
  if (value === undefined) delete broken[field];
  return broken as unknown as TaskRequest;
}

/** Which field of MALFORMED_FIELDS `request` breaks (as malformedTask broke it), or none. */
export function malformedField(request: TaskRequest): string | undefined {
  const sent = request as unknown as Record<string, unknown>;
  return MALFORMED_FIELDS.find(({ field, value }) => (value === undefined ? !(field in sent) : sent[field] === value))?.field;
}

/**
 * An overload at once: `count` tasks sent together, each its own request in parallel, then their streams awaited (up
 * to `settleMs`). Says how many the orchestrator refused at admission, how many it dropped from its full queue
 * (drop-lru), and how many streams were still open.
 */
export async function burst(
  workload: Workload,
  count: number,
  make: () => TaskRequest,
  settleMs: number,
): Promise<{ refused: number; dropped: number; open: number }> {
  const records = await Promise.all(Array.from({ length: count }, () => workload.submit(make())));
  const open = await workload.settle(settleMs);
  const dropped = records.filter((r) => terminalOf(r)?.data.code === DROPPED).length;
  // Refused: answered, and not admitted (a request that got no answer at all is not a refusal).
  const refused = records.filter((r) => r.admission !== undefined && !isAdmitted(r)).length;
  return { refused, dropped, open };
}
