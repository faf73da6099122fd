import { describe, it } from 'node:test';
import { expect } from 'chai';
import { givenUpBeforeBudget, givenUpEarly } from '../../support/checks/retries';
import type { TaskRecord } from '../../support/history/history';
import { newTask } from '../../support/orchestrator/client';
import type { ReceivedEvent } from '../../support/orchestrator/sse';

/** A task admitted at 0 whose stream read `events`. */
function task(id: string, events: ReceivedEvent[]): TaskRecord {
  return {
    taskId: id,
    request: newTask({ task_id: id, max_tokens: 10 }),
    submittedAt: 0,
    admission: { status: 202, body: { task_id: id }, headers: {}, elapsedMs: 1 },
    streams: [{ openedAt: 0, events }],
  };
}
const unavailable = (at: number): ReceivedEvent => ({ event: 'error', data: { code: 'POOL_UNAVAILABLE', retriable: true }, at });
const token: ReceivedEvent = { event: 'token', data: { t: 'a', i: 0 }, id: '0', at: 5 };

describe('the retry budget judged on given-up tasks (givenUpEarly, givenUpBeforeBudget)', () => {
  const records = [
    task('early', [unavailable(300)]),
    task('at-queue-timeout', [unavailable(10_050)]),
    task('mid-stream', [token, unavailable(400)]),
    task('reset', [{ event: 'error', data: { code: 'WORKER_RESET', retriable: true }, at: 300 }]),
  ];

  it('judge only the tasks that failed unavailable before a token and before the queue timeout could end them', () => {
    expect(givenUpEarly(records, 10_000).map((r) => r.taskId)).to.deep.equal(['early']);
  });

  it('name a task given up after fewer attempts than the budget, and pass one that used it', () => {
    const early = givenUpEarly(records, 10_000);
    expect(givenUpBeforeBudget(early, new Map([['early', 3]]), 3)).to.deep.equal([]);
    expect(givenUpBeforeBudget(early, new Map([['early', 1]]), 3)).to.deep.equal([
      'early: failed POOL_UNAVAILABLE with no token after 1 attempt(s), budget 3',
    ]);
  });
});
