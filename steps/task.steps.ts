import { Given, Then, When } from '@cucumber/cucumber';
import { expect } from 'chai';
import type { ChaosWorld } from '../support/cucumber/world';
import { eventsOf, terminalOf, tokensAfterCancel } from '../support/observe/history';
import { StreamsWellFormed } from '../support/observe/checks';
import { aTaskCompletes, backpressureProblems, taskEnds, tasksRefused, tokensReceived } from '../support/observe/waits';

When('a client submits {int} task(s) of {int} tokens each', async function (this: ChaosWorld, count: number, tokens: number) {
  this.batch = await this.workload.submitMany(count, () => this.newTask(tokens));
  this.focus = this.batch[0];
});

Given(
  'a client has a task of {int} tokens streaming on replica {replica}',
  async function (this: ChaosWorld, tokens: number, replica: string) {
    this.focus = await this.workload.submit(this.newTask(tokens));
    await tokensReceived(this.focus, 1, 5000);
    expect((await this.client.status(this.focus.taskId)).body.replica_id, 'replica serving the task').to.equal(replica);
  },
);

Given('the first task is streaming', async function (this: ChaosWorld) {
  await tokensReceived(this.requireFocus(), 1, 5000);
});

Then('every task completes', { timeout: 30_000 }, async function (this: ChaosWorld) {
  const notCompleted = await this.batchSettled(20_000);
  expect(notCompleted, `tasks that did not complete: ${JSON.stringify(notCompleted)}`).to.be.empty;
});

Then('every stream is well formed', function (this: ChaosWorld) {
  const verdict = StreamsWellFormed(this.history.all());
  expect(verdict.valid, verdict.detail).to.equal(true);
});

Then('the task fails with a retriable {error code} error', async function (this: ChaosWorld, code: string) {
  const { error } = await this.focusEndsAfterFault(10_000);
  expect(error, `the task's end: ${JSON.stringify(terminalOf(this.requireFocus())?.data)}`).to.include({ code, retriable: true });
});

Then('the streaming task completes', async function (this: ChaosWorld) {
  expect(await taskEnds(this.requireFocus(), 10_000), `outcome of task ${this.requireFocus().taskId}`).to.equal('completed');
});

Then('nothing follows the error in its stream', function (this: ChaosWorld) {
  const events = eventsOf(this.requireFocus()).map((e) => e.event);
  expect(events.indexOf('error'), `events: ${events.join(',')}`).to.equal(events.length - 1);
});

Then('no task is served by replica {replica}', async function (this: ChaosWorld, replica: string) {
  const served = await this.replicasServing(this.history.admitted());
  expect(
    served.filter((s) => s.replica === replica),
    `tasks and their replicas: ${JSON.stringify(served)}`,
  ).to.be.empty;
});

Then('a new task completes within {duration}', { timeout: 30_000 }, async function (this: ChaosWorld, limitMs: number) {
  await aTaskCompletes(this.workload, () => this.newTask(8), limitMs);
  this.measureRecovery('a new task completed');
});

Then(
  'within {duration} new tasks are refused fast as {error code} with a retry hint',
  { timeout: 30_000 },
  async function (this: ChaosWorld, limitMs: number, code: string) {
    await tasksRefused(this.workload, () => this.newTask(8), code, 1000, limitMs);
    this.measureDetection(`tasks refused as ${code}`);
  },
);

Then('a new task is refused as {error code} with a retry hint', async function (this: ChaosWorld, code: string) {
  await tasksRefused(this.workload, () => this.newTask(8), code, 1000, 0);
  this.measureDetection(`task refused as ${code}`);
});

Then('every task of the client completes after the restart', { timeout: 30_000 }, async function (this: ChaosWorld) {
  const notCompleted = await this.batchSettled(20_000);
  expect(notCompleted, `tasks admitted before the shutdown that did not complete: ${JSON.stringify(notCompleted)}`).to.be.empty;
  this.measureRecovery('queued tasks completed');
});

Then(
  'the task fails with a retriable {error code} error within {duration} of the fault',
  async function (this: ChaosWorld, code: string, limitMs: number) {
    const { afterFaultMs, error } = await this.focusEndsAfterFault(limitMs + 5000);
    expect(error, 'the error event').to.include({ code, retriable: true });
    expect(afterFaultMs, `error arrived ${afterFaultMs} ms after the fault`).to.be.at.most(limitMs);
  },
);

Then(
  'every task either completes with all its tokens or fails with a retriable error',
  { timeout: 30_000 },
  async function (this: ChaosWorld) {
    expect(await this.silentlyTruncated(20_000), 'tasks that ended otherwise').to.be.empty;
  },
);

