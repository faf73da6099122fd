import { Then, When } from '@cucumber/cucumber';
import { expect } from 'chai';
import { PATIENCE } from '../support/cucumber/patience';
import { BOUNDS } from '../support/checks/bounds';
import type { ChaosWorld } from '../support/cucumber/world';
import { BREAKER_KINDS, createFault } from '../support/faults/registry';
import { engineOf, linkOf } from '../support/faults/subjects';
import { notCompleted } from '../support/history/history';
import { dispatchesSeenAt, dispatchesWhileOut } from '../support/observe/dispatches';
import { measureRecovery } from '../support/observe/measures';
import { FaultNotApplicable, SuiteError } from '../support/core/errors';
import { operationRequest } from '../support/faults/ledger';
import { breakerPolicy, BreakerShedsFailingReplica, longestRun } from '../support/checks/breaker';
import { type RollingKill, rollThroughReplicas } from '../support/faults/sequences/rolling-kill';
import { dispatchPattern } from '../support/stack/mechanisms';
import { everReported, notReadyThroughout } from '../support/checks/readiness';
import { dispatchCount } from '../support/checks/evidence';
import { replicaTakesTasksSideBySide } from '../support/load/probes';

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

Then(
  'the orchestrator sent replica {replica} no work while its breaker was open, and one trial at a time after each cool-down',
  async function (this: ChaosWorld, replica: string) {
    const verdict = await breakerAtLink(this, replica, Date.now());
    expect(verdict.valid, verdict.detail).to.equal(true);
  },
);

// The explorer's form of the check above (support/faults/engine-completion-errors.ts): a drawn schedule may not fail the
// replica's dispatches often enough to put its breaker to the test (too light a load, too short a fault), and then
// there is nothing to judge; where its failures reached the threshold, it is judged as above, up to the fault's heal.
Then(
  'the orchestrator sent replica {replica} no work while its breaker was open, wherever its failures opened it',
  async function (this: ChaosWorld, replica: string) {
    const verdict = await breakerAtLink(this, replica);
    expect(verdict.valid, verdict.detail).to.not.equal(false);
  },
);

/**
 * ORCH-3040 at the link of `replica`, from the fault that failed its dispatches (on its link: a cut; on its engine: its
 * completions fail) to `until` (epoch; default: when that fault's heal began, or now), noted in the timeline. Not to
 * the heal's end: a toxic's removal waited for a trial dispatch in flight through the proxy, which then succeeded and
 * closed the breaker, and the next dispatch, before the heal returned, was judged as within a cool-down (found by the
 * explorer's hunt of replica-breaker-failed-trial-short, failing 3 of 3 on the unbroken stack).
 */
async function breakerAtLink(world: ChaosWorld, replica: string, until?: number) {
  const on = [linkOf(replica), engineOf(replica)];
  // The last fault of a kind that fails every dispatch: an earlier fault of another kind on the same engine (its streams
  // ended early, drawn by the explorer before a cut) is not the one the breaker is judged on.
  const cut = world.faults
    .records()
    .filter((r) => on.includes(r.subject ?? '') && BREAKER_KINDS.includes(r.kind) && r.injectedAt !== undefined)
    .at(-1);
  if (!cut)
    throw new SuiteError(
      `No fault that fails every dispatch (${BREAKER_KINDS.join(', ')}) was applied to replica ${replica} or its link in this scenario`,
    );
  const seen = await dispatchesSeenAt(world.requireStack(), replica, world.timeline.startedAt + (cut.injectedAt as number));
  const end = until ?? (cut.healStartedAt !== undefined ? world.timeline.startedAt + cut.healStartedAt : Date.now());
  const verdict = BreakerShedsFailingReplica(seen, breakerPolicy(world.settings.tunes), end);
  const window = { from: cut.injectedAt, until: end - world.timeline.startedAt };
  world.timeline.record('note', 'breaker judged at the link', { replica, window, valid: verdict.valid, detail: verdict.detail });
  return verdict;
}

Then(
  'once its cool-down has passed, replica {replica} takes more than one task at a time again',
  { timeout: PATIENCE.longStepMs },
  async function (this: ChaosWorld, replica: string) {
    const stack = this.requireStack();
    const healed = this.timeline.last('fault', 'fault.healed');
    if (healed === undefined) throw new SuiteError('No fault was healed in this scenario: there is no breaker to see close');
    const { cooldownMs } = breakerPolicy(this.settings.tunes);
    // A task for every slot of the pool: a replica in full rotation gets one per slot (least loaded first), so more than
    // one at a time. One task more than the replicas was not enough but for r1: the orchestrator breaks a tie of load by
    // the replicas' order, so the extra task always went to r1 (found by the explorer's hunt on replica r2: never two at
    // once, on the unbroken stack, 3 of 3).
    const slots = stack.request.slots ?? stack.profile.pool.slots;
    if (slots < 2) throw new SuiteError(`A pool of ${slots} slot per replica never takes more than one task at a time on a replica`);
    const burst = stack.replicaIds.length * slots;
    const since = this.timeline.startedAt + healed.at;
    const bursts = await replicaTakesTasksSideBySide(
      stack,
      this.workload,
      () => this.newTask(PATIENCE.probeTaskTokens),
      replica,
      burst,
      since,
      cooldownMs + PATIENCE.streamingMs,
    );
    this.timeline.record('note', 'breaker closed, seen at the link', { replica, bursts });
  },
);

