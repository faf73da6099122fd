import type pino from 'pino';
import { fullJitterDelayMs } from '../common/backoff';
import { DispatchError, DispatchTimeouts, streamCompletion } from './engine-client';
import type { OrchestratorMetrics } from './metrics';
import type { ReplicaDirectory, ReplicaView } from './replicas';
import type { TaskRow, TaskStore, TerminalEvent } from './store';
import type { TaskEvents } from './task-events';

export interface DispatchPolicy {
  timeouts: DispatchTimeouts;
  retryMaxAttempts: number;
  retryBaseMs: number;
  retryCapMs: number;
  queueTimeoutMs: number;
  retryAfterMs: number;
  /** How many times a task may fail over mid-stream to another replica (0: never; it fails with WORKER_RESET). */
  migrationLimit: number;
  /** How long a task failing over may wait for a replica before it fails with WORKER_RESET. */
  migrationWaitMs: number;
}

/** What the dispatcher remembers about a task between attempts (not durable: a restart starts afresh). */
interface TaskProgress {
  tried: Set<string>;
  /** Dispatches that failed before a new token; a busy replica (503) is capacity, not failure, and is not counted. */
  failures: number;
  notBefore: number;
  migrations: number;
  /** Set while the task waits to fail over: when it started waiting. */
  migratingSince?: number;
}

interface Running {
  task: TaskRow;
  replica: ReplicaView;
  controller: AbortController;
  canceled: boolean;
  done: Promise<void>;
}

/**
 * Moves queued tasks onto serving replicas (ORCH-3010: only Ready ones), streams their tokens into the store and to
 * subscribers, and decides what a failure means: before the first token it is retried on another replica with capped
 * full-jitter backoff (HTU-1002), invisible to the client; after it the task ends with a retriable SSE `error`
 * (OC-CTRL-2028) and nothing follows (OC-CTRL-2029).
 */
export class Dispatcher {
  private readonly running = new Map<string, Running>();
  private readonly progress = new Map<string, TaskProgress>();
  private paused = false;
  private wakeTimer?: NodeJS.Timeout;

  constructor(
    private readonly store: TaskStore,
    private readonly directory: ReplicaDirectory,
    private readonly events: TaskEvents,
    private readonly metrics: OrchestratorMetrics,
    private readonly policy: DispatchPolicy,
    private readonly log: pino.Logger,
  ) {
    directory.onChange(() => this.pump());
  }

  get inflight(): number {
    return this.running.size;
  }

  /**
   * Start-up: queued tasks stay queued. Tasks a previous process left `running` lost their engine connection with it:
   * with failover on they are queued again to resume after the tokens already stored (same seed, so the stream
   * continues gap-free); otherwise they fail, retriable. None is forgotten, none runs twice at once.
   */
  recover(): void {
    for (const task of this.store.running()) {
      if (this.policy.migrationLimit > 0) {
        this.store.requeue(task.task_id);
        this.progressOf(task.task_id).migrations = 1;
        this.progressOf(task.task_id).migratingSince = Date.now();
        this.metrics.recovered.inc({ state: 'resumed' });
      } else {
        this.finishTask(
          task,
          'failed',
          errorEvent('WORKER_RESET', 'orchestrator restarted while the task was running', this.policy.retryAfterMs),
        );
        this.metrics.recovered.inc({ state: 'failed' });
      }
    }
    this.metrics.recovered.inc({ state: 'queued' }, this.store.count('queued'));
  }

  private progressOf(taskId: string): TaskProgress {
    let p = this.progress.get(taskId);
    if (!p) this.progress.set(taskId, (p = { tried: new Set(), failures: 0, notBefore: 0, migrations: 0 }));
    return p;
  }

