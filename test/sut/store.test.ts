import path from 'node:path';
import { describe, it } from 'node:test';
import { expect } from 'chai';
import { TaskRequest, TaskStore } from '../../sut/orchestratord/store';
import { tempDir } from '../temp-dir';

const request = (id: string, priority: 'interactive' | 'batch' = 'interactive'): TaskRequest => ({
  task_id: id,
  session_id: 's',
  workload: 'completion',
  model_ref: 'm',
  engine: 'llamacpp',
  ctx: 10,
  priority,
  max_tokens: 4,
  deadline_ms: 1000,
});

describe('durable task store', () => {
  const file = () => path.join(tempDir('store-'), 'tasks.db');

  it('admits a task_id once (idempotent) and keeps it across a reopen', () => {
    const db = file();
    const store = new TaskStore(db);
    expect(store.tryInsert(request('a'), 'p0', 1)).to.equal(true);
    expect(store.tryInsert(request('a'), 'p0', 2)).to.equal(false);
    store.close();
    const reopened = new TaskStore(db);
    expect(reopened.get('a')).to.include({ task_id: 'a', state: 'queued', created_ms: 1 });
    reopened.close();
  });

  it('serves interactive before batch, then admission order', () => {
    const store = new TaskStore(file());
    store.tryInsert(request('b1', 'batch'), 'p0', 1);
    store.tryInsert(request('i1'), 'p0', 2);
    store.tryInsert(request('i2'), 'p0', 3);
    expect(store.queued().map((t) => t.task_id)).to.deep.equal(['i1', 'i2', 'b1']);
    expect(store.queuePosition('i2')).to.equal(2);
  });

  it('keeps tokens for resume and lets only the first terminal transition win', () => {
    const store = new TaskStore(file());
    store.tryInsert(request('a'), 'p0', 1);
    store.markRunning('a', 'r1', 2);
    ['x', 'y', 'z'].forEach((t, i) => store.addToken('a', i, t));
    expect(store.tokensAfter('a', 0)).to.deep.equal([
      { i: 1, t: 'y' },
      { i: 2, t: 'z' },
    ]);
    expect(store.finish('a', 'completed', { event: 'end', data: { tokens_out: 3 } }, 3)).to.equal(true);
    expect(store.finish('a', 'canceled', { event: 'end', data: { canceled: true } }, 4)).to.equal(false);
    expect(store.get('a')).to.include({ state: 'completed', tokens_out: 3, attempts: 1 });
  });
});
