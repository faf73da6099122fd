import { Given, Then } from '@cucumber/cucumber';
import { PATIENCE } from '../support/cucumber/patience';
import type { ChaosWorld } from '../support/cucumber/world';
import { EngineDeaths } from '../support/observe/engine-deaths';
import { measureDetection, measureRecovery } from '../support/observe/measures';
import { poolReaches, poolSays, replicaRestarted } from '../support/observe/waits';

Given('engines are restarted {duration} after a crash', function (this: ChaosWorld, delayMs: number) {
  this.settings.tunes['restart-initial-ms'] = String(delayMs);
});

Given('a healthy pool of {int} replica(s)', { timeout: PATIENCE.longStepMs }, async function (this: ChaosWorld, replicas: number) {
  await this.startHealthyPool({ replicas });
});

Given(
  'a healthy pool of {int} replica(s) with {int} slot(s) each',
  { timeout: PATIENCE.longStepMs },
  async function (this: ChaosWorld, replicas: number, slots: number) {
    await this.startHealthyPool({ replicas, slots });
  },
);

Then('the pool reports {pool state} within {duration}', async function (this: ChaosWorld, state: string, limitMs: number) {
  await poolReaches(this.client, this.poolId, state, limitMs);
  if (state !== 'ready') measureDetection(this.timeline, `pool ${state}`);
});

Then('the pool is {pool state}', async function (this: ChaosWorld, state: string) {
  await poolReaches(this.client, this.poolId, state, 0);
});

Then('the pool is ready again within {duration}', async function (this: ChaosWorld, limitMs: number) {
  await poolReaches(this.client, this.poolId, 'ready', limitMs, this.part(EngineDeaths).due());
  measureRecovery(this.timeline, 'pool ready');
});

Then(
  'replica {replica} is restarted and ready again within {duration}',
  async function (this: ChaosWorld, replica: string, limitMs: number) {
    // One restart more than before the last fault that ended its engine, where one did; else any restart.
    await replicaRestarted(this.client, this.poolId, replica, limitMs, this.part(EngineDeaths).due().get(replica) ?? 1);
    measureRecovery(this.timeline, `replica ${replica} ready`);
  },
);

Given('replicas leave service only after {int} failed dispatches in a row', function (this: ChaosWorld, n: number) {
  this.settings.tunes['dispatch-breaker-threshold'] = String(n);
});

Given('a replica leaves service after {int} failed dispatches in a row', function (this: ChaosWorld, n: number) {
  this.settings.tunes['dispatch-breaker-threshold'] = String(n);
});

Given(
  'a replica leaves service for {duration} after {int} failed dispatches in a row',
  function (this: ChaosWorld, cooldownMs: number, n: number) {
    Object.assign(this.settings.tunes, { 'dispatch-breaker-threshold': String(n), 'dispatch-breaker-cooldown-ms': String(cooldownMs) });
  },
);

Given('the dispatches reaching each replica are witnessed on their way', function (this: ChaosWorld) {
  this.settings.recordDispatches = true;
});

Given('stream failover is on', function (this: ChaosWorld) {
  this.settings.tunes['migration-limit'] = '1';
});

Then('the pool says its engines find no GPU when they start', async function (this: ChaosWorld) {
  // ORCH-1102, no CPU fallback: an engine started while the GPU is gone refuses to start, and the pool says why.
  await poolSays(this.client, this.poolId, /no_gpu|no CUDA-capable device/, PATIENCE.streamingMs);
});
