import { Given, Then, When } from '@cucumber/cucumber';
import { expect } from 'chai';
import { eventually } from '../support/core/eventually';
import { SuiteError } from '../support/core/errors';
import { PATIENCE } from '../support/cucumber/patience';
import type { ChaosWorld } from '../support/cucumber/world';
import { BOUNDS } from '../support/checks/bounds';
import { measureDetection } from '../support/observe/measures';
import {
  EngineWatch,
  enginePids,
  partialFiles,
  partialIdentities,
  partialsReplaced,
  stagedCopyMatches,
  survivors,
} from '../support/observe/supervision';
import { restartReplicaGracefully } from '../support/load/operations';
import { createFault } from '../support/faults/registry';
import { engineOf } from '../support/faults/subjects';
import { aTaskStreamingOn } from '../support/load/probes';
import { poolSays } from '../support/observe/waits';
import { gpuPoolOnHostInventory } from '../support/stack/fixtures';

Given('the model takes {duration} to stage', function (this: ChaosWorld, ms: number) {
  this.settings.tunes['stage-bytes-per-sec'] = String(Math.ceil((this.modelSizeBytes() * 1000) / ms));
});

// The reference engine is told how long it lingers. An engine without that knob cannot be made to outlive a grace
// period: llama-server, which does not drain, sometimes lives on 15 s after SIGTERM and sometimes exits at once, so
// the scenario needs @needs:engine-knobs (NOT APPLICABLE there, with the reason in its profile), and this fails loudly.
Given('engines take up to {duration} to finish in-flight work when asked to stop', function (this: ChaosWorld, ms: number) {
  const { capabilities, file } = this.profile;
  if (!capabilities.includes('engine-knobs'))
    throw new SuiteError(`Target profile ${file}: its engines have no knob (capability engine-knobs) to make them linger ${ms} ms`);
  this.settings.tunes['engine-shutdown-grace-ms'] = String(ms);
});

// The other way round: the reference engine is told to drop its work at SIGTERM; one that does not drain (llama-server)
// does so by itself; one that drains and offers no knob cannot show whether anyone else waited for its work.
Given('engines drop their in-flight work when asked to stop', function (this: ChaosWorld) {
  const { capabilities, file } = this.profile;
  if (capabilities.includes('engine-knobs')) this.settings.tunes['engine-shutdown-grace-ms'] = '0';
  else if (capabilities.includes('engine-drain-on-term'))
    throw new SuiteError(`Target profile ${file}: its engines drain on SIGTERM and have no knob to make them drop their work`);
});

When(
  'the pool manager restarts replica {replica} gracefully, with a deadline of {duration}',
  { timeout: PATIENCE.longStepMs },
  async function (this: ChaosWorld, replica: string, deadlineMs: number) {
    const pm = this.requireStack().poolManager;
    const answer = await restartReplicaGracefully(pm, this.timeline, this.poolId, replica, deadlineMs, PATIENCE.streamingMs);
    expect(answer.status, `the pool manager's answer: ${JSON.stringify(answer.body)}`).to.equal(202);
  },
);

// The graceful restart as the explorer draws it (support/faults/replica-restart.ts): a fault of the ledger, sent once
// a task of `tokens` streams on the replica (up to 4 sent within 2 s, each left to run), so that what it promises the
// work in flight is judged on one.
When(
  'the pool manager restarts replica {replica} gracefully once a task of {int} tokens streams on it, giving it {duration}',
  { timeout: PATIENCE.longStepMs },
  async function (this: ChaosWorld, replica: string, tokens: number, deadlineMs: number) {
    const stack = this.requireStack();
    const restart = createFault(
      'replica.restart',
      stack.engineTarget(replica),
      (ms) => stack.poolManager.restartReplica(this.poolId, replica, ms, ms + PATIENCE.streamingMs),
      deadlineMs,
    );
    const streams = () =>
      aTaskStreamingOn(this.workload, this.client, replica, () => this.newTask(tokens), { tries: 4, withinMs: PATIENCE.engineAtWorkMs });
    await this.faults.apply(restart, engineOf(replica), streams);
  },
);

Given(
  'a pool of {int} replica(s) whose engines are built without GPU support',
  { timeout: PATIENCE.longStepMs },
  async function (this: ChaosWorld, replicas: number) {
    this.settings.replicas = replicas;
    if (this.profile.capabilities.includes('engine-knobs')) this.settings.tunes['engine-cpu-build'] = '1';
    else Object.assign(this.settings.tunes, gpuPoolOnHostInventory(this.scenarioDir, 1));
    // Such a pool never becomes ready: refusing its tasks as unready is the point.
    this.expectedErrors.add('POOL_UNREADY');
    await this.startStack();
  },
);

Then('the pool says its engines cannot serve a GPU pool', async function (this: ChaosWorld) {
  await poolSays(this.client, this.poolId, /CPU build cannot serve a GPU pool/, PATIENCE.streamingMs);
});

Given(
  'a pool of {int} replica(s) that is still provisioning',
  { timeout: PATIENCE.longStepMs },
  async function (this: ChaosWorld, replicas: number) {
    this.settings.replicas = replicas;
    const cache = (await this.startStack()).modelCacheDir();
    const staging = async () => ({ ok: partialFiles(cache).length > 0, seen: 'no .partial file yet' });
    await eventually('a model being staged', staging, { withinMs: PATIENCE.stagingStartsMs, everyMs: 10 });
  },
);

