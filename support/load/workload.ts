import { setMaxListeners } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import type { OrchestratorClient, TaskRequest } from '../orchestrator/client';
import type { StreamRead, TaskHistory, TaskRecord } from '../history/history';
import { outcomeOf, terminalOf } from '../history/history';
import type { Timeline } from '../core/timeline';
import { Excuses } from '../history/liveness';

export interface WorkloadLimits {
  /** Most tasks one scenario may submit (every load loop is bounded). */
  maxTasks: number;
  /** Most reconnects of one stream after it broke without a terminal event. */
  maxReconnects: number;
  /** Delay between reconnects, ms. */
  reconnectDelayMs: number;
  /** How long a client keeps resending a task that got no answer (same task_id: the contract makes it idempotent), ms. */
  resendForMs: number;
}

// A stream that breaks is read again for up to 300 × 50 ms = 15 s, as long as a task may be resent: an orchestrator
// restart in a scenario takes well under that.
const DEFAULT_LIMITS: WorkloadLimits = { maxTasks: 500, maxReconnects: 300, reconnectDelayMs: 50, resendForMs: 15_000 };

/**
 * The client side of a scenario: submits tasks, follows each admitted task's event stream in the background like a
 * careful client (reconnecting with `Last-Event-ID` when a stream breaks without a terminal event), and records
 * everything in the history. Bounded in tasks and reconnects; `stop()` aborts every follower.
 */
export class Workload {
  private readonly followers = new Set<Promise<void>>();
  private readonly abort = new AbortController();
  /** Tasks whose client is to go away on the next token it receives (SSE-1003), with what to call when it has. */
  private readonly leaving = new Map<string, (at: number) => void>();
  private submitted = 0;

  constructor(
    private readonly client: () => OrchestratorClient,
    private readonly history: TaskHistory,
    private readonly timeline: Timeline,
    private readonly excuses: Excuses = new Excuses(),
    private readonly limits: WorkloadLimits = DEFAULT_LIMITS,
  ) {
    // One listener per followed stream: up to maxTasks of them on this signal, on purpose.
    setMaxListeners(limits.maxTasks + 10, this.abort.signal);
  }

