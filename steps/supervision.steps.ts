import { Given, Then, When } from '@cucumber/cucumber';
import { expect } from 'chai';
import { SuiteError } from '../support/core/errors';
import { PATIENCE } from '../support/cucumber/patience';
import type { ChaosWorld } from '../support/cucumber/world';
import { BOUNDS } from '../support/checks/bounds';
import { measureRecovery } from '../support/observe/measures';
import { awaitRestart, restartDelays } from '../support/observe/supervision';
import { metricSum } from '../support/orchestrator/metrics';
import { replicaSays } from '../support/observe/waits';
import { delaysOutside, type GpuErrorsCaused, gpuErrorCountMismatches } from '../support/checks/supervision';
import { engineOf } from '../support/faults/subjects';
import { CrashLoop, crashRepeatedly } from '../support/faults/sequences/crash-loop';

/** Restart delays are judged against the configured series with its ±10 % jitter (POOL_RESTART_JITTER_PCT) plus the
 * observation slack of bounds.ts; a breaker's cool-down has no jitter. */
const RESTART_JITTER = 0.1;

Given('engines are restarted {duration} after a first crash, doubling each time', function (this: ChaosWorld, ms: number) {
  this.settings.tunes['restart-initial-ms'] = String(ms);
});

Given(
  'engines are restarted {duration} after a first crash, doubling each time up to {duration}',
  function (this: ChaosWorld, ms: number, maxMs: number) {
    Object.assign(this.settings.tunes, { 'restart-initial-ms': String(ms), 'restart-max-ms': String(maxMs) });
  },
);

Given('the breaker opens after {int} consecutive crashes for {duration}', function (this: ChaosWorld, crashes: number, ms: number) {
  Object.assign(this.settings.tunes, { 'breaker-threshold': String(crashes), 'breaker-cooldown-ms': String(ms) });
});

Given('at most {int} restarts are allowed within {duration}', function (this: ChaosWorld, restarts: number, ms: number) {
  Object.assign(this.settings.tunes, { 'storm-max-restarts': String(restarts), 'storm-window-ms': String(ms) });
});

When(
  'the engine of replica {replica} crashes {int} times in a row',
  { timeout: PATIENCE.longStepMs },
  async function (this: ChaosWorld, replica: string, times: number) {
    const stack = this.requireStack();
    await crashRepeatedly(
      this.faults,
      stack.engineTarget(replica),
      stack.poolManager,
      this.poolId,
      replica,
      times,
      this.part(CrashLoop).crashes,
    );
  },
);

// The expected delays come from the tunes the scenario's Given set (no second number in the Gherkin): doubling from
// the first, never above the maximum.
Then('it was restarted after each crash as that backoff says', { timeout: PATIENCE.longStepMs }, async function (this: ChaosWorld) {
  const first = Number(this.settings.tunes['restart-initial-ms']);
  const max = Number(this.settings.tunes['restart-max-ms']);
  if (!(first > 0 && max > 0)) throw new SuiteError('No restart backoff was set: a Given must say how engines are restarted, up to what');
  const { crashes } = this.part(CrashLoop);
  const expected = crashes.map((_, k) => Math.min(max, first * 2 ** k));
  const delays = await restartDelays(this.requireStack().poolManager, this.poolId, crashes, PATIENCE.restartMs);
  const outside = delaysOutside(crashes, expected, RESTART_JITTER, BOUNDS.restartObservationSlackMs);
  expect(outside, `restart delays: ${delays.join(', ')} ms, against ${expected.join(', ')} ms`).to.be.empty;
});

