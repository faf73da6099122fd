import type { Answer, Envelope, TaskRequest, TaskStatus } from '../orchestrator/client';
import type { ReceivedEvent, StreamEnd } from '../orchestrator/sse';

/** One connection to a task's event stream. */
export interface StreamRead {
  openedAt: number;
  lastEventId?: number;
  events: ReceivedEvent[];
  end?: StreamEnd;
}

/** Everything the client saw of one task: its admission, every stream read, and how it ended. */
export interface TaskRecord {
  taskId: string;
  request: TaskRequest;
  submittedAt: number;
  admission?: Answer<{ task_id?: string } & Partial<Envelope>>;
  transportError?: string;
  streams: StreamRead[];
  /** Set by `resolve()` from the status endpoint when the client did not see the end itself. */
  resolved?: TaskStatus;
  /** Submitted while the scenario had stopped the orchestrator on purpose: slowness or silence is excused. */
  excused?: boolean;
  /** Transport errors of earlier sends of the same task_id, before the one answered. */
  resends?: string[];
  /** Epoch ms when its admission was answered (on the send answered, which may be a resend long after submittedAt). */
  answeredAt?: number;
  /** Epoch ms when the client's cancel request was answered 204, if it canceled the task. */
  canceledAt?: number;
  /** Epoch ms when the client went away from the task's stream, never to read it again (SSE-1003), if it did. */
  leftAt?: number;
}

export type Outcome = 'completed' | 'failed' | 'canceled' | 'indeterminate';

/**
 * The client-side history of a scenario (Jepsen's history): every task submitted, every event received, with times.
 * Checks read it; nothing in it is inferred from the system's own bookkeeping except `resolved`.
 */
export class TaskHistory {
  private readonly records = new Map<string, TaskRecord>();

  add(request: TaskRequest): TaskRecord {
    const record: TaskRecord = { taskId: request.task_id, request, submittedAt: Date.now(), streams: [] };
    this.records.set(request.task_id, record);
    return record;
  }

  get(taskId: string): TaskRecord | undefined {
    return this.records.get(taskId);
  }

  all(): TaskRecord[] {
    return [...this.records.values()];
  }

  admitted(): TaskRecord[] {
    return this.all().filter(isAdmitted);
  }
}

/** The code a task dropped from a full queue ends with (drop-lru). */
export const DROPPED = 'QUEUE_FULL_DROP_LRU';

export function isAdmitted(r: TaskRecord): boolean {
  return r.admission?.status === 202;
}

/** Every event of a task across its stream reads, in order. */
export function eventsOf(r: TaskRecord): ReceivedEvent[] {
  return r.streams.flatMap((s) => s.events);
}

/** The terminal event the client saw, if any. */
export function terminalOf(r: TaskRecord): ReceivedEvent | undefined {
  return eventsOf(r).find((e) => e.event === 'end' || e.event === 'error');
}

/** The task's outcome: from the terminal event seen, else from the status endpoint, else indeterminate. */
export function outcomeOf(r: TaskRecord): Outcome {
  const terminal = terminalOf(r);
  if (terminal?.event === 'end') return terminal.data.canceled ? 'canceled' : 'completed';
  if (terminal?.event === 'error') return 'failed';
  const state = r.resolved?.state;
  return state === 'completed' || state === 'failed' || state === 'canceled' ? state : 'indeterminate';
}

/** The concatenated text of the tokens received, in index order. */
export function textOf(r: TaskRecord): string {
  return eventsOf(r)
    .filter((e) => e.event === 'token')
    .map((e) => String(e.data.t))
    .join('');
}

/** When (epoch ms) the client received the first token, if it did. */
export function firstTokenAt(r: TaskRecord): number | undefined {
  return eventsOf(r).find((e) => e.event === 'token')?.at;
}

/** Ms from submission to the first token the client received, if any. */
export function firstTokenDelayMs(r: TaskRecord): number | undefined {
  const first = firstTokenAt(r);
  return first === undefined ? undefined : first - r.submittedAt;
}

/** Ms from the first token to the terminal event, if both were seen. */
export function decodeMs(r: TaskRecord): number | undefined {
  const first = eventsOf(r).find((e) => e.event === 'token');
  const end = terminalOf(r);
  return first && end ? end.at - first.at : undefined;
}

/**
 * How a task ended, judged strictly: `complete` (end with every requested token), `explicit-error` (a retriable SSE
 * error), or what went wrong instead: a short stream that claims to have ended, a non-retriable error, no end at all.
 */
