/** The error envelope every service answers with: `{code, message, engine?, pool_id?, retriable, retry_after_ms?, policy_label?}`. */

export type ErrorCode =
  | 'ADMISSION_REJECT'
  | 'RELOAD_ROLLED_BACK'
  | 'QUEUE_FULL_DROP_LRU'
  | 'INVALID_PARAMS'
  | 'DEADLINE_UNMET'
  | 'POOL_UNREADY'
  | 'POOL_UNAVAILABLE'
  | 'REPLICA_EXHAUSTED'
  | 'DECODE_TIMEOUT'
  | 'WORKER_RESET'
  | 'INTERNAL'
  | 'NOT_FOUND'
  | 'UNAUTHORIZED';

export interface Envelope {
  code: ErrorCode;
  message: string;
  engine?: string;
  pool_id?: string;
  retriable: boolean;
  retry_after_ms?: number;
  policy_label?: string;
}

/** An error that becomes an HTTP response with the envelope; `retryAfterMs` also sets `Retry-After` and `X-Backoff-Ms`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly envelope: Envelope,
  ) {
    super(envelope.message);
  }

  static invalid(message: string): ApiError {
    return new ApiError(400, { code: 'INVALID_PARAMS', message, retriable: false });
  }

  static notFound(message: string): ApiError {
    return new ApiError(404, { code: 'NOT_FOUND', message, retriable: false });
  }

  static unavailable(code: 'POOL_UNREADY' | 'POOL_UNAVAILABLE', message: string, retryAfterMs: number, poolId?: string): ApiError {
    return new ApiError(503, { code, message, pool_id: poolId, retriable: true, retry_after_ms: retryAfterMs, policy_label: 'retry' });
  }
}

/** Headers that carry a retry hint: `Retry-After` in whole seconds (at least 1) and `X-Backoff-Ms`. */
export function retryHeaders(retryAfterMs: number): Record<string, string> {
  return { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterMs / 1000))), 'X-Backoff-Ms': String(retryAfterMs) };
}