Then("every task's first token arrived at least {duration} after it was submitted", function (this: ChaosWorld, ms: number) {
  const early = this.firstTokenDelays().filter((d) => d.ms < ms);
  expect(early, `first-token delays: ${JSON.stringify(this.firstTokenDelays())}`).to.be.empty;
});

Then('every task took at least {duration} from its first token to its end', function (this: ChaosWorld, ms: number) {
  const fast = this.decodeTimes().filter((d) => d.ms < ms);
  expect(fast, `decode times: ${JSON.stringify(this.decodeTimes())}`).to.be.empty;
});

Then('the task completes', async function (this: ChaosWorld) {
  const outcome = await taskEnds(this.requireFocus(), 10_000);
  expect(outcome, `task ${this.requireFocus().taskId}: ${JSON.stringify(terminalOf(this.requireFocus())?.data)}`).to.equal('completed');
});

Then('its stream is identical to an undisturbed run of the same task', { timeout: 30_000 }, async function (this: ChaosWorld) {
  const { disturbed, undisturbed } = await this.rerunFocus(15_000);
  expect(disturbed, 'the disturbed stream, against an undisturbed run').to.equal(undisturbed);
});

Then('some task is served by replica {replica}', async function (this: ChaosWorld, replica: string) {
  const served = await this.replicasServing(this.batch);
  expect(
    served.map((s) => s.replica),
    'replicas that served the last tasks',
  ).to.include(replica);
});

Then('every admitted task is known to the orchestrator', async function (this: ChaosWorld) {
  const unknown = (await this.knownStatuses()).filter((s) => s.status !== 200);
  expect(unknown, 'admitted tasks the orchestrator does not know').to.be.empty;
});

Then('resubmitting a task returns the same task', async function (this: ChaosWorld) {
  const { before, answer, after } = await this.resubmitFocus();
  expect(answer, 'answer to the same task_id again').to.deep.include({ status: 202, task_id: this.requireFocus().taskId });
  expect(
    after.state === before.state || before.state === 'queued' || before.state === 'running',
    `state ${before.state} → ${after.state}`,
  ).to.equal(true);
});

Then('the other tasks complete', { timeout: 30_000 }, async function (this: ChaosWorld) {
  const notCompleted = (await this.batchSettled(20_000)).filter((t) => t.task !== this.requireFocus().taskId);
  expect(notCompleted, 'tasks that did not complete').to.be.empty;
  this.measureRecovery('the other tasks completed');
});

When('the client cancels the task', async function (this: ChaosWorld) {
  expect((await this.cancelFocus()).status, 'cancel answer').to.equal(204);
});

When('the client cancels the second task', async function (this: ChaosWorld) {
  this.focus = this.batch[1];
  expect((await this.cancelFocus()).status, 'cancel answer').to.equal(204);
});

Then('the task ends as canceled with no token after the cancel', async function (this: ChaosWorld) {
  expect(await taskEnds(this.requireFocus(), 5000), `outcome of task ${this.requireFocus().taskId}`).to.equal('canceled');
  expect(tokensAfterCancel(this.requireFocus()), 'tokens received beyond what the end event counts').to.deep.equal([]);
});

Then('the second task stays canceled without a single token', async function (this: ChaosWorld) {
  const status = (await this.client.status(this.batch[1].taskId)).body;
  expect(status, 'status of the canceled queued task').to.deep.include({ state: 'canceled', tokens_out: 0 });
});

Given('the queue holds at most {int} tasks, {queue policy} when full', function (this: ChaosWorld, capacity: number, policy: string) {
  Object.assign(this.settings.tunes, { 'queue-capacity': String(capacity), 'queue-policy': policy });
});

Then(
  "{int} of them are refused as {error code} with a retry hint and the queue's policy",
  function (this: ChaosWorld, count: number, code: string) {
    const refused = this.batch.filter((r) => r.admission?.status !== 202);
    expect(
      refused.map((r) => backpressureProblems(r, code)),
      `refusals: ${refused.map((r) => r.admission?.status).join(', ')}`,
    ).to.deep.equal(refused.map(() => []));
    expect(refused.length, 'tasks refused').to.equal(count);
  },
);

Then('every task is admitted', function (this: ChaosWorld) {
  expect(
    this.batch.map((r) => r.admission?.status),
    'admission answers',
  ).to.deep.equal(this.batch.map(() => 202));
});

Then('the second task fails with a retriable {error code} error', async function (this: ChaosWorld, code: string) {
  this.focus = this.batch[1];
  const { error } = await this.focusEndsAfterFault(10_000);
  expect(error, `the second task's end`).to.include({ code, retriable: true });
});

Then('every admitted task completes', { timeout: 30_000 }, async function (this: ChaosWorld) {
  const notCompleted = (await this.batchSettled(20_000)).filter((t) => t.outcome !== 'refused');
  expect(notCompleted, 'admitted tasks that did not complete').to.be.empty;
});
