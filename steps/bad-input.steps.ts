import { Then, When } from '@cucumber/cucumber';
import { expect } from 'chai';
import { BOUNDS } from '../support/checks/bounds';
import { malformedRefusalProblems } from '../support/checks/refusals';
import type { ChaosWorld } from '../support/cucumber/world';
import { malformedField, malformedTask } from '../support/load/tasks';

// Requests the contract does not allow (OC-CTRL-2034): refused before any stream, with a status and the envelope.

When('a client submits {int} requests, each with one field the contract does not allow', async function (this: ChaosWorld, n: number) {
  this.expectedErrors.add('INVALID_PARAMS');
  this.batch = await this.workload.submitMany(n, (k) => malformedTask(this.newTask(20), k));
});

Then(
  'each of those requests is refused at once as {error code}, naming its field, not retriable',
  function (this: ChaosWorld, code: string) {
    const problems = this.batch.flatMap((r) =>
      malformedRefusalProblems(r, code, malformedField(r.request) ?? '(none)', BOUNDS.fastRefusalMs),
    );
    expect(problems, `malformed requests not refused as the contract says: ${problems.join('; ')}`).to.be.empty;
  },
);
