import type { TaskRow, TerminalEvent } from './store';

/** ORCH-3027: the fields every task's closing log line carries (job, session, engine, pool, replica, tokens, timing). */
export function taskLogFields(
  task: TaskRow,
  row: TaskRow | undefined,
  state: string,
  terminal: TerminalEvent,
  replica: { replica_id: string; engine_version?: string } | undefined,
): Record<string, unknown> {
  return {
    job_id: task.task_id,
    session_id: task.session_id,
    engine: task.request.engine,
    // ORCH-3027: the version the engine that served the task reports for itself; `unknown` when no replica served it.
    engine_version: replica?.engine_version ?? 'unknown',
    pool_id: task.pool_id,
    replica_id: replica?.replica_id,
    // The prompt tokens the engine evaluated (its own tokenizer), null when no engine got to it.
    tokens_in: row?.tokens_in ?? null,
    tokens_out: row?.tokens_out ?? 0,
    decode_time_ms: terminal.data.decode_time_ms ?? 0,
    state,
    attempts: row?.attempts ?? 0,
    error_kind: terminal.event === 'error' ? terminal.data.code : undefined,
  };
}