  /** Dispatches as many queued tasks as there are free serving slots. Safe to call at any time. */
  pump(): void {
    if (this.paused) return;
    const now = Date.now();
    let nextWake = Infinity;
    for (const task of this.store.queued()) {
      if (now - task.created_ms > this.policy.queueTimeoutMs) {
        this.finishTask(
          task,
          'failed',
          errorEvent(
            'POOL_UNAVAILABLE',
            `no replica of pool ${task.pool_id} took the task within ${this.policy.queueTimeoutMs} ms`,
            this.policy.retryAfterMs,
          ),
        );
        continue;
      }
      const progress = this.progressOf(task.task_id);
      if (progress.migratingSince !== undefined && now - progress.migratingSince > this.policy.migrationWaitMs) {
        this.finishTask(
          task,
          'failed',
          errorEvent(
            'WORKER_RESET',
            `replica lost mid-stream and no other replica took over within ${this.policy.migrationWaitMs} ms`,
            this.policy.retryAfterMs,
          ),
        );
        continue;
      }
      const wait = progress.notBefore - now;
      if (wait > 0) {
        nextWake = Math.min(nextWake, wait);
        continue;
      }
      const replica = this.directory.pick(task.pool_id, progress.tried) ?? this.directory.pick(task.pool_id, new Set());
      if (!replica) continue;
      this.startAttempt(task, replica);
    }
    this.updateQueueDepth();
    clearTimeout(this.wakeTimer);
    // Re-check queued tasks while any wait: for a backoff to pass or the queue timeout to expire.
    if (this.store.count('queued') > 0) this.wakeTimer = setTimeout(() => this.pump(), Math.min(nextWake, 100));
  }

  private startAttempt(task: TaskRow, replica: ReplicaView): void {
    const now = Date.now();
    const progress = this.progressOf(task.task_id);
    const resumeFrom = this.store.tokenCount(task.task_id);
    if (progress.migratingSince !== undefined) {
      this.log.info(
        {
          job_id: task.task_id,
          pool_id: task.pool_id,
          replica_id: replica.replica_id,
          resume_from: resumeFrom,
          waited_ms: now - progress.migratingSince,
        },
        'failing over: resuming the stream on another replica',
      );
      this.metrics.failovers.inc({ pool_id: task.pool_id });
      progress.migratingSince = undefined;
    }
    this.store.markRunning(task.task_id, replica.replica_id, now);
    this.directory.dispatchStarted(replica);
    const labels = { engine: task.request.engine, engine_version: 'mock', pool_id: task.pool_id, replica_id: replica.replica_id };
    if (resumeFrom === 0) this.metrics.tasksStarted.inc({ ...labels, priority: task.priority });
    const entry: Running = { task, replica, controller: new AbortController(), canceled: false, done: Promise.resolve() };
    this.running.set(task.task_id, entry);
    let frame = 0;
    let firstTokenAt = 0;
    let divergence: string | undefined;
    entry.done = streamCompletion(
      {
        url: replica.url,
        prompt: task.request.prompt ?? '',
        maxTokens: task.request.max_tokens,
        seed: task.request.seed ?? seedOf(task.task_id),
      },
      this.policy.timeouts,
      (t) => {
        if (entry.canceled || divergence) return; // ORCH-3026: nothing after a cancel
        const i = frame++;
        if (i < resumeFrom) {
          // Failover: the client already has this token; a deterministic replica must produce the same one.
          const stored = this.store.tokensAfter(task.task_id, i - 1)[0];
          if (stored?.t !== t) {
            divergence = `replica ${replica.replica_id} produced ${JSON.stringify(t)} at index ${i} where ${JSON.stringify(stored?.t)} was streamed`;
            entry.controller.abort();
          }
          return;
        }
        if (i === 0) {
          firstTokenAt = Date.now();
          this.metrics.firstToken.observe(
            { engine: labels.engine, engine_version: 'mock', pool_id: task.pool_id, priority: task.priority },
            firstTokenAt - task.created_ms,
          );
        }
        firstTokenAt ||= Date.now();
        this.store.addToken(task.task_id, i, t);
        this.metrics.tokensOut.inc(labels);
        this.events.publish(task.task_id, { event: 'token', i, t });
      },
      entry.controller.signal,
    )
      .then(
        () => {
          this.directory.reportSuccess(replica, now);
          const decodeMs = firstTokenAt ? Date.now() - firstTokenAt : 0;
          const tokens = this.store.tokenCount(task.task_id);
          this.metrics.decode.observe(
            { engine: labels.engine, engine_version: 'mock', pool_id: task.pool_id, priority: task.priority },
            decodeMs,
          );
          this.finishTask(
            task,
            'completed',
            { event: 'end', data: { tokens_out: tokens, decode_time_ms: decodeMs, decode_ms: decodeMs } },
            replica,
          );
        },
        (err: DispatchError) => this.onAttemptFailed(entry, err, resumeFrom, divergence),
      )
      .finally(() => {
        this.directory.dispatchEnded(replica);
        this.running.delete(task.task_id);
        this.pump();
      });
  }