Then(
  'replica {replica} is started again only after the cool-down of {duration}',
  { timeout: PATIENCE.longStepMs },
  async function (this: ChaosWorld, _replica: string, ms: number) {
    const last = await awaitRestart(
      this.requireStack().poolManager,
      this.poolId,
      this.part(CrashLoop).crashes.at(-1)!,
      ms + PATIENCE.restartMs,
    );
    measureRecovery(this.timeline, 'engine started after the cool-down');
    // Both ways: no trial start before the cool-down ends (from the kill), and the trial within it and the slack (from
    // the death): a cool-down twice as long fails.
    expect(last.restartedAt! - last.killedAt, 'ms from the last crash to the next start').to.be.at.least(ms);
    const fromDeath = (last.spawnedAt ?? last.restartedAt!) - last.goneAt;
    expect(fromDeath, `ms from the last engine's death to the trial engine's start, by the kernel (cool-down ${ms} ms)`).to.be.at.most(
      ms + BOUNDS.cooldownStartSlackMs,
    );
  },
);

Then('the breaker of replica {replica} is {word}', async function (this: ChaosWorld, replica: string, state: string) {
  expect((await this.requireStack().poolManager.replica(this.poolId, replica)).breaker, `breaker of ${replica}`).to.equal(state);
});

Then('the pool manager counts {int} restart storm(s)', async function (this: ChaosWorld, n: number) {
  expect(metricSum(await this.requireStack().poolManager.metrics(), 'restart_storm_total'), 'restart_storm_total').to.equal(n);
});

Then('the pool reports a driver reset on replica {replica}, distinct from a crash', async function (this: ChaosWorld, replica: string) {
  // The orchestrator learns it from its pool manager at its next poll: wait for the report, then judge it.
  await replicaSays(this.client, this.poolId, replica, /^driver_reset/, PATIENCE.streamingMs);
  const health = (await this.client.poolHealth(this.poolId)).body.replicas.find((r) => r.replica_id === replica);
  expect(health, `replica ${replica} in the pool's health`).to.deep.include({ driver_resets: 1 });
  const counted = metricSum(await this.requireStack().poolManager.metrics(), 'driver_resets_total', { replica_id: replica });
  expect(counted, 'driver_resets_total').to.equal(1);
});

Then('the pool manager counts every driver reset and ECC error the faults caused, and no other', async function (this: ChaosWorld) {
  const stack = this.requireStack();
  const confirmed = this.faults.records().filter((r) => r.evidence?.verdict === 'confirmed');
  const of = (kind: string, replica: string) => confirmed.filter((r) => r.kind === kind && r.subject === engineOf(replica)).length;
  const caused = new Map<string, GpuErrorsCaused>(
    stack.replicaIds.map((r) => [r, { driverResets: of('engine.driver-reset', r), eccErrors: of('engine.ecc-error', r) }]),
  );
  const metrics = await stack.poolManager.metrics();
  const problems = gpuErrorCountMismatches((name, replica) => metricSum(metrics, name, { replica_id: replica }), caused);
  expect(problems, `the pool manager's GPU error counters against the faults: ${problems.join('; ')}`).to.be.empty;
});

Then(
  'the pool reports an ECC error on replica {replica}, distinct from a crash and from a driver reset',
  async function (this: ChaosWorld, replica: string) {
    await replicaSays(this.client, this.poolId, replica, /^ecc_error/, PATIENCE.streamingMs);
    const health = (await this.client.poolHealth(this.poolId)).body.replicas.find((r) => r.replica_id === replica);
    expect(health, `replica ${replica} in the pool's health`).to.deep.include({ driver_resets: 0 });
    const metrics = await this.requireStack().poolManager.metrics();
    expect(metricSum(metrics, 'ecc_errors_total', { replica_id: replica }), 'ecc_errors_total').to.equal(1);
    expect(metricSum(metrics, 'driver_resets_total', { replica_id: replica }), 'driver_resets_total').to.equal(0);
  },
);

When(
  'the engine of replica {replica} crashes once more',
  { timeout: PATIENCE.longStepMs },
  async function (this: ChaosWorld, replica: string) {
    const stack = this.requireStack();
    await crashRepeatedly(
      this.faults,
      stack.engineTarget(replica),
      stack.poolManager,
      this.poolId,
      replica,
      1,
      this.part(CrashLoop).crashes,
    );
  },
);
