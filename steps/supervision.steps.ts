import { Given, Then, When } from '@cucumber/cucumber';
import { expect } from 'chai';
import type { ChaosWorld } from '../support/cucumber/world';
import { awaitRestart, delaysOutside } from '../support/observe/supervision';
import { metricSum } from '../support/orchestrator/metrics';

Given('engines are restarted {duration} after a first crash, doubling each time', function (this: ChaosWorld, ms: number) {
  this.settings.tunes['restart-initial-ms'] = String(ms);
});

Given('the breaker opens after {int} consecutive crashes for {duration}', function (this: ChaosWorld, crashes: number, ms: number) {
  Object.assign(this.settings.tunes, { 'breaker-threshold': String(crashes), 'breaker-cooldown-ms': String(ms) });
});

Given('at most {int} restarts are allowed within {duration}', function (this: ChaosWorld, restarts: number, ms: number) {
  Object.assign(this.settings.tunes, { 'storm-max-restarts': String(restarts), 'storm-window-ms': String(ms) });
});

When(
  'the engine of replica {replica} crashes {int} times in a row',
  { timeout: 30_000 },
  async function (this: ChaosWorld, replica: string, times: number) {
    await this.crashEngineRepeatedly(replica, times);
  },
);

Then(
  'it was restarted after roughly {duration}, {duration} and {duration}',
  { timeout: 30_000 },
  async function (this: ChaosWorld, a: number, b: number, c: number) {
    const delays = await this.restartDelays(10_000);
    expect(delaysOutside(this.crashes, [a, b, c], 0.1, 60), `restart delays: ${delays.join(', ')} ms`).to.be.empty;
  },
);

Then(
  'replica {replica} is started again only after the cool-down of {duration}',
  { timeout: 30_000 },
  async function (this: ChaosWorld, _replica: string, ms: number) {
    const last = await awaitRestart(
      this.requireStack().poolManager,
      this.requireStack().profile.pool.id,
      this.crashes.at(-1)!,
      ms + 10_000,
    );
    this.measureRecovery('engine started after the cool-down');
    expect(last.restartedAt! - last.killedAt, 'ms from the last crash to the next start').to.be.at.least(ms * 0.9);
  },
);

Then('the breaker of replica {replica} is {word}', async function (this: ChaosWorld, replica: string, state: string) {
  const stack = this.requireStack();
  expect((await stack.poolManager.replica(stack.profile.pool.id, replica)).breaker, `breaker of ${replica}`).to.equal(state);
});

Then('the pool manager counts {int} restart storm(s)', async function (this: ChaosWorld, n: number) {
  expect(metricSum(await this.requireStack().poolManager.metrics(), 'restart_storm_total'), 'restart_storm_total').to.equal(n);
});

Then('the pool reports a driver reset on replica {replica}, distinct from a crash', async function (this: ChaosWorld, replica: string) {
  const stack = this.requireStack();
  const health = (await this.client.poolHealth(stack.profile.pool.id)).body.replicas.find((r) => r.replica_id === replica);
  expect(health, `replica ${replica} in the pool's health`).to.deep.include({ driver_resets: 1 });
  expect(health?.last_error, 'last error of the replica').to.match(/^driver_reset/);
  expect(metricSum(await stack.poolManager.metrics(), 'driver_resets_total', { replica_id: replica }), 'driver_resets_total').to.equal(1);
});
