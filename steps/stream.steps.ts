import { Then } from '@cucumber/cucumber';
import { expect } from 'chai';
import type { ChaosWorld } from '../support/cucumber/world';
import { BOUNDS } from '../support/checks/bounds';
import { StreamsNeverSilent } from '../support/checks/silence';

// What the clients' streams show over time, judged on the history (support/observe/checks/silence.ts).

Then('no stream was left silent for longer than the idle timeout', function (this: ChaosWorld) {
  const limitMs = this.profile.timings.idleTimeoutMs + BOUNDS.idleObservationSlackMs;
  const v = StreamsNeverSilent(this.history.all(), limitMs, this.excuses.windows(), Date.now());
  expect(v.valid, v.detail).to.equal(true);
});
