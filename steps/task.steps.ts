import { Given, Then, When } from '@cucumber/cucumber';
import { expect } from 'chai';
import { PATIENCE } from '../support/cucumber/patience';
import type { ChaosWorld } from '../support/cucumber/world';
import { SuiteError } from '../support/core/errors';
import { allowedHere, undisturbedRunOf } from '../support/cucumber/verdict';
import { ErrorsExplicit } from '../support/checks/tasks';
import { StreamsWellFormed } from '../support/checks/streams';
import { BackgroundLoad } from '../support/load/background';
import { BOUNDS } from '../support/checks/bounds';
import {
  decodeTimes,
  eventsOf,
  type TaskRecord,
  firstTokenDelays,
  notCompleted,
  silentlyTruncated,
  terminalOf,
} from '../support/history/history';
import { measureDetection, measureRecovery } from '../support/observe/measures';
import {
  knownStatuses,
  engineLogsAccountFor,
  servedByEngineOf,
  taskEndsAfterFault,
  tasksServedByEventually,
} from '../support/observe/tasks';
import { engineTaskPattern, engineUrl } from '../support/stack/mechanisms';
import { engineStreaming } from '../support/observe/cancel';
import { taskEnds, tokensReceived } from '../support/observe/waits';
import { resubmit, submitInWaves } from '../support/load/tasks';
import { completedSinceLastHeal, faultWindows, submittedDuringFaults } from '../support/history/windows';
import { refusalProblems } from '../support/checks/refusals';
import { aTaskCompletes, tasksRefused } from '../support/load/probes';

/** Every steady load is bounded: at most 200 tasks and 30 s, whatever the scenario does. */
const LOAD_BOUNDS = { maxTasks: 200, maxMs: 30_000 };

When('a client submits {int} task(s) of {int} tokens each', async function (this: ChaosWorld, count: number, tokens: number) {
  this.batch = await this.workload.submitMany(count, () => this.newTask(tokens));
  this.focus = this.batch[0];
});

When(
  'a client submits a task of {int} tokens, then {int} more of {int} tokens each',
  async function (this: ChaosWorld, firstTokens: number, more: number, tokens: number) {
    this.batch = await this.workload.submitMany(1 + more, (i) => this.newTask(i === 0 ? firstTokens : tokens));
    this.focus = this.batch[0];
  },
);

When(
  'a client submits {int} tasks of {int} tokens each, {int} at a time',
  { timeout: PATIENCE.longStepMs },
  async function (this: ChaosWorld, count: number, tokens: number, wave: number) {
    this.batch = await submitInWaves(this.workload, count, wave, () => this.newTask(tokens), PATIENCE.taskEndMs);
  },
);

Given(
  'a client has a task of {int} tokens streaming on replica {replica}',
  async function (this: ChaosWorld, tokens: number, replica: string) {
    this.focus = await this.workload.submit(this.newTask(tokens));
    await tokensReceived(this.focus, 1, PATIENCE.streamingMs);
    expect((await this.client.status(this.focus.taskId)).body.replica_id, 'replica serving the task').to.equal(replica);
    // And by the engine's own word: a slot of that replica's engine is generating.
    await engineStreaming(engineUrl(this.requireStack(), replica), `replica ${replica}`, PATIENCE.streamingMs, 1);
  },
);

Given('the first task is streaming', async function (this: ChaosWorld) {
  await tokensReceived(this.requireFocus(), 1, PATIENCE.streamingMs);
});

Then('every task completes', { timeout: PATIENCE.longStepMs }, async function (this: ChaosWorld) {
  await this.workload.settle(PATIENCE.batchMs);
  expect(notCompleted(this.batch), 'tasks that did not complete').to.be.empty;
});

Then('every stream is well formed', function (this: ChaosWorld) {
  const verdict = StreamsWellFormed(this.history.all());
  expect(verdict.valid, verdict.detail).to.equal(true);
});

Then('the task fails with a retriable {error code} error', async function (this: ChaosWorld, code: string) {
  const { error } = await taskEndsAfterFault(this.requireFocus(), this.timeline, PATIENCE.taskEndMs);
  expect(error, `the task's end: ${JSON.stringify(terminalOf(this.requireFocus())?.data)}`).to.include({ code, retriable: true });
});

// Which code depends on how the engine ends: the reference engine streams on until it is killed (WORKER_RESET); a real
// one that stops streaming on SIGTERM and keeps its connection open stalls the stream until the idle timeout
// (DECODE_TIMEOUT) or the kill, whichever comes first. Either must be a code the scenario's faults allow.
Then('the task fails with a retriable error its fault allows', async function (this: ChaosWorld) {
  const { error } = await taskEndsAfterFault(this.requireFocus(), this.timeline, PATIENCE.taskEndMs);
  const allowed = allowedHere(this);
  expect(error, `the task's end: ${JSON.stringify(terminalOf(this.requireFocus())?.data)}`).to.include({ retriable: true });
  expect([...allowed], `codes the scenario's faults allow, against the task's ${error?.code}`).to.include(error?.code);
});

