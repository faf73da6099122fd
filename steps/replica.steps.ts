import { Then, When } from '@cucumber/cucumber';
import { expect } from 'chai';
import { PATIENCE } from '../support/cucumber/patience';
import type { ChaosWorld } from '../support/cucumber/world';
import { createFault } from '../support/faults/registry';
import { linkOf } from '../support/faults/subjects';
import { notCompleted } from '../support/observe/history';
import { measureRecovery } from '../support/observe/measures';
import { dispatchCount, everReported, notReadyThroughout, type RollingKill, rollThroughReplicas } from '../support/observe/replicas';
import { dispatchPattern } from '../support/stack/mechanisms';

When(
  'each replica is killed in turn, the next only once the pool is ready again and the tasks running at the previous kill have ended',
  { timeout: PATIENCE.longStepMs },
  async function (this: ChaosWorld) {
    const kills = await rollThroughReplicas(
      this.faults,
      this.requireStack(),
      this.client,
      () => this.history.admitted(),
      PATIENCE.taskEndMs,
    );
    this.timeline.record('note', 'rolling failures', { kills });
    this.timeline.measure(
      'streams_met_by_kills',
      kills.reduce((n, k) => n + k.streaming, 0),
    );
    measureRecovery(this.timeline, 'pool ready after the last replica came back');
  },
);

When('the link to replica {replica} has {duration} of latency', async function (this: ChaosWorld, replica: string, latencyMs: number) {
  await this.faults.apply(createFault('network.latency', this.requireStack().engineLink(replica), { latencyMs }), linkOf(replica));
});

Then('every task of the steady load completes', { timeout: PATIENCE.longStepMs }, async function (this: ChaosWorld) {
  await this.background?.stop();
  await this.workload.settle(PATIENCE.batchMs);
  expect(this.background?.records.length ?? 0, 'tasks of the steady load').to.be.greaterThan(0);
  expect(notCompleted(this.background?.records ?? []), 'tasks of the steady load that did not complete').to.be.empty;
});

// The kill step waits for each victim's engine to stream (its /slots) before it kills; this Then says what it met.
Then('each kill met a task streaming on its replica, and those tasks completed on the others', function (this: ChaosWorld) {
  const kills = (this.timeline.first('note', 'rolling failures')?.data?.kills ?? []) as RollingKill[];
  expect(
    kills.map((k) => k.replica),
    'replicas killed',
  ).to.deep.equal(this.requireStack().replicaIds);
  const met = kills.map((k) => `${k.replica}: ${k.streaming}`).join(', ');
  expect(
    kills.filter((k) => k.streaming < 1),
    `slots streaming at each kill (${met})`,
  ).to.be.empty;
  expect(notCompleted(this.background?.records ?? []), 'tasks of the steady load that did not complete').to.be.empty;
});

Then('the orchestrator took replica {replica} out of service', function (this: ChaosWorld, replica: string) {
  const states = ['unreachable', 'breaker-open', 'unready', 'starting', 'failed'];
  const since = this.timeline.startedAt + (this.timeline.first('fault', 'fault.injected')?.at ?? Number.POSITIVE_INFINITY);
  expect(
    everReported(this.liveness?.samples ?? [], replica, states, since),
    `replica ${replica} reported ${states.join('/')} at some point after the first fault`,
  ).to.equal(true);
});

Then('replica {replica} stayed ready throughout', function (this: ChaosWorld, replica: string) {
  // From the first fault on, or, in a scenario without one, from when the pool was first ready; until now.
  const since = this.timeline.first('fault', 'fault.injected') ?? this.timeline.last('measure', 'pool_ready_after_start_ms');
  const problems = notReadyThroughout(this.liveness?.samples ?? [], replica, this.timeline.startedAt + (since?.at ?? 0));
  expect(problems, `samples of replica ${replica} not ready since the first fault`).to.be.empty;
});

Then('the dispatches stayed within the retry budget of {int} per task', function (this: ChaosWorld, budget: number) {
  const stack = this.requireStack();
  const dispatches = dispatchCount(stack.componentLogFile('orchestrator'), dispatchPattern(stack));
  const tasks = this.history.admitted().length;
  expect(dispatches, `dispatches for ${tasks} admitted tasks`).to.be.at.most(budget * tasks);
});