  private onAttemptFailed(entry: Running, err: DispatchError, resumeFrom: number, divergence?: string): void {
    const { task, replica } = entry;
    if (entry.canceled) return;
    if (divergence) {
      this.finishTask(task, 'failed', errorEvent('WORKER_RESET', `failover aborted: ${divergence}`, this.policy.retryAfterMs), replica);
      return;
    }
    if (err.code === 'DECODE_TIMEOUT') this.metrics.timeouts.inc({ pool_id: task.pool_id, kind: err.message.split(' ')[0] });
    if (err.code !== 'REPLICA_BUSY') this.directory.reportFailure(replica, err.message);
    const progress = this.progressOf(task.task_id);
    progress.tried.add(replica.replica_id);
    const tokens = this.store.tokenCount(task.task_id);
    if (tokens === resumeFrom) {
      // Nothing new reached the client in this attempt: retry elsewhere, invisibly (HTU-1002: capped full jitter).
      if (err.code !== 'REPLICA_BUSY') progress.failures++;
      const attempts = progress.failures;
      if (attempts < this.policy.retryMaxAttempts) {
        this.metrics.dispatchRetries.inc({ pool_id: task.pool_id, reason: err.code });
        const backoffMs = fullJitterDelayMs(this.policy.retryBaseMs, this.policy.retryCapMs, Math.max(0, attempts - 1));
        progress.notBefore = Date.now() + backoffMs;
        if (tokens > 0) progress.migratingSince ??= Date.now();
        this.store.requeue(task.task_id);
        this.log.info(
          {
            job_id: task.task_id,
            pool_id: task.pool_id,
            replica_id: replica.replica_id,
            attempt: attempts,
            backoff_ms: backoffMs,
            error_kind: err.code,
            reason: err.message,
          },
          'dispatch failed before a new token: retrying',
        );
        return;
      }
      const code = tokens > 0 ? 'WORKER_RESET' : 'POOL_UNAVAILABLE';
      this.finishTask(
        task,
        'failed',
        errorEvent(code, `dispatch failed ${attempts} times; last: ${err.message}`, this.policy.retryAfterMs),
        replica,
      );
      return;
    }
    if (progress.migrations < this.policy.migrationLimit) {
      // Failover mid-stream: resume on another replica with the same seed, skipping what the client already has.
      progress.migrations++;
      progress.migratingSince = Date.now();
      progress.notBefore = 0;
      this.store.requeue(task.task_id);
      this.log.warn(
        {
          job_id: task.task_id,
          pool_id: task.pool_id,
          replica_id: replica.replica_id,
          tokens_sent: tokens,
          migration: progress.migrations,
          error_kind: err.code,
          reason: err.message,
        },
        'stream broke mid-way: failing over',
      );
      return;
    }
    const code = err.code === 'DECODE_TIMEOUT' ? 'DECODE_TIMEOUT' : 'WORKER_RESET';
    this.finishTask(task, 'failed', errorEvent(code, `replica ${replica.replica_id}: ${err.message}`, this.policy.retryAfterMs), replica);
  }

  /** Cancels a queued or running task; returns false when it was already terminal. No token is published after this returns. */
  cancel(taskId: string): boolean {
    const task = this.store.get(taskId);
    if (!task || (task.state !== 'queued' && task.state !== 'running')) return false;
    const entry = this.running.get(taskId);
    if (entry) {
      entry.canceled = true;
      entry.controller.abort();
    }
    const tokens = this.store.tokenCount(taskId);
    this.metrics.tasksCanceled.inc({
      engine: task.request.engine,
      engine_version: 'mock',
      pool_id: task.pool_id,
      replica_id: entry?.replica.replica_id ?? '',
      reason: 'client',
    });
    this.finishTask(task, 'canceled', { event: 'end', data: { canceled: true, tokens_out: tokens, decode_time_ms: 0 } }, entry?.replica);
    return true;
  }

