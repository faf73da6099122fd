import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TaskStore } from './store';

/**
 * `npm run bench:store`: what a task costs the orchestrator's durable store (sut/orchestratord/store.ts) with the better-sqlite3 installed:
 * admitted, read back, the queue listed, dispatched, its prompt size kept, `tokens` tokens kept one by one, finished,
 * read back; `tasks` of them in a fresh database. Returns microseconds per task. (How SQLite was compiled decides it:
 * `.ci/run` compiles it at -O0, see there.)
 */
export function storeMicrosPerTask(tasks: number, tokens: number): number {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'chaos-store-bench-'));
  const store = new TaskStore(path.join(dir, 'tasks.db'));
  try {
    const started = process.hrtime.bigint();
    for (let k = 0; k < tasks; k++) {
      const id = `task-${k}`;
      const request = { task_id: id, session_id: 's', priority: 'interactive', prompt: 'p', max_tokens: tokens } as const;
      store.tryInsert(request as never, 'default', Date.now());
      store.get(id);
      store.queued();
      store.markRunning(id, 'r1', Date.now());
      store.setTokensIn(id, 5);
      for (let i = 0; i < tokens; i++) store.addToken(id, i, ` t${i}`);
      store.finish(id, 'completed', { event: 'end', data: { tokens_out: tokens } } as never, Date.now());
      store.get(id);
    }
    return Number(process.hrtime.bigint() - started) / 1000 / tasks;
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const each = [1, 2, 3].map(() => storeMicrosPerTask(2000, 40));
  const median = [...each].sort((a, b) => a - b)[1];
  console.log(
    `durable store: ${median.toFixed(0)} µs per task of 40 tokens (median of 3 runs of 2000 tasks: ${each.map((u) => u.toFixed(0)).join(', ')})`,
  );
}