When('the pool manager is started again', { timeout: PATIENCE.longStepMs }, async function (this: ChaosWorld) {
  await this.requireStack().startComponent('pool-manager');
});

Then('the pool manager exits cleanly within {duration}', async function (this: ChaosWorld, limitMs: number) {
  const exited = await this.requireStack().component('pool-manager').waitForExit(limitMs);
  expect(exited.exitCode, `pool manager exit: ${exited.describe()}; last lines:\n${exited.logTail.join('\n')}`).to.equal(0);
});

Then('no engine of the pool is left running', async function (this: ChaosWorld) {
  const { pidsBefore } = this.part(EngineWatch);
  expect(pidsBefore, 'engines noted before').to.not.be.empty;
  expect(await survivors(pidsBefore, PATIENCE.enginesGoneMs), 'engine pids still alive').to.be.empty;
});

// The Given made an engine with work outlive the grace period (the reference engine is told to linger; llama-server
// does not exit on SIGTERM at all), so its engine gone at the grace's end was killed by its pool manager, not before.
Then(
  'the engine of replica {replica} outlived the grace period and was killed at its end',
  async function (this: ChaosWorld, replica: string) {
    const { stop } = this.part(EngineWatch);
    const pid = stop?.pids[replica];
    expect(pid, `the engine of ${replica} when the pool manager was asked to stop`).to.be.a('number');
    const grace = this.profile.timings.engineStopGraceMs;
    const goneAt = (await stop!.exits).get(pid!);
    expect(goneAt, `when the engine of ${replica} was seen gone`).to.be.a('number');
    // Not before the grace, from the earliest the signal can have been sent; within the slack, from the latest.
    const [from, at] = stop!.sentBetween;
    this.timeline.measure('engine_gone_after_stop_ms', goneAt! - at, { grace_ms: grace, since_sending_ms: goneAt! - from });
    expect(goneAt! - from, `ms from the stop to the engine of ${replica} gone, at the earliest (grace ${grace} ms)`).to.be.at.least(grace);
    const bound = grace + BOUNDS.killObservationSlackMs;
    expect(goneAt! - at, `ms from the stop to the engine of ${replica} gone (grace ${grace} ms)`).to.be.at.most(bound);
  },
);

Then('the pool manager runs the same engine processes as before it was killed', async function (this: ChaosWorld) {
  const pm = this.requireStack().poolManager;
  const { pidsBefore } = this.part(EngineWatch);
  const { value: pids } = await eventually(
    'the pool manager reports an engine for every replica',
    async () => {
      const now = await enginePids(pm, this.poolId);
      return { ok: now.length === pidsBefore.length, seen: `pids ${now.join(', ') || 'none'}`, value: now };
    },
    { withinMs: PATIENCE.adoptionMs, everyMs: 10 },
  );
  expect(pids!.sort(), 'engine pids now, against before the kill').to.deep.equal([...pidsBefore].sort());
});

Then('a partial model file is left in the model cache', function (this: ChaosWorld) {
  const left = partialIdentities(this.requireStack().modelCacheDir());
  expect(left, 'partial files in the model cache').to.not.be.empty;
  this.part(EngineWatch).leftPartials = left;
});

Then('the partial file the crash left is discarded, not written on', { timeout: PATIENCE.longStepMs }, async function (this: ChaosWorld) {
  await partialsReplaced(
    this.requireStack().modelCacheDir(),
    this.part(EngineWatch).leftPartials,
    this.requireStack().modelFile,
    PATIENCE.stagingStartsMs,
  );
});

Then('the model cache holds the complete model and no partial file', function (this: ChaosWorld) {
  const stack = this.requireStack();
  expect(partialFiles(stack.modelCacheDir()), 'partial files in the model cache').to.be.empty;
  const copy = stagedCopyMatches(stack.modelCacheDir(), stack.modelFile);
  expect(copy.ok, copy.seen).to.equal(true);
});

Then('no partial model file is left in the model cache', function (this: ChaosWorld) {
  expect(partialFiles(this.requireStack().modelCacheDir()), 'partial files in the model cache').to.be.empty;
});

Then('within {duration} the pool says it has no space for the model', async function (this: ChaosWorld, limitMs: number) {
  await poolSays(this.client, this.poolId, /no space left|insufficient disk|ENOSPC/i, limitMs);
  measureDetection(this.timeline, 'pool says its disk is full');
});

Then('replica {replica} has been restarted at least {int} time(s)', async function (this: ChaosWorld, replica: string, n: number) {
  const r = await this.requireStack().poolManager.replica(this.poolId, replica);
  expect(r.restarts, `restarts of replica ${replica} (state ${r.state}, last error ${r.last_error})`).to.be.at.least(n);
});

Then('replica {replica} was never restarted', async function (this: ChaosWorld, replica: string) {
  const r = await this.requireStack().poolManager.replica(this.poolId, replica);
  expect(r.restarts, `restarts of replica ${replica} (state ${r.state}, last error ${r.last_error})`).to.equal(0);
});
