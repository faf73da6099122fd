import { BOUNDS } from './bounds';
import type { Envelope } from '../orchestrator/client';
import { answeredSend, eventsOf, isAdmitted, type TaskRecord, terminalOf } from '../history/history';
import { type Verdict, verdictOf } from './verdict';

const describeEvents = (r: TaskRecord): string =>
  `${eventsOf(r).length} events over ${r.streams.length} reads (last: ${
    eventsOf(r)
      .slice(-3)
      .map((e) => e.event)
      .join(',') || 'none'
  }; reads ended: ${r.streams.map((s) => s.end?.how ?? 'open').join('/') || 'never opened'})`;

/**
 * Every submission got an HTTP answer. A client that got none cannot know whether its task was admitted; the
 * workload resends the same task_id (the contract makes that idempotent) until it gets one, so a submission left
 * without an answer means the orchestrator never answered within the workload's patience.
 */
export function SubmissionsAnswered(records: TaskRecord[]): Verdict {
  const unanswered = records.filter((r) => !r.admission).map((r) => `${r.taskId}: no answer (${r.transportError ?? 'pending'})`);
  if (records.length === 0) return { check: 'SubmissionsAnswered', valid: 'unknown', detail: 'no task was submitted' };
  return verdictOf('SubmissionsAnswered', unanswered, `${records.length} submissions, all answered`);
}

/**
 * Every admitted (202) task reached a terminal event that the client itself received on its stream. The status
 * endpoint is not asked: a task the orchestrator calls finished but whose end never reached its client is lost to
 * that client. A task with no event at all fails too.
 */
export function AdmittedTasksEnded(records: TaskRecord[]): Verdict {
  const admitted = records.filter(isAdmitted);
  if (admitted.length === 0)
    return { check: 'AdmittedTasksEnded', valid: true, detail: 'no task was admitted (refusals are judged by RefusalsExplicit)' };
  // A client that went away on purpose (SSE-1003) sees no end by its own choice; its steps judge that task's end.
  const left = admitted.filter((r) => r.leftAt !== undefined).length;
  const open = admitted.filter((r) => !terminalOf(r) && r.leftAt === undefined);
  const problems = open.map(
    (r) => `${r.taskId}: no terminal event seen, ${describeEvents(r)}${r.resolved ? `; status endpoint says ${r.resolved.state}` : ''}`,
  );
  const whose = left > 0 ? ` (${left} whose client went away before it)` : '';
  return verdictOf('AdmittedTasksEnded', problems, `${admitted.length} admitted tasks, every end seen by its client${whose}`);
}

/**
 * An `end` that is not a cancel means the whole stream: the tokens the client received are contiguous from 0, their
 * count equals `end.tokens_out` and the tokens the task asked for (the engines generate exactly `max_tokens`). A stream
 * that stops short with an `end` is a silent truncation.
 */
export function CompletedStreamsComplete(records: TaskRecord[], generatesMaxTokens = true): Verdict {
  const problems: string[] = [];
  let completed = 0;
  for (const r of records.filter(isAdmitted)) {
    const end = terminalOf(r);
    if (end?.event !== 'end' || end.data.canceled) continue;
    completed++;
    const indices = eventsOf(r)
      .filter((e) => e.event === 'token')
      .map((e) => Number(e.data.i));
    const contiguous = indices.every((i, k) => i === k);
    if (!contiguous) problems.push(`${r.taskId}: token indices not contiguous from 0 (${indices.slice(0, 10).join(',')}…)`);
    if (Number(end.data.tokens_out) !== indices.length)
      problems.push(`${r.taskId}: end says tokens_out=${end.data.tokens_out}, client received ${indices.length}`);
    if (generatesMaxTokens && indices.length !== r.request.max_tokens)
      problems.push(`${r.taskId}: silently truncated: end after ${indices.length} of ${r.request.max_tokens} tokens`);
  }
  if (completed === 0) return { check: 'CompletedStreamsComplete', valid: true, detail: 'no task completed (nothing to judge)' };
  return verdictOf('CompletedStreamsComplete', problems, `${completed} completed streams, each whole`);
}

/** Codes that blame the request itself: they must say `retriable: false` (CONTRACT: 400 INVALID_PARAMS, DEADLINE_UNMET). */
const CLIENT_FAULTS = new Set(['INVALID_PARAMS', 'DEADLINE_UNMET']);

/** The problems of an error envelope (SSE `error` data or a refusal body): code, message, retriable, retry hint. */
export function envelopeProblems(e: Partial<Envelope> | undefined, allowed: ReadonlySet<string>): string[] {
  if (!e || typeof e !== 'object') return ['no envelope'];
  const problems: string[] = [];
  if (typeof e.code !== 'string' || !/^[A-Z_]+$/.test(e.code)) problems.push(`code ${JSON.stringify(e.code)} is not a typed code`);
  else if (!allowed.has(e.code))
    problems.push(`code ${e.code} is not one this scenario's faults allow (${[...allowed].join(', ') || 'none'})`);
  if (typeof e.message !== 'string' || e.message === '') problems.push('no message');
  // A request at fault (a poison request) must say it is not worth retrying; every other failure must be retriable.
  const clientFault = CLIENT_FAULTS.has(String(e.code));
  if (e.retriable !== !clientFault)
    problems.push(`retriable=${JSON.stringify(e.retriable)}${clientFault ? ' for a request at fault' : ''}`);
  if (!clientFault && !(Number(e.retry_after_ms) >= 0)) problems.push(`retry_after_ms=${JSON.stringify(e.retry_after_ms)}`);
  return problems;
}

