import { Then } from '@cucumber/cucumber';
import { expect } from 'chai';
import { SuiteError } from '../support/core/errors';
import type { ChaosWorld } from '../support/cucumber/world';
import { BOUNDS } from '../support/checks/bounds';
import { StreamsNeverSilent } from '../support/checks/silence';
import { migrationWaitOf } from '../support/observe/retries';

// What the clients' streams show over time, judged on the history (support/observe/checks/silence.ts).

Then('no stream was left silent for longer than the idle timeout', function (this: ChaosWorld) {
  if (failoverOn(this))
    throw new SuiteError('Stream failover is on in this scenario: a stream may wait for a replica to take over, past the idle timeout');
  silentNoLongerThan(this, this.profile.timings.idleTimeoutMs + BOUNDS.idleObservationSlackMs);
});

// CHAOS-002: with stream failover on, a broken stream (its break seen at the latest by the idle timeout) waits up to
// the failover wait for a replica to take it over, silent meanwhile; past both it resumes or fails.
Then("no stream was left silent for longer than the idle timeout and a failover's wait", function (this: ChaosWorld) {
  if (!failoverOn(this)) throw new SuiteError('Stream failover is off in this scenario: no stream waits for a replica to take over');
  const waitMs = migrationWaitOf(this.profile, this.settings.tunes);
  silentNoLongerThan(this, this.profile.timings.idleTimeoutMs + waitMs + BOUNDS.idleObservationSlackMs);
});

const failoverOn = (world: ChaosWorld): boolean => Number(world.settings.tunes['migration-limit'] ?? 0) > 0;

function silentNoLongerThan(world: ChaosWorld, limitMs: number): void {
  const v = StreamsNeverSilent(world.history.all(), limitMs, world.excuses.silenceWindows(), Date.now());
  expect(v.valid, v.detail).to.equal(true);
}
