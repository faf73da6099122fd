import type { TaskRow, TerminalEvent } from './store';

/** ORCH-3027: the fields every task's closing log line carries (job, session, engine, pool, replica, tokens, timing). */
export function taskLogFields(
  task: TaskRow,
  row: TaskRow | undefined,
  state: string,
  terminal: TerminalEvent,
  replicaId: string | undefined,
): Record<string, unknown> {
  return {
    job_id: task.task_id,
    session_id: task.session_id,
    engine: task.request.engine,
    engine_version: 'mock',
    pool_id: task.pool_id,
    replica_id: replicaId,
    tokens_in: (task.request.prompt ?? '').split(/\s+/).filter(Boolean).length,
    tokens_out: row?.tokens_out ?? 0,
    decode_time_ms: terminal.data.decode_time_ms ?? 0,
    state,
    attempts: row?.attempts ?? 0,
    error_kind: terminal.event === 'error' ? terminal.data.code : undefined,
  };
}
