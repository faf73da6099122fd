import { Then, When } from '@cucumber/cucumber';
import { expect } from 'chai';
import { PATIENCE } from '../support/cucumber/patience';
import type { ChaosWorld } from '../support/cucumber/world';
import { BOUNDS } from '../support/checks/bounds';
import { taskEnds } from '../support/observe/waits';
import { dispatchPattern } from '../support/stack/mechanisms';
import { poisonTask } from '../support/load/tasks';
import { poisonProblems } from '../support/checks/refusals';
import { dispatchesOf } from '../support/checks/evidence';

// Poison requests: valid for the orchestrator, refused by every engine (ORCH-3040: they must not open breakers).

When('a client submits {int} tasks whose prompt is too long for any engine', async function (this: ChaosWorld, n: number) {
  this.expectedErrors.add('INVALID_PARAMS');
  this.batch = await this.workload.submitMany(n, () => poisonTask(this.newTask(PATIENCE.probeTaskTokens)));
});

When(
  'a client submits {int} tasks whose prompt is too long for any engine, each once the last has failed',
  { timeout: PATIENCE.longStepMs },
  async function (this: ChaosWorld, n: number) {
    this.expectedErrors.add('INVALID_PARAMS');
    this.batch = [];
    const deadline = Date.now() + PATIENCE.longStepMs - 1_000;
    for (let i = 0; i < n; i++) {
      const record = await this.workload.submit(poisonTask(this.newTask(PATIENCE.probeTaskTokens)));
      this.batch.push(record);
      if (record.admission?.status === 202) await taskEnds(record, Math.max(0, deadline - Date.now()));
    }
  },
);

Then('each of those tasks fails at once as {error code}, not retriable', async function (this: ChaosWorld, code: string) {
  await this.workload.settle(PATIENCE.batchMs);
  expect(
    this.batch.flatMap((r) => poisonProblems(r, code, BOUNDS.fastRefusalMs)),
    'poison tasks not failed at once',
  ).to.be.empty;
});

Then('each of those tasks was dispatched only once', function (this: ChaosWorld) {
  const stack = this.requireStack();
  const counts = this.batch.map((r) => dispatchesOf(stack.componentLogFile('orchestrator'), dispatchPattern(stack), r.taskId));
  expect(counts, 'dispatches of each task').to.deep.equal(this.batch.map(() => 1));
});