/**
 * Every task that failed did so explicitly: a well-formed envelope, retriable, with a code the scenario's faults allow,
 * or, for a task that got no token and failed once the queue timeout (`queueTimeoutMs`) had passed since its
 * submission, POOL_UNAVAILABLE: no replica took it in time (CHAOS-004), whatever made them all busy or gone.
 */
export function ErrorsExplicit(records: TaskRecord[], allowed: ReadonlySet<string>, queueTimeoutMs = Number.POSITIVE_INFINITY): Verdict {
  const failed = records.filter((r) => terminalOf(r)?.event === 'error');
  const atQueueTimeout = new Set([...allowed, 'POOL_UNAVAILABLE']);
  const problems = failed.flatMap((r) => {
    const end = terminalOf(r)!;
    // From the send the orchestrator answered (a send it never got, while it was down, created nothing).
    const { sentAt } = answeredSend(r);
    const timedOut = end.at - sentAt >= queueTimeoutMs && !eventsOf(r).some((e) => e.event === 'token');
    return envelopeProblems(end.data as Partial<Envelope>, timedOut ? atQueueTimeout : allowed).map((p) => `${r.taskId}: ${p}`);
  });
  return verdictOf('ErrorsExplicit', problems, `${failed.length} failed tasks, each with an allowed, retriable error`);
}

/**
 * Every refusal (an answer other than 202) is explicit: a 4xx/5xx with the envelope, retriable, an allowed code and
 * a `Retry-After` header of at least 1 s (ORCH-2007, ORCH-3018).
 */
export function RefusalsExplicit(records: TaskRecord[], allowed: ReadonlySet<string>): Verdict {
  const refused = records.filter((r) => r.admission && r.admission.status !== 202);
  const problems = refused.flatMap((r) => {
    const a = r.admission!;
    const p = envelopeProblems(a.body as Partial<Envelope>, allowed);
    if (a.status < 400) p.push(`HTTP ${a.status}`);
    // A request at fault is not to be retried: it needs no retry hint.
    if (!CLIENT_FAULTS.has(String((a.body as Partial<Envelope>)?.code)) && !(Number(a.headers['retry-after']) >= 1))
      p.push(`Retry-After=${a.headers['retry-after']}`);
    return p.map((x) => `${r.taskId} (HTTP ${a.status}): ${x}`);
  });
  return verdictOf('RefusalsExplicit', problems, `${refused.length} refusals, each explicit with a retry hint`);
}

/**
 * ORCH-3026, judged by the client: once its cancel request was answered 204, the client receives no further token
 * of that task, and the task ends as canceled (unless it had already ended). The `tokens_out` the server reports in
 * its canceled `end` is not trusted for this.
 */
export function NoTokenAfterCancel(records: TaskRecord[]): Verdict {
  const canceled = records.filter((r) => r.canceledAt !== undefined);
  const problems: string[] = [];
  for (const r of canceled) {
    // A token is judged by when its index first reached the client, on any of its streams: a stream opened later
    // replays from the store what an earlier one had, and a replayed token is not a new one.
    const firstSeen = new Map<unknown, number>();
    for (const e of eventsOf(r)) if (e.event === 'token') firstSeen.set(e.data.i, Math.min(firstSeen.get(e.data.i) ?? e.at, e.at));
    // A token sent before the cancel may arrive a moment after its 204, on the other connection: late is past that
    // moment, or beyond the count the stream's own canceled end gives.
    const end = terminalOf(r);
    const counted = end?.event === 'end' && end.data.canceled ? Number(end.data.tokens_out) : Number.POSITIVE_INFINITY;
    const late = eventsOf(r).filter(
      (e) =>
        e.event === 'token' &&
        firstSeen.get(e.data.i) === e.at &&
        (e.at > r.canceledAt! + BOUNDS.cancelDeliverySlackMs || (e.at > r.canceledAt! && Number(e.data.i) >= counted)),
    );
    if (late.length)
      problems.push(
        `${r.taskId}: ${late.length} token(s) after the cancel was acknowledged (beyond ${BOUNDS.cancelDeliverySlackMs} ms, or the ${counted} its end counts), first index ${late[0].data.i} at +${late[0].at - r.canceledAt!} ms`,
      );
    if (end && end.at > r.canceledAt! && !(end.event === 'end' && end.data.canceled))
      problems.push(`${r.taskId}: ended as ${end.event} after its cancel was acknowledged`);
  }
  return verdictOf('NoTokenAfterCancel', problems, `${canceled.length} canceled tasks, no token after any cancel`);
}
