import { Given, Then, When } from '@cucumber/cucumber';
import { expect } from 'chai';
import { PATIENCE } from '../support/cucumber/patience';
import type { ChaosWorld } from '../support/cucumber/world';
import { BOUNDS } from '../support/checks/bounds';
import { terminalOf } from '../support/history/history';
import { taskEndsAfterFault } from '../support/observe/tasks';
import { burst } from '../support/load/tasks';
import { SuiteError } from '../support/core/errors';
import { backpressureProblems } from '../support/checks/refusals';

Given('tasks wait at most {duration} in the queue', function (this: ChaosWorld, ms: number) {
  this.settings.tunes['queue-timeout-ms'] = String(ms);
});

Given('the queue holds at most {int} tasks, {queue policy} when full', function (this: ChaosWorld, capacity: number, policy: string) {
  Object.assign(this.settings.tunes, { 'queue-capacity': String(capacity), 'queue-policy': policy });
  this.expectedErrors.add(policy === 'reject' ? 'ADMISSION_REJECT' : 'QUEUE_FULL_DROP_LRU');
});

Then('the second task fails with a retriable {error code} error at the queue timeout', async function (this: ChaosWorld, code: string) {
  this.focus = this.batch[1];
  this.expectedErrors.add(code);
  const timeoutMs = this.requireQueueTimeout();
  const { error } = await taskEndsAfterFault(this.focus, this.timeline, timeoutMs + PATIENCE.pastBoundMs);
  const waitedMs = terminalOf(this.focus)!.at - this.focus.submittedAt;
  this.timeline.measure('queued_until_error_ms', waitedMs);
  expect(error, `the second task's end`).to.include({ code, retriable: true });
  expect(
    waitedMs,
    `failed ${waitedMs} ms after its submission (queue timeout ${timeoutMs} ms + ${BOUNDS.queueTimeoutSlackMs} ms)`,
  ).to.be.within(timeoutMs, timeoutMs + BOUNDS.queueTimeoutSlackMs);
});

// An overload once the pool is idle: more tasks at once than the pool runs (its replicas' slots) and its queue holds,
// so that some are refused (or, under drop-lru, dropped) whatever the engine's speed. That they were is asserted: a
// burst that overflowed nothing would judge nothing of what a full queue promises (ORCH-2007, ORCH-3005, ORCH-3028).
When(
  'a burst of {int} more tasks than the pool runs and its queue holds arrives at once, and every stream ends',
  { timeout: PATIENCE.longStepMs },
  async function (this: ChaosWorld, over: number) {
    const capacity = this.settings.tunes['queue-capacity'];
    if (capacity === undefined)
      throw new SuiteError('A burst that overflows the queue needs its capacity stated first (Given the queue holds at most N tasks, …)');
    const stack = this.requireStack();
    const runs = stack.replicaIds.length * (stack.request.slots ?? stack.profile.pool.slots);
    const count = runs + Number(capacity) + over;
    const { refused, dropped, open } = await burst(this.workload, count, () => this.newTask(BURST_TOKENS), PATIENCE.afterSettleMs);
    expect(open, `streams still open ${PATIENCE.afterSettleMs} ms after a burst of ${count} tasks`).to.equal(0);
    expect(refused + dropped, `tasks of a burst of ${count} (${runs} run at once, ${capacity} queued) refused or dropped`).to.be.at.least(
      1,
    );
  },
);

/** Each task of a burst: 20 tokens (100 ms on the reference engine), so that the full queue drains within 0.5 s. */
const BURST_TOKENS = 20;

Then(
  "{int} of them are refused as {error code} with a retry hint and the queue's policy",
  function (this: ChaosWorld, count: number, code: string) {
    const refused = this.batch.filter((r) => r.admission?.status !== 202);
    const problems = refused.map((r) => backpressureProblems(r, code, BOUNDS.fastRefusalMs));
    expect(problems, `refusals: ${refused.map((r) => r.admission?.status).join(', ')}`).to.deep.equal(refused.map(() => []));
    expect(refused.length, 'tasks refused').to.equal(count);
  },
);