  /**
   * ORCH-3005 drop-lru: evicts the oldest queued task (batch before interactive) that has streamed nothing yet; it
   * ends with a retriable SSE `error` QUEUE_FULL_DROP_LRU, so its client knows. Returns it, or undefined if none.
   */
  evictOldestQueued(): TaskRow | undefined {
    const candidates = this.store.queued().filter((t) => this.store.tokenCount(t.task_id) === 0);
    const victim = candidates.filter((t) => t.priority === 'batch')[0] ?? candidates[0];
    if (!victim) return undefined;
    this.finishTask(
      victim,
      'failed',
      errorEvent('QUEUE_FULL_DROP_LRU', 'evicted from a full queue (policy drop-lru) by a newer task', this.policy.retryAfterMs),
    );
    return victim;
  }

  /** Stops taking queued tasks (shutdown): what is queued stays queued in the store. */
  pause(): void {
    this.paused = true;
    clearTimeout(this.wakeTimer);
  }

  /** Waits up to `graceMs` for running tasks; then aborts what is left, failing it retriable. Returns how many were cut. */
  async drainRunning(graceMs: number): Promise<number> {
    const all = Promise.all([...this.running.values()].map((r) => r.done));
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      all.then(() => false),
      new Promise<boolean>((res) => (timer = setTimeout(() => res(true), graceMs))),
    ]);
    clearTimeout(timer);
    if (!timedOut) return 0;
    const left = [...this.running.values()];
    for (const entry of left) {
      entry.canceled = true;
      entry.controller.abort();
      this.finishTask(
        entry.task,
        'failed',
        errorEvent('WORKER_RESET', `orchestrator shut down; task not finished within ${graceMs} ms grace`, this.policy.retryAfterMs),
        entry.replica,
      );
    }
    return left.length;
  }

  private finishTask(task: TaskRow, state: 'completed' | 'failed' | 'canceled', terminal: TerminalEvent, replica?: ReplicaView): void {
    if (!this.store.finish(task.task_id, state, terminal, Date.now())) return;
    this.progress.delete(task.task_id);
    if (terminal.event === 'error') this.metrics.taskFailures.inc({ pool_id: task.pool_id, code: String(terminal.data.code) });
    this.events.publish(task.task_id, terminal);
    const row = this.store.get(task.task_id);
    // ORCH-3027: the fields every task log line carries.
    this.log.info(
      {
        job_id: task.task_id,
        session_id: task.session_id,
        engine: task.request.engine,
        engine_version: 'mock',
        pool_id: task.pool_id,
        replica_id: replica?.replica_id,
        tokens_in: (task.request.prompt ?? '').split(/\s+/).filter(Boolean).length,
        tokens_out: row?.tokens_out ?? 0,
        decode_time_ms: terminal.data.decode_time_ms ?? 0,
        state,
        attempts: row?.attempts ?? 0,
        error_kind: terminal.event === 'error' ? terminal.data.code : undefined,
      },
      `task ${state}`,
    );
  }

  private updateQueueDepth(): void {
    this.metrics.queueDepth.reset();
    for (const t of this.store.queued())
      this.metrics.queueDepth.inc({ engine: t.request.engine, engine_version: 'mock', pool_id: t.pool_id, priority: t.priority });
  }
}

/** The terminal SSE `error` of a task: typed code, message, retriable with a retry hint. */
export function errorEvent(code: string, message: string, retryAfterMs: number): TerminalEvent {
  return { event: 'error', data: { code, message, retriable: true, retry_after_ms: retryAfterMs } };
}

/** A task without a seed gets one derived from its id (upstream: `hash(task_id)`), so retries stay deterministic. */
export function seedOf(taskId: string): number {
  let h = 0;
  for (const c of taskId) h = (Math.imul(h, 31) + c.charCodeAt(0)) | 0;
  return Math.abs(h);
}