  /** How many dispatches the orchestrator says a task had (its status), or undefined when it cannot tell. */
  async attemptsOf(taskId: string): Promise<number | undefined> {
    try {
      const answer = await this.client().status(taskId);
      return answer.status === 200 ? answer.body.attempts : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * Submits one task; when admitted, starts following its stream. A send that gets no answer (connection refused or
   * reset: the orchestrator may be down) is sent again with the same task_id, as a careful client would, until one is
   * answered or `resendForMs` passes. Never throws on a refusal: it is in the record.
   */
  async submit(request: TaskRequest): Promise<TaskRecord> {
    if (++this.submitted > this.limits.maxTasks) throw new Error(`Workload limit: more than ${this.limits.maxTasks} tasks in one scenario`);
    const record = this.history.add(request);
    record.excused = this.excuses.active;
    const deadline = Date.now() + this.limits.resendForMs;
    for (;;) {
      try {
        record.admission = await this.client().submit(request);
        record.answeredAt = Date.now();
        record.transportError = undefined;
        break;
      } catch (err) {
        record.transportError = (err as { code?: string }).code ?? (err as Error).message;
        record.excused ||= this.excuses.active;
        record.resends = [...(record.resends ?? []), record.transportError];
        if (Date.now() >= deadline || this.abort.signal.aborted) break;
        await delay(this.limits.reconnectDelayMs * 2, undefined, { signal: this.abort.signal }).catch(() => undefined);
      }
    }
    const a = record.admission;
    this.timeline.record(
      'request',
      'task.submitted',
      a
        ? { task_id: request.task_id, status: a.status, code: a.body?.code, elapsed_ms: a.elapsedMs, resends: record.resends?.length }
        : { task_id: request.task_id, transport_error: record.transportError, resends: record.resends?.length },
    );
    if (a?.status === 202) this.follow(record);
    return record;
  }

  /** Submits `count` tasks one after another (each admission awaited), following the admitted ones. */
  async submitMany(count: number, make: (i: number) => TaskRequest): Promise<TaskRecord[]> {
    const out: TaskRecord[] = [];
    for (let i = 0; i < count; i++) out.push(await this.submit(make(i)));
    return out;
  }

  /**
   * SSE-1003: the client goes away on the next token it receives on the task's stream: it closes its side of the
   * connection there and then, reads what the orchestrator had already sent (see readEventStream), and never reads the
   * stream again. Resolves with when it left (epoch ms); rejects when no token came within `withinMs`.
   */
  leaveOnNextToken(record: TaskRecord, withinMs: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.leaving.delete(record.taskId);
        reject(new Error(`No token of task ${record.taskId} reached the client within ${withinMs} ms, so it could not leave after one`));
      }, withinMs);
      this.leaving.set(record.taskId, (at) => {
        clearTimeout(timer);
        record.leftAt = at;
        this.timeline.record('request', 'task.left', { task_id: record.taskId });
        resolve(at);
      });
    });
  }

  private follow(record: TaskRecord): void {
    const run = async (): Promise<void> => {
      for (let attempt = 0; attempt <= this.limits.maxReconnects && !this.abort.signal.aborted; attempt++) {
        if (record.leftAt !== undefined) return;
        const lastToken = [...record.streams.flatMap((s) => s.events)].reverse().find((e) => e.event === 'token');
        const read: StreamRead = { openedAt: Date.now(), lastEventId: lastToken ? Number(lastToken.data.i) : undefined, events: [] };
        record.streams.push(read);
        const leave = new AbortController();
        const onEvent = (e: StreamRead['events'][number]): void => {
          read.events.push(e);
          const left = this.leaving.get(record.taskId);
          if (e.event !== 'token' || !left) return;
          this.leaving.delete(record.taskId);
          leave.abort();
          left(Date.now());
        };
        read.end = await this.client().events(record.taskId, onEvent, this.abort.signal, read.lastEventId, leave.signal);
        if (record.leftAt !== undefined) return;
        if (terminalOf(record)) {
          this.timeline.record('request', 'task.ended', {
            task_id: record.taskId,
            outcome: outcomeOf(record),
            reads: record.streams.length,
          });
          return;
        }
        if (read.end.status === 404) return;
        await delay(this.limits.reconnectDelayMs, undefined, { signal: this.abort.signal }).catch(() => undefined);
      }
    };
    const p = run().finally(() => this.followers.delete(p));
    this.followers.add(p);
  }

  /** Waits until every follower has ended, up to `withinMs`; returns how many are still open. */
  async settle(withinMs: number): Promise<number> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all([...this.followers]), new Promise((r) => (timer = setTimeout(r, withinMs)))]);
    clearTimeout(timer);
    return this.followers.size;
  }

  /**
   * For admitted tasks whose end the client did not see, asks the status endpoint until they are terminal or
   * `withinMs` passes (a timeout is not a failure: the task stays indeterminate and the history check judges it).
   */
  async resolveUnseen(withinMs: number): Promise<void> {
    const deadline = Date.now() + withinMs;
    const open = (): TaskRecord[] => this.history.admitted().filter((r) => !terminalOf(r) && !isTerminal(r.resolved?.state));
    while (open().length > 0 && Date.now() < deadline) {
      for (const r of open()) {
        try {
          const answer = await this.client().status(r.taskId);
          if (answer.status === 200) r.resolved = answer.body;
        } catch {
          /* orchestrator unreachable: try again until the deadline */
        }
      }
      if (open().length > 0) await delay(50);
    }
  }

  stop(): void {
    this.abort.abort();
  }
}

function isTerminal(state: string | undefined): boolean {
  return state === 'completed' || state === 'failed' || state === 'canceled';
}
