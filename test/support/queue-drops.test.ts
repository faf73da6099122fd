import { describe, it } from 'node:test';
import { expect } from 'chai';
import { DROPPED, DropsOldestFirst, type TaskClock } from '../../support/checks/queue-drops';
import type { TaskRecord } from '../../support/history/history';
import { newTask } from '../../support/orchestrator/client';

/** An admitted task submitted at `at`; dropped from the full queue when `dropped`. */
function task(id: string, at: number, dropped = false, priority: 'interactive' | 'batch' = 'interactive'): TaskRecord {
  const end = dropped
    ? { event: 'error', data: { code: DROPPED, message: 'dropped', retriable: true, retry_after_ms: 1 }, at: at + 100 }
    : { event: 'end', data: { tokens_out: 0 }, at: at + 100 };
  return {
    taskId: id,
    request: { ...newTask({ task_id: id, max_tokens: 1, seed: 1 }), priority },
    submittedAt: at,
    admission: { status: 202, body: { task_id: id }, headers: {}, elapsedMs: 1 },
    streams: [{ openedAt: at, events: [end] }],
  };
}

describe('drop-lru (ORCH-3005): the task dropped from a full queue is the one that waited longest', () => {
  const clocks = (entries: [string, TaskClock][]) => new Map(entries);

  it('the oldest queued task dropped: passes; a newer one dropped while an older one waited: fails, naming both', () => {
    const [a, b] = [task('a', 0, true), task('b', 10)];
    expect(
      DropsOldestFirst(
        [a, b],
        clocks([
          ['a', { created: 0, ended: 50 }],
          ['b', { created: 10, started: 60 }],
        ]),
      ).valid,
    ).to.equal(true);
    const [older, newer] = [task('a', 0), task('b', 10, true)];
    const v = DropsOldestFirst(
      [older, newer],
      clocks([
        ['a', { created: 0, started: 60 }],
        ['b', { created: 10, ended: 50 }],
      ]),
    );
    expect(v.detail).to.contain(
      'b (interactive) was dropped at 1970-01-01T00:00:00.050Z while a (interactive), created 10 ms before it, was still queued',
    );
  });

  it('an older task already dispatched or ended at the drop is no longer queued; a batch task goes before an interactive one', () => {
    const [a, b] = [task('a', 0), task('b', 10, true)];
    expect(
      DropsOldestFirst(
        [a, b],
        clocks([
          ['a', { created: 0, started: 40 }],
          ['b', { created: 10, ended: 50 }],
        ]),
      ).valid,
    ).to.equal(true);
    expect(
      DropsOldestFirst(
        [a, b],
        clocks([
          ['a', { created: 0, ended: 50 }],
          ['b', { created: 10, ended: 50 }],
        ]),
      ).valid,
    ).to.equal(true);
    const [interactive, batch] = [task('i', 0), task('x', 10, true, 'batch')];
    expect(
      DropsOldestFirst(
        [interactive, batch],
        clocks([
          ['i', { created: 0, started: 60 }],
          ['x', { created: 10, ended: 50 }],
        ]),
      ).valid,
    ).to.equal(true);
  });

  it('a dropped task whose status gives no time of its drop cannot be judged', () => {
    expect(DropsOldestFirst([task('a', 0, true)], new Map()).detail).to.contain('a: dropped, but its status gives no time of its drop');
  });
});
