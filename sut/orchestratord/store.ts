import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import path from 'node:path';

export type TaskState = 'queued' | 'running' | 'completed' | 'failed' | 'canceled';
export const TERMINAL_STATES: readonly TaskState[] = ['completed', 'failed', 'canceled'];

/** The admitted request, as validated at admission (TaskRequestV2). */
export interface TaskRequest {
  task_id: string;
  session_id: string;
  workload: string;
  model_ref: string;
  engine: string;
  ctx: number;
  priority: 'interactive' | 'batch';
  max_tokens: number;
  deadline_ms: number;
  seed?: number;
  prompt?: string;
  expected_tokens?: number;
  placement?: { pin_pool_id?: string };
}

/** The terminal SSE event of a task, stored so a late or resuming client sees the same end. */
export interface TerminalEvent {
  event: 'end' | 'error';
  data: Record<string, unknown>;
}

export interface TaskRow {
  task_id: string;
  session_id: string;
  pool_id: string;
  request: TaskRequest;
  state: TaskState;
  priority: string;
  replica_id?: string;
  attempts: number;
  tokens_out: number;
  /** Prompt tokens as the engine evaluated them; undefined until an engine did. */
  tokens_in?: number;
  error?: { code: string; message: string; retriable: boolean; retry_after_ms?: number };
  terminal?: TerminalEvent;
  created_ms: number;
  started_ms?: number;
  ended_ms?: number;
}

interface RawRow {
  task_id: string;
  session_id: string;
  pool_id: string;
  request: string;
  state: TaskState;
  priority: string;
  replica_id: string | null;
  attempts: number;
  tokens_out: number;
  tokens_in: number | null;
  error: string | null;
  terminal: string | null;
  created_ms: number;
  started_ms: number | null;
  ended_ms: number | null;
}

/**
 * The durable task store: SQLite in WAL mode. A task is written before its 202 (so a SIGKILL right after admission
 * loses nothing), and every streamed token is kept so `Last-Event-ID` resume works, also across a restart.
 */
export class TaskStore {
  private readonly db: Database.Database;
  private readonly stmts;