Then('replica {replica} stayed ready throughout', async function (this: ChaosWorld, replica: string) {
  // From the first fault on, or, in a scenario without one, from when the pool was first ready; until now (a sample
  // taken now, not the last tick: a replica that left service since would otherwise go unseen).
  await this.liveness?.sampledSince(Date.now());
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

Then('one replica was sent as many of those tasks in a row as it takes to open its breaker, or more', async function (this: ChaosWorld) {
  const threshold = Number(this.settings.tunes['dispatch-breaker-threshold']);
  if (!(threshold > 0))
    throw new SuiteError(
      'The scenario states no breaker threshold: add "Given a replica leaves service after <n> failed dispatches in a row"',
    );
  const since = this.batch[0]?.submittedAt ?? Date.now();
  const stack = this.requireStack();
  // A refused dispatch is one the engine answered 400 (its prompt too long), as the replica's link saw it.
  const runs = await Promise.all(
    stack.replicaIds.map(async (r) => ({ r, run: longestRun(await dispatchesSeenAt(stack, r, since), (d) => d.status === 400) })),
  );
  this.timeline.record('note', 'refused dispatches in a row, per replica', Object.fromEntries(runs.map((x) => [x.r, x.run])));
  expect(
    Math.max(...runs.map((x) => x.run)),
    `the longest run of refused dispatches at one replica (${JSON.stringify(runs)})`,
  ).to.be.at.least(threshold);
});

Then('no task reached replica {replica} while it was out of service', async function (this: ChaosWorld, replica: string) {
  // From the fault (once the pool reports the replica out), or from a graceful restart's request (once the
  // orchestrator's view of the pool can have caught up), until the pool reports it ready again, the heal, or now.
  const fault = this.faults.records().find((r) => r.injectedAt !== undefined);
  const restart = this.timeline.first('request', 'replica.restarted');
  const since = this.timeline.startedAt + (fault?.injectedAt ?? restart?.at ?? Number.NaN);
  if (Number.isNaN(since)) throw new SuiteError('Nothing in this scenario took a replica out of service: no fault, no restart');
  const untilMs = fault?.healedAt !== undefined ? this.timeline.startedAt + fault.healedAt : Date.now();
  await noTaskReachedWhileOut(this, replica, { sinceMs: since, untilMs, outFrom: fault ? undefined : since + BOUNDS.poolViewLagMs });
});

// A graceful restart drawn as a fault (support/faults/replica-restart.ts): out of service from its request, once the
// orchestrator's view of the pool can have caught up, until the pool reports the replica ready again (or now).
Then(
  'no task reached replica {replica} while its graceful restart kept it out of service',
  async function (this: ChaosWorld, replica: string) {
    const request = operationRequest(this.faults.records(), 'replica.restart', engineOf(replica));
    if (!request) throw new SuiteError(`No graceful restart of replica ${replica} was confirmed in this scenario: nothing to judge`);
    const span = { sinceMs: request.at, untilMs: Date.now(), outFrom: request.at + BOUNDS.poolViewLagMs };
    await noTaskReachedWhileOut(this, replica, span, { unjudgedIfNoneOffered: true });
  },
);

/**
 * The orchestrator sent `replica` no task while the pool's health showed it out of service within `span` (the
 * dispatches witnessed on its link). Tasks must have been offered meanwhile, or the check proves nothing: it then
 * fails, or, where the scenario cannot promise any (a drawn schedule's load), is not applicable (never passed).
 */
async function noTaskReachedWhileOut(
  world: ChaosWorld,
  replica: string,
  span: { sinceMs: number; untilMs: number; outFrom?: number },
  { unjudgedIfNoneOffered = false } = {},
): Promise<void> {
  const samples = world.liveness?.samples ?? [];
  const { window, seen } = await dispatchesWhileOut(world.requireStack(), samples, replica, span);
  expect(window, `pool health samples showing replica ${replica} out of service after it was taken out`).to.not.equal(undefined);
  const { from, to } = window as { from: number; to: number };
  world.timeline.record('note', 'dispatches while out of service', { replica, outForMs: to - from, reached: seen.length });
  expect(to - from, `how long replica ${replica} was seen out of service, ms`).to.be.greaterThan(0);
  // The precondition of "no task reached it": tasks were offered meanwhile, or the check proves nothing.
  const offered = world.history.all().filter((r) => r.submittedAt >= from && r.submittedAt <= to).length;
  if (offered === 0 && unjudgedIfNoneOffered)
    throw new FaultNotApplicable(`No task was offered while replica ${replica} was out of service (${to - from} ms): nothing to judge`);
  expect(offered, `tasks submitted while replica ${replica} was out of service (${to - from} ms)`).to.be.greaterThan(0);
  expect(
    seen.map((d) => `${d.at - from} ms into its time out of service`),
    `tasks that reached replica ${replica}`,
  ).to.be.empty;
}
