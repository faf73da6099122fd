import { Then, When } from '@cucumber/cucumber';
import { expect } from 'chai';
import { PATIENCE } from '../support/cucumber/patience';
import type { ChaosWorld } from '../support/cucumber/world';
import { BOUNDS } from '../support/checks/bounds';
import { terminalOf } from '../support/history/history';
import { drainOf } from '../support/observe/measures';
import { PoolOperations, type ReloadModel, reloadRequest } from '../support/load/operations';
import { taskEndsAfterFault } from '../support/observe/tasks';
import { modelProbe } from '../support/load/probes';
import { createFault } from '../support/faults/registry';
import { POOL } from '../support/faults/subjects';
import { someTaskStreaming } from '../support/observe/waits';
import { retriableHint, submitCarefully } from '../support/load/tasks';
import type { TaskRecord } from '../support/history/history';

When('the pool is drained with a deadline of {duration}', async function (this: ChaosWorld, deadlineMs: number) {
  // Draining refuses new tasks (POOL_UNREADY) and cuts what outlives the deadline (WORKER_RESET): both on purpose.
  for (const code of ['POOL_UNREADY', 'WORKER_RESET']) this.expectedErrors.add(code);
  // Recorded as sent: the deadline runs from when the orchestrator received it, never earlier.
  this.timeline.record('request', 'pool.drained', { deadline_ms: deadlineMs });
  const answer = await this.client.drain(this.poolId, deadlineMs);
  this.part(PoolOperations).lastAnswer = { status: answer.status, body: answer.body };
  expect(answer.status, `drain answer: ${JSON.stringify(answer.body)}`).to.equal(202);
});

When('the pool is reloaded with {reload model}', { timeout: PATIENCE.longStepMs }, async function (this: ChaosWorld, model: ReloadModel) {
  this.expectedErrors.add('POOL_UNREADY');
  this.part(PoolOperations).modelBefore = await modelProbe(this.workload, () => this.modelProbeTask(), PATIENCE.taskEndMs);
  const request = await reloadRequest(this.scenarioDir, { realFile: this.profile.pool.modelFile, sizeBytes: this.modelSizeBytes() }, model);
  this.part(PoolOperations).reloaded = true;
  const answer = await this.client.reload(this.poolId, { ...request, deadline_ms: PATIENCE.streamingMs });
  this.part(PoolOperations).lastAnswer = { status: answer.status, body: { ...answer.body, requested: request.new_model_ref } };
});

// A reload as the explorer draws it (support/faults/pool-reload.ts): a fault of the ledger, proven by what a client
// sees, sent once a task of `tokens` streams, so that the drain's deadline is judged on a task that outlives it.
When(
  'the pool is reloaded with {reload model} while a task of {int} tokens streams, giving its tasks {duration}',
  { timeout: PATIENCE.longStepMs },
  async function (this: ChaosWorld, model: ReloadModel, tokens: number, deadlineMs: number) {
    const ops = this.part(PoolOperations);
    ops.reloaded = true;
    const version = 2 + ops.reloads++;
    const served = { realFile: this.profile.pool.modelFile, sizeBytes: this.modelSizeBytes() };
    // Written and hashed before the fault's moment: the request is then only sent.
    const request = await reloadRequest(this.scenarioDir, served, model, version);
    const reload = createFault(
      'pool.reload',
      {
        reload: (ms) => this.client.reload(this.poolId, { ...request, deadline_ms: ms }),
        probe: () => modelProbe(this.workload, () => this.modelProbeTask(), PATIENCE.taskEndMs),
      },
      model,
      model === 'a new model' ? 'switch' : 'rollback',
      deadlineMs,
    );
    let witness: TaskRecord | undefined;
    const streams = async () => {
      witness = await submitCarefully(this.workload, this.newTask(tokens), Date.now() + PATIENCE.engineAtWorkMs, retriableHint);
      await someTaskStreaming(() => (witness ? [witness] : []), 20, PATIENCE.engineAtWorkMs);
    };
    await this.faults.apply(reload, POOL, streams);
    ops.modelBefore = reload.before;
    if (reload.switchedAt !== undefined) ops.switchedAt = reload.switchedAt;
    // Over once answered: its window (the tasks it may have disturbed) ends here.
    await this.faults.healFault(reload);
  },
);

Then('the reload succeeds', function (this: ChaosWorld) {
  const { lastAnswer } = this.part(PoolOperations);
  expect(lastAnswer?.status, `reload answer: ${JSON.stringify(lastAnswer?.body)}`).to.equal(202);
});

Then('the reload is rolled back, saying why', function (this: ChaosWorld) {
  const { lastAnswer } = this.part(PoolOperations);
  const body = lastAnswer?.body ?? {};
  expect(lastAnswer?.status, `reload answer: ${JSON.stringify(body)}`).to.equal(409);
  expect(body, 'the rollback envelope').to.include({ code: 'RELOAD_ROLLED_BACK' }).and.to.have.property('message').that.is.a('string').and
    .not.empty;
});

Then('the pool serves the new model', { timeout: PATIENCE.longStepMs }, async function (this: ChaosWorld) {
  const after = await modelProbe(this.workload, () => this.modelProbeTask(), PATIENCE.taskEndMs);
  expect(after, 'the model probe after the reload, against before it (the same request)').to.not.equal(
    this.part(PoolOperations).modelBefore,
  );
  expect(await modelProbe(this.workload, () => this.modelProbeTask(), PATIENCE.taskEndMs), 'the probe again').to.equal(after);
});

Then('the pool still serves the old model', { timeout: PATIENCE.longStepMs }, async function (this: ChaosWorld) {
  const after = await modelProbe(this.workload, () => this.modelProbeTask(), PATIENCE.taskEndMs);
  expect(after, 'the model probe after the rolled-back reload, against before it (the same request)').to.equal(
    this.part(PoolOperations).modelBefore,
  );
});

Then('the task fails with a retriable {error code} error at the drain deadline', async function (this: ChaosWorld, code: string) {
  const { drainedAt, deadlineMs } = drainOf(this.timeline);
  const { error } = await taskEndsAfterFault(this.requireFocus(), this.timeline, deadlineMs + PATIENCE.pastBoundMs);
  const endedMs = terminalOf(this.requireFocus())!.at - drainedAt;
  this.timeline.measure('drain_to_error_ms', endedMs);
  expect(error, 'the error event').to.include({ code, retriable: true });
  expect(endedMs, `ms from the drain to the error (deadline ${deadlineMs} ms + ${BOUNDS.drainDeadlineSlackMs} ms)`).to.be.within(
    deadlineMs,
    deadlineMs + BOUNDS.drainDeadlineSlackMs,
  );
});
