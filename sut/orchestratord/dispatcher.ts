import type pino from 'pino';
import { type AttemptResult, runAttempt } from './attempt';
import type { DispatchTimeouts } from './engine-client';
import type { OrchestratorMetrics } from './metrics';
import { decideAfterFailure, errorEvent, newProgress, type RetryPolicy, type TaskProgress, waitedTooLong } from './retry-policy';

import type { ReplicaDirectory, ReplicaView } from './replicas';
import type { TaskRow, TaskStore, TerminalEvent } from './store';
import type { TaskEvents } from './task-events';
import { taskLogFields } from './task-log';

export interface DispatchPolicy extends RetryPolicy {
  timeouts: DispatchTimeouts;
  queueTimeoutMs: number;
  retryAfterMs: number;
  /** How long a task failing over may wait for a replica before it fails with WORKER_RESET. */
  migrationWaitMs: number;
}

interface Running {
  task: TaskRow;
  replica: ReplicaView;
  /** The dispatch's place in the replica's send order (its breaker counts failures in that order). */
  seq: number;
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
    if (!p) {
      p = newProgress();
      this.progress.set(taskId, p);
    }
    return p;
  }

  /** Dispatches as many queued tasks as there are free serving slots. Safe to call at any time. */
  pump(): void {
    const now = Date.now();
    let nextWake = Infinity;
    for (const task of this.store.queued()) {
      const progress = this.progressOf(task.task_id);
      const expired = waitedTooLong(task, progress, now, this.policy);
      if (expired) {
        this.finishTask(task, 'failed', expired);
        continue;
      }
      // Shutting down: nothing more is dispatched, but the queue timeout still holds for what stays queued (CHAOS-004).
      if (this.paused) continue;
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
    const started = { job_id: task.task_id, pool_id: task.pool_id, replica_id: replica.replica_id, resume_from: resumeFrom };
    this.log.info(started, 'dispatch started');
    const seq = this.directory.dispatchStarted(replica);
    if (resumeFrom === 0)
      this.metrics.tasksStarted.inc({
        engine: task.request.engine,
        engine_version: replica.engine_version ?? 'unknown',
        pool_id: task.pool_id,
        replica_id: replica.replica_id,
        priority: task.priority,
      });
    const entry: Running = { task, replica, seq, controller: new AbortController(), canceled: false, done: Promise.resolve() };
    this.running.set(task.task_id, entry);
    const sinks = { store: this.store, events: this.events, metrics: this.metrics };
    entry.done = runAttempt(sinks, task, replica, resumeFrom, this.policy.timeouts, entry.controller, () => entry.canceled)
      .then((result) => {
        if (!result.ok) return this.onAttemptFailed(entry, result, resumeFrom);
        this.directory.reportSuccess(replica, now, seq);
        const end = { tokens_out: this.store.tokenCount(task.task_id), decode_time_ms: result.decodeMs, decode_ms: result.decodeMs };
        this.finishTask(task, 'completed', { event: 'end', data: end }, replica);
      })
      .finally(() => {
        this.directory.dispatchEnded(replica, seq);
        this.running.delete(task.task_id);
        this.pump();
      });
  }

  private onAttemptFailed(entry: Running, result: Extract<AttemptResult, { ok: false }>, resumeFrom: number): void {
    const { task, replica } = entry;
    const { err, divergence } = result;
    if (entry.canceled) return;
    if (divergence) {
      this.finishTask(task, 'failed', errorEvent('WORKER_RESET', `failover aborted: ${divergence}`, this.policy.retryAfterMs), replica);
      return;
    }
    if (err.code === 'ENGINE_REJECTED') {
      // A poison request: every engine would refuse it. It fails fast to its own client, is retried nowhere and
      // counts against no replica, so it cannot take healthy replicas out of service.
      this.finishTask(task, 'failed', errorEvent('INVALID_PARAMS', err.message, 0, false), replica);
      return;
    }
    if (err.code === 'DECODE_TIMEOUT') this.metrics.timeouts.inc({ pool_id: task.pool_id, kind: err.message.split(' ')[0] });
    if (err.code !== 'REPLICA_BUSY') this.directory.reportFailure(replica, err.message, entry.seq);
    const tokens = this.store.tokenCount(task.task_id);
    const decision = decideAfterFailure(this.progressOf(task.task_id), err, replica.replica_id, tokens, resumeFrom, this.policy);
    const fields = {
      job_id: task.task_id,
      pool_id: task.pool_id,
      replica_id: replica.replica_id,
      error_kind: err.code,
      reason: err.message,
    };
    if (decision.kind === 'retry') {
      // Nothing new reached the client in this attempt: retry elsewhere, invisibly.
      this.metrics.dispatchRetries.inc({ pool_id: task.pool_id, reason: err.code });
      this.store.requeue(task.task_id);
      this.log.info(
        { ...fields, attempt: decision.attempt, backoff_ms: decision.backoffMs },
        'dispatch failed before a new token: retrying',
      );
    } else if (decision.kind === 'failover') {
      // Failover mid-stream: resume on another replica with the same seed, skipping what the client already has.
      this.progressOf(task.task_id).streamedOn = replica;
      this.store.requeue(task.task_id);
      this.log.warn({ ...fields, tokens_sent: tokens, migration: decision.migration }, 'stream broke mid-way: failing over');
    } else {
      this.finishTask(task, 'failed', errorEvent(decision.code, decision.message, this.policy.retryAfterMs), replica);
    }
  }

  /** Cancels a queued or running task; returns false when it was already terminal. No token is published after this returns. */
  cancel(taskId: string, reason: 'client' | 'disconnect' = 'client'): boolean {
    const task = this.store.get(taskId);
    if (!task || (task.state !== 'queued' && task.state !== 'running')) return false;
    const entry = this.running.get(taskId);
    if (entry) {
      entry.canceled = true;
      entry.controller.abort();
    }
    const tokens = this.store.tokenCount(taskId);
    const version = entry?.replica.engine_version ?? this.directory.engineVersion(task.pool_id);
    const labels = { engine: task.request.engine, engine_version: version, pool_id: task.pool_id };
    this.metrics.tasksCanceled.inc({ ...labels, replica_id: entry?.replica.replica_id ?? '', reason });
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

  /** Stops dispatching (shutdown): what is queued stays queued for the next start unless its queue timeout passes first. */
  pause(): void {
    this.paused = true;
    this.pump();
  }

  /** Tasks of a pool running now. */
  inflightOf(poolId: string): number {
    return [...this.running.values()].filter((r) => r.task.pool_id === poolId).length;
  }

  /** ORCH-3505 for one pool: its running tasks may finish until `deadlineMs`, then are cut with a retriable error. */
  drainPool(poolId: string, deadlineMs: number): Promise<number> {
    return this.drainRunning(deadlineMs, (r) => r.task.pool_id === poolId, `pool ${poolId} drained`);
  }

  /** Waits up to `graceMs` for running tasks; then aborts what is left, failing it retriable. Returns how many were cut. */
  async drainRunning(graceMs: number, which: (r: Running) => boolean = () => true, why = 'orchestrator shut down'): Promise<number> {
    const all = Promise.all([...this.running.values()].filter(which).map((r) => r.done));
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      all.then(() => false),
      new Promise<boolean>((res) => (timer = setTimeout(() => res(true), graceMs))),
    ]);
    clearTimeout(timer);
    if (!timedOut) return 0;
    const left = [...this.running.values()].filter(which);
    for (const entry of left) {
      entry.canceled = true;
      entry.controller.abort();
      this.finishTask(
        entry.task,
        'failed',
        errorEvent('WORKER_RESET', `${why}; task not finished within ${graceMs} ms grace`, this.policy.retryAfterMs),
        entry.replica,
      );
    }
    return left.length;
  }

  private finishTask(task: TaskRow, state: 'completed' | 'failed' | 'canceled', terminal: TerminalEvent, replica?: ReplicaView): void {
    if (!this.store.finish(task.task_id, state, terminal, Date.now())) return;
    const served = replica ?? this.progress.get(task.task_id)?.streamedOn; // ended while waiting to fail over
    this.progress.delete(task.task_id);
    if (terminal.event === 'error') this.metrics.taskFailures.inc({ pool_id: task.pool_id, code: String(terminal.data.code) });
    this.events.publish(task.task_id, terminal);
    this.log.info(taskLogFields(task, this.store.get(task.task_id), state, terminal, served), `task ${state}`);
  }

  private updateQueueDepth(): void {
    this.metrics.queueDepth.reset();
    for (const t of this.store.queued())
      this.metrics.queueDepth.inc({
        engine: t.request.engine,
        engine_version: this.directory.engineVersion(t.pool_id),
        pool_id: t.pool_id,
        priority: t.priority,
      });
  }
}