Then('the streaming task completes', async function (this: ChaosWorld) {
  expect(await taskEnds(this.requireFocus(), PATIENCE.taskEndMs), `outcome of task ${this.requireFocus().taskId}`).to.equal('completed');
});

Then('nothing follows the error in its stream', function (this: ChaosWorld) {
  const events = eventsOf(this.requireFocus()).map((e) => e.event);
  expect(events.indexOf('error'), `events: ${events.join(',')}`).to.equal(events.length - 1);
});

Then('none of these tasks is served by replica {replica}', async function (this: ChaosWorld, replica: string) {
  const stack = this.requireStack();
  const during = submittedDuringFaults(this.batch, faultWindows(this.timeline));
  expect(during.length, 'tasks of the batch submitted while the fault was active').to.equal(this.batch.length).and.be.greaterThan(0);
  await engineLogsAccountFor(during, stack.engineLogFiles(), engineTaskPattern(stack), PATIENCE.logFlushMs);
  const served = servedByEngineOf(during, stack.engineLogFiles(), engineTaskPattern(stack), replica);
  expect(
    served.map((r) => r.taskId),
    `tasks the engine of ${replica} itself says it generated`,
  ).to.be.empty;
});

Then('a new task completes within {duration}', { timeout: PATIENCE.longStepMs }, async function (this: ChaosWorld, limitMs: number) {
  await aTaskCompletes(this.workload, () => this.newTask(PATIENCE.probeTaskTokens), limitMs);
  measureRecovery(this.timeline, 'a new task completed');
});

Then(
  'within {duration} new tasks are refused fast as {error code} with a retry hint',
  { timeout: PATIENCE.longStepMs },
  async function (this: ChaosWorld, limitMs: number, code: string) {
    await tasksRefused(
      this.workload,
      () => this.newTask(PATIENCE.probeTaskTokens),
      `${code} with a retry hint`,
      (r) => refusalProblems(r, code, BOUNDS.fastRefusalMs),
      limitMs,
    );
    measureDetection(this.timeline, `tasks refused as ${code}`);
  },
);

Then('a new task is refused as {error code} with a retry hint', async function (this: ChaosWorld, code: string) {
  await tasksRefused(
    this.workload,
    () => this.newTask(PATIENCE.probeTaskTokens),
    `${code} with a retry hint`,
    (r) => refusalProblems(r, code, BOUNDS.fastRefusalMs),
    0,
  );
  measureDetection(this.timeline, `task refused as ${code}`);
});

Then('every task of the client completes after the restart', { timeout: PATIENCE.longStepMs }, async function (this: ChaosWorld) {
  await this.workload.settle(PATIENCE.batchMs);
  expect(notCompleted(this.batch), 'tasks admitted before the shutdown that did not complete').to.be.empty;
  measureRecovery(this.timeline, 'queued tasks completed');
});

Then(
  'the task fails with a retriable {error code} error at the idle timeout after its last token',
  async function (this: ChaosWorld, code: string) {
    const { idleTimeoutMs } = this.profile.timings;
    const limitMs = idleTimeoutMs + BOUNDS.idleObservationSlackMs;
    const { afterLastTokenMs, error } = await taskEndsAfterFault(this.requireFocus(), this.timeline, limitMs + PATIENCE.pastBoundMs);
    expect(error, 'the error event').to.include({ code, retriable: true });
    expect(
      afterLastTokenMs,
      `error arrived ${afterLastTokenMs} ms after the last token (idle timeout ${idleTimeoutMs} ms ± ${BOUNDS.idleObservationSlackMs} ms)`,
    ).to.be.within(idleTimeoutMs - BOUNDS.idleObservationSlackMs, limitMs);
  },
);

Then(
  'every task either completes with all its tokens or fails with a retriable error',
  { timeout: PATIENCE.longStepMs },
  async function (this: ChaosWorld) {
    await this.workload.settle(PATIENCE.batchMs);
    expect(silentlyTruncated(this.batch), 'tasks that ended otherwise').to.be.empty;
  },
);

Then("every task's first token arrived at least {duration} after it was submitted", function (this: ChaosWorld, ms: number) {
  const delays = firstTokenDelays(this.batch);
  expect(
    delays.filter((d) => d.ms < ms),
    `first-token delays: ${JSON.stringify(delays)}`,
  ).to.be.empty;
});

Then('every task took at least {duration} from its first token to its end', function (this: ChaosWorld, ms: number) {
  const times = decodeTimes(this.batch);
  expect(
    times.filter((d) => d.ms < ms),
    `decode times: ${JSON.stringify(times)}`,
  ).to.be.empty;
});