export function endingOf(r: TaskRecord): 'complete' | 'explicit-error' | string {
  const terminal = terminalOf(r);
  const tokens = eventsOf(r).filter((e) => e.event === 'token').length;
  if (!terminal) return `no terminal event (${tokens} tokens)`;
  if (terminal.event === 'error') return terminal.data.retriable === true ? 'explicit-error' : `non-retriable error ${terminal.data.code}`;
  if (tokens === r.request.max_tokens && terminal.data.tokens_out === tokens) return 'complete';
  return `silently truncated: end after ${tokens} of ${r.request.max_tokens} tokens (tokens_out=${terminal.data.tokens_out})`;
}

/** The longest wait between consecutive tokens the client received after `sinceMs` (epoch), in ms. */
export function longestTokenGapMs(r: TaskRecord, sinceMs: number): number {
  const times = eventsOf(r)
    .filter((e) => e.event === 'token' || e.event === 'end')
    .map((e) => e.at);
  let gap = 0;
  for (let k = 1; k < times.length; k++) if (times[k] >= sinceMs) gap = Math.max(gap, times[k] - times[k - 1]);
  return gap;
}

/**
 * ORCH-3026: the indices of tokens the client received that the canceled end does not account for (`tokens_out` is
 * what the server emitted before the cancel took effect). Empty when nothing was emitted after the cancel.
 */
export function tokensAfterCancel(r: TaskRecord): number[] {
  const end = terminalOf(r);
  if (end?.event !== 'end' || !end.data.canceled) return [];
  const emitted = Number(end.data.tokens_out);
  return eventsOf(r)
    .filter((e) => e.event === 'token' && Number(e.data.i) >= emitted)
    .map((e) => Number(e.data.i));
}

/** What a task that did not complete looks like in a report: its id, how it ended, and what the client saw. */
export interface NotCompleted {
  task: string;
  outcome: string;
  detail?: unknown;
}

/** The tasks among `records` that did not complete (refused ones included, as `refused`). */
export function notCompleted(records: TaskRecord[]): NotCompleted[] {
  return records
    .filter((r) => outcomeOf(r) !== 'completed')
    .map((r) => ({
      task: r.taskId,
      outcome: isAdmitted(r) ? outcomeOf(r) : 'refused',
      detail: terminalOf(r)?.data ?? r.admission?.body ?? r.transportError,
    }));
}

/** The tasks that neither completed with all their tokens nor failed explicitly (see `endingOf`). */
export function silentlyTruncated(records: TaskRecord[]): { task: string; ending: string }[] {
  return records
    .map((r) => ({ task: r.taskId, ending: endingOf(r) }))
    .filter((e) => e.ending !== 'complete' && e.ending !== 'explicit-error');
}

/** Per task, ms from submission to the first token (-1: none). */
export function firstTokenDelays(records: TaskRecord[]): { task: string; ms: number }[] {
  return records.map((r) => ({ task: r.taskId, ms: firstTokenDelayMs(r) ?? -1 }));
}

/** Per task, ms from the first token to the terminal event (-1: not both seen). */
export function decodeTimes(records: TaskRecord[]): { task: string; ms: number }[] {
  return records.map((r) => ({ task: r.taskId, ms: decodeMs(r) ?? -1 }));
}

/** A task disturbed by a fault, and the same request run again on the healed stack. */
export interface Rerun {
  taskId: string;
  disturbed: string;
  /** The undisturbed run's text; undefined when the rerun did not complete. */
  undisturbed?: string;
  rerunOutcome: string;
  /** Which rerun gave the undisturbed text: this scenario's, or an earlier one of the same request on the same target. */
  undisturbedFrom?: string;
  /** The undisturbed text is an earlier rerun of the same request on the same target: an earlier scenario's, or a Then's of this one (support/load/undisturbed-texts.ts). */
  earlier?: boolean;
}

/**
 * The send the orchestrator answered: when it began and when its answer came (epoch ms). Not the first send: a send the
 * orchestrator never got (it was down) is resent, and the task is created only on the send it answers, in between.
 */
export function answeredSend(r: TaskRecord): { sentAt: number; answeredAt: number } {
  const answered = r.answeredAt ?? r.submittedAt + (r.admission?.elapsedMs ?? 0);
  return { sentAt: answered - (r.admission?.elapsedMs ?? 0), answeredAt: answered };
}

/** When the orchestrator had certainly created the task: when its admission was answered. */
export function answeredAt(r: TaskRecord): number {
  return answeredSend(r).answeredAt;
}
