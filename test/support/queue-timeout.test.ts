import { describe, it } from 'node:test';
import { expect } from 'chai';
import { QueueTimeoutKept } from '../../support/checks/queue-timeout';
import { ErrorsExplicit } from '../../support/checks/tasks';
import type { TaskRecord } from '../../support/history/history';
import { newTask } from '../../support/orchestrator/client';

/** A task submitted at 0 whose only event is a POOL_UNAVAILABLE error at `endAt`, after `tokens` tokens. */
function unavailable(id: string, endAt: number, tokens = 0): TaskRecord {
  const toks = Array.from({ length: tokens }, (_, i) => ({ event: 'token', data: { t: 'w', i }, id: String(i), at: 1 }));
  const error = { code: 'POOL_UNAVAILABLE', message: 'no replica took it', retriable: true, retry_after_ms: 1000 };
  return {
    taskId: id,
    request: newTask({ task_id: id, max_tokens: 5, seed: 1 }),
    submittedAt: 0,
    admission: { status: 202, body: { task_id: id }, headers: {}, elapsedMs: 1 },
    streams: [{ openedAt: 0, events: [...toks, { event: 'error', data: error, at: endAt }] }],
  };
}

describe('queue timeout (CHAOS-004)', () => {
  it('a task seen queued past the timeout is named once, with its longest wait', () => {
    const v = QueueTimeoutKept(
      [
        { taskId: 't1', waitedMs: 1300 },
        { taskId: 't1', waitedMs: 1400 },
      ],
      1000,
    );
    expect(v.valid).to.equal(false);
    expect(v.detail).to.equal(
      '1 problem(s): t1: still queued, no replica having taken it, 1400 ms after its admission (queue timeout 1000 ms + 250 ms)',
    );
    expect(QueueTimeoutKept([], 1000).valid).to.equal(true);
  });

  it('POOL_UNAVAILABLE is allowed, whatever the faults, only for a task with no token that failed once the timeout had passed', () => {
    const none = new Set<string>();
    expect(ErrorsExplicit([unavailable('t1', 1000)], none, 1000).valid, 'at the timeout').to.equal(true);
    expect(ErrorsExplicit([unavailable('t2', 999)], none, 1000).valid, 'before it').to.equal(false);
    expect(ErrorsExplicit([unavailable('t3', 1500, 2)], none, 1000).valid, 'after tokens').to.equal(false);
    expect(ErrorsExplicit([unavailable('t4', 1500)], none).valid, 'no timeout known').to.equal(false);
    // Sent first at 0 while the orchestrator was down, resent and answered at 1000: it was created then, not at 0.
    expect(ErrorsExplicit([{ ...unavailable('t5', 1500), answeredAt: 1000 }], none, 1000).valid, 'resent').to.equal(false);
  });
});