Then('the task completes', async function (this: ChaosWorld) {
  const outcome = await taskEnds(this.requireFocus(), PATIENCE.taskEndMs);
  expect(outcome, `task ${this.requireFocus().taskId}: ${JSON.stringify(terminalOf(this.requireFocus())?.data)}`).to.equal('completed');
});

Then('its stream is identical to an undisturbed run of the same task', { timeout: PATIENCE.longStepMs }, async function (this: ChaosWorld) {
  const run = await undisturbedRunOf(this, this.requireFocus());
  expect(run.disturbed, `the disturbed stream, against an undisturbed run (${run.undisturbedFrom}, ended: ${run.rerunOutcome})`).to.equal(
    run.undisturbed,
  );
});

// Any task since the heal, the steady load's too: under a steady load the last batch alone may all go to the
// replicas that happen to be free (least in flight first) while the healed one serves the load; so the step looks
// again until one of them, completed, is in the healed replica's engine log (seen in CI: the batch went to r2 and r3
// while r1 still had 2 tasks in flight from before the heal; its next load tasks completed 100 ms after the look).
Then(
  'some task since the heal is served by replica {replica}',
  { timeout: PATIENCE.longStepMs },
  async function (this: ChaosWorld, replica: string) {
    const stack = this.requireStack();
    const since = (): TaskRecord[] => completedSinceLastHeal(this.history.all(), this.timeline);
    // Throws, with what it last saw, when no task since the heal is in that engine's log within the patience.
    await tasksServedByEventually(since, stack.engineLogFiles(), engineTaskPattern(stack), replica, PATIENCE.taskEndMs);
  },
);

Then('every admitted task is known to the orchestrator', async function (this: ChaosWorld) {
  const unknown = (await knownStatuses(this.client, this.history.admitted())).filter((s) => s.status !== 200);
  expect(unknown, 'admitted tasks the orchestrator does not know').to.be.empty;
});

Then('resubmitting a task returns the same task', async function (this: ChaosWorld) {
  const { before, answer, after } = await resubmit(this.client, this.requireFocus());
  expect(answer, 'answer to the same task_id again').to.deep.include({ status: 202, task_id: this.requireFocus().taskId });
  const consistent = after.state === before.state || before.state === 'queued' || before.state === 'running';
  expect(consistent, `state ${before.state} → ${after.state}`).to.equal(true);
});

Then('the other tasks complete', { timeout: PATIENCE.longStepMs }, async function (this: ChaosWorld) {
  await this.workload.settle(PATIENCE.batchMs);
  expect(notCompleted(this.batch.filter((r) => r !== this.focus)), 'tasks that did not complete').to.be.empty;
  measureRecovery(this.timeline, 'the other tasks completed');
});

Given(
  /^a steady load of (\d+) tasks? per second of (\d+) tokens each(?:, sent (\d+) at a time)?$/,
  async function (this: ChaosWorld, rate: string, tokens: string, burst?: string) {
    const shape = { tasksPerSecond: Number(rate), tokensPerTask: Number(tokens), burst: burst ? Number(burst) : 1, ...LOAD_BOUNDS };
    this.background = new BackgroundLoad(this.workload, (n) => this.newTask(n), shape);
    await this.background.start();
  },
);

When('{duration} pass(es) under the load', { timeout: PATIENCE.longStepMs }, async function (this: ChaosWorld, ms: number) {
  if (!this.background) throw new SuiteError('No steady load is running: a Given step must start one first');
  await this.background.runFor(ms);
});

When('the steady load stops and every stream ends', { timeout: PATIENCE.longStepMs }, async function (this: ChaosWorld) {
  if (!this.background) throw new SuiteError('No steady load is running: a Given step must start one first');
  await this.background.stop();
  const open = await this.workload.settle(PATIENCE.afterSettleMs);
  expect(open, `streams still open ${PATIENCE.afterSettleMs} ms after the steady load stopped`).to.equal(0);
});

Then(
  'at most {int} of them fail, each with a retriable error',
  { timeout: PATIENCE.longStepMs },
  async function (this: ChaosWorld, n: number) {
    await this.workload.settle(PATIENCE.batchMs);
    const failed = notCompleted(this.batch);
    expect(failed.length, `tasks that did not complete: ${JSON.stringify(failed)}`).to.be.at.most(n);
    const verdict = ErrorsExplicit(this.batch, allowedHere(this));
    expect(verdict.valid, verdict.detail).to.equal(true);
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
  const { error } = await taskEndsAfterFault(this.focus, this.timeline, PATIENCE.taskEndMs);
  expect(error, `the second task's end`).to.include({ code, retriable: true });
});

Then('every admitted task completes', { timeout: PATIENCE.longStepMs }, async function (this: ChaosWorld) {
  await this.workload.settle(PATIENCE.batchMs);
  expect(
    notCompleted(this.batch).filter((t) => t.outcome !== 'refused'),
    'admitted tasks that did not complete',
  ).to.be.empty;
});