  constructor(file: string) {
    mkdirSync(path.dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS tasks (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        task_id TEXT NOT NULL UNIQUE, session_id TEXT NOT NULL, pool_id TEXT NOT NULL, request TEXT NOT NULL,
        state TEXT NOT NULL, priority TEXT NOT NULL, replica_id TEXT, attempts INTEGER NOT NULL DEFAULT 0,
        tokens_out INTEGER NOT NULL DEFAULT 0, tokens_in INTEGER, error TEXT, terminal TEXT,
        created_ms INTEGER NOT NULL, started_ms INTEGER, ended_ms INTEGER);
      CREATE INDEX IF NOT EXISTS tasks_state ON tasks(state, priority, seq);
      CREATE TABLE IF NOT EXISTS tokens (task_id TEXT NOT NULL, i INTEGER NOT NULL, t TEXT NOT NULL, PRIMARY KEY (task_id, i));`);
    this.stmts = {
      insert: this.db.prepare(
        `INSERT INTO tasks (task_id, session_id, pool_id, request, state, priority, created_ms) VALUES (?, ?, ?, ?, 'queued', ?, ?)`,
      ),
      get: this.db.prepare(`SELECT * FROM tasks WHERE task_id = ?`),
      queued: this.db.prepare(
        `SELECT * FROM tasks WHERE state = 'queued' ORDER BY CASE priority WHEN 'interactive' THEN 0 ELSE 1 END, seq`,
      ),
      countState: this.db.prepare(`SELECT COUNT(*) AS n FROM tasks WHERE state = ?`),
      position: this.db.prepare(
        `SELECT COUNT(*) AS n FROM tasks WHERE state = 'queued' AND seq < (SELECT seq FROM tasks WHERE task_id = ?)`,
      ),
      running: this.db.prepare(`SELECT * FROM tasks WHERE state = 'running'`),
      markRunning: this.db.prepare(
        `UPDATE tasks SET state = 'running', replica_id = ?, attempts = attempts + 1, started_ms = COALESCE(started_ms, ?) WHERE task_id = ?`,
      ),
      requeue: this.db.prepare(`UPDATE tasks SET state = 'queued', replica_id = NULL WHERE task_id = ? AND state = 'running'`),
      finish: this.db.prepare(
        `UPDATE tasks SET state = ?, error = ?, terminal = ?, tokens_out = ?, ended_ms = ? WHERE task_id = ? AND state IN ('queued', 'running')`,
      ),
      setTokensIn: this.db.prepare(`UPDATE tasks SET tokens_in = ? WHERE task_id = ?`),
      addToken: this.db.prepare(`INSERT OR IGNORE INTO tokens (task_id, i, t) VALUES (?, ?, ?)`),
      tokensAfter: this.db.prepare(`SELECT i, t FROM tokens WHERE task_id = ? AND i > ? ORDER BY i`),
      tokenCount: this.db.prepare(`SELECT COUNT(*) AS n FROM tokens WHERE task_id = ?`),
    };
  }

  /** Inserts a queued task; returns false when the task_id already exists (idempotent admission). */
  tryInsert(request: TaskRequest, poolId: string, nowMs: number): boolean {
    try {
      this.stmts.insert.run(request.task_id, request.session_id, poolId, JSON.stringify(request), request.priority, nowMs);
      return true;
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') return false;
      throw err;
    }
  }

  get(taskId: string): TaskRow | undefined {
    const raw = this.stmts.get.get(taskId) as RawRow | undefined;
    return raw && toRow(raw);
  }

  queued(): TaskRow[] {
    return (this.stmts.queued.all() as RawRow[]).map(toRow);
  }

  running(): TaskRow[] {
    return (this.stmts.running.all() as RawRow[]).map(toRow);
  }

  count(state: TaskState): number {
    return (this.stmts.countState.get(state) as { n: number }).n;
  }

  /** 0-based position among queued tasks, by admission order. */
  queuePosition(taskId: string): number {
    return (this.stmts.position.get(taskId) as { n: number }).n;
  }

  markRunning(taskId: string, replicaId: string, nowMs: number): void {
    this.stmts.markRunning.run(replicaId, nowMs, taskId);
  }

  requeue(taskId: string): void {
    this.stmts.requeue.run(taskId);
  }

  /** Moves a live task to its terminal state; returns false when it was already terminal (first writer wins). */
  finish(taskId: string, state: TaskState, terminal: TerminalEvent, nowMs: number): boolean {
    const error = terminal.event === 'error' ? JSON.stringify(terminal.data) : null;
    const tokensOut = this.tokenCount(taskId);
    return this.stmts.finish.run(state, error, JSON.stringify(terminal), tokensOut, nowMs, taskId).changes === 1;
  }

  /** The prompt tokens the engine that took the task last evaluated (ORCH-3027 `tokens_in`). */
  setTokensIn(taskId: string, n: number): void {
    this.stmts.setTokensIn.run(n, taskId);
  }

  addToken(taskId: string, i: number, t: string): void {
    this.stmts.addToken.run(taskId, i, t);
  }

  tokensAfter(taskId: string, afterIndex: number): { i: number; t: string }[] {
    return this.stmts.tokensAfter.all(taskId, afterIndex) as { i: number; t: string }[];
  }

  tokenCount(taskId: string): number {
    return (this.stmts.tokenCount.get(taskId) as { n: number }).n;
  }

  close(): void {
    this.db.close();
  }
}

function toRow(raw: RawRow): TaskRow {
  return {
    task_id: raw.task_id,
    session_id: raw.session_id,
    pool_id: raw.pool_id,
    request: JSON.parse(raw.request),
    state: raw.state,
    priority: raw.priority,
    replica_id: raw.replica_id ?? undefined,
    attempts: raw.attempts,
    tokens_out: raw.tokens_out,
    tokens_in: raw.tokens_in ?? undefined,
    error: raw.error ? JSON.parse(raw.error) : undefined,
    terminal: raw.terminal ? JSON.parse(raw.terminal) : undefined,
    created_ms: raw.created_ms,
    started_ms: raw.started_ms ?? undefined,
    ended_ms: raw.ended_ms ?? undefined,
  };
}
