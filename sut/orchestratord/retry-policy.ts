import { fullJitterDelayMs } from '../common/backoff';
import type { DispatchError } from './engine-client';
import type { TerminalEvent } from './store';

/** The retry and failover limits of the dispatcher (ORCHD_RETRY_*, ORCHD_MIGRATION_*). */
export interface RetryPolicy {
  retryMaxAttempts: number;
  retryBaseMs: number;
  retryCapMs: number;
  /** How many times a task may fail over mid-stream to another replica (0: never; it fails with WORKER_RESET). */
  migrationLimit: number;
}

/** What the dispatcher remembers about a task between attempts (not durable: a restart starts afresh). */
export interface TaskProgress {
  tried: Set<string>;
  /** Dispatches that failed before a new token; a busy replica (503) is capacity, not failure, and is not counted. */
  failures: number;
  notBefore: number;
  migrations: number;
  /** Set while the task waits to fail over: when it started waiting. */
  migratingSince?: number;
  /**
   * The replica whose tokens its client has, once an attempt broke after streaming: what its log line names if it ends
   * before another replica takes it over (canceled, or no replica in time), instead of "unknown".
   */
  streamedOn?: { replica_id: string; engine_version?: string };
}

export function newProgress(): TaskProgress {
  return { tried: new Set(), failures: 0, notBefore: 0, migrations: 0 };
}

/** What to do with a task whose attempt failed. */
export type Decision =
  | { kind: 'retry'; attempt: number; backoffMs: number }
  | { kind: 'failover'; migration: number }
  | { kind: 'fail'; code: string; message: string };

/**
 * Decides what a failed attempt means, and notes it in `progress`: with no new token in this attempt (`tokensNow ===
 * resumeFrom`) it is retried elsewhere after capped full-jitter backoff (HTU-1002), up to the retry budget, counting
 * failures only; once tokens reached the client it fails over (when allowed) or fails with a retriable error.
 */
export function decideAfterFailure(
  progress: TaskProgress,
  err: DispatchError,
  replicaId: string,
  tokensNow: number,
  resumeFrom: number,
  policy: RetryPolicy,
  now = Date.now(),
): Decision {
  progress.tried.add(replicaId);
  if (tokensNow === resumeFrom) {
    if (err.code !== 'REPLICA_BUSY') progress.failures++;
    const attempt = progress.failures;
    if (attempt < policy.retryMaxAttempts) {
      const backoffMs = fullJitterDelayMs(policy.retryBaseMs, policy.retryCapMs, Math.max(0, attempt - 1));
      progress.notBefore = now + backoffMs;
      if (tokensNow > 0) progress.migratingSince ??= now;
      return { kind: 'retry', attempt, backoffMs };
    }
    return {
      kind: 'fail',
      code: tokensNow > 0 ? 'WORKER_RESET' : 'POOL_UNAVAILABLE',
      message: `dispatch failed ${attempt} times; last: ${err.message}`,
    };
  }
  if (progress.migrations < policy.migrationLimit) {
    progress.migrations++;
    progress.migratingSince = now;
    progress.notBefore = 0;
    return { kind: 'failover', migration: progress.migrations };
  }
  const code = err.code === 'DECODE_TIMEOUT' ? 'DECODE_TIMEOUT' : 'WORKER_RESET';
  return { kind: 'fail', code, message: `replica ${replicaId}: ${err.message}` };
}

/** The terminal SSE `error` of a task: typed code, message, retriable (unless the request itself is at fault) with a retry hint. */
export function errorEvent(code: string, message: string, retryAfterMs: number, retriable = true): TerminalEvent {
  return { event: 'error', data: { code, message, retriable, retry_after_ms: retryAfterMs } };
}

/**
 * The error a queued task gets when it waited too long: past the queue timeout with no replica taking it
 * (POOL_UNAVAILABLE), or failing over with no replica taking over in time (WORKER_RESET). Undefined: it may wait on.
 */
export function waitedTooLong(
  task: { created_ms: number; pool_id: string },
  progress: TaskProgress,
  now: number,
  policy: { queueTimeoutMs: number; migrationWaitMs: number; retryAfterMs: number },
): TerminalEvent | undefined {
  if (now - task.created_ms > policy.queueTimeoutMs)
    return errorEvent(
      'POOL_UNAVAILABLE',
      `no replica of pool ${task.pool_id} took the task within ${policy.queueTimeoutMs} ms`,
      policy.retryAfterMs,
    );
  if (progress.migratingSince !== undefined && now - progress.migratingSince > policy.migrationWaitMs)
    return errorEvent(
      'WORKER_RESET',
      `replica lost mid-stream and no other replica took over within ${policy.migrationWaitMs} ms`,
      policy.retryAfterMs,
    );
  return undefined;
}
