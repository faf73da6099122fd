import { Then, When } from '@cucumber/cucumber';
import { expect } from 'chai';
import { PATIENCE } from '../support/cucumber/patience';
import type { ChaosWorld } from '../support/cucumber/world';
import { terminalOf } from '../support/history/history';
import { queueTimeoutOf, retryPolicyOf, timesToGiveUp } from '../support/observe/retries';
import { backoffSpreadProblems, givenUpBeforeBudget, givenUpEarly } from '../support/checks/retries';
import { submitInWavesCarefully } from '../support/load/tasks';

// Dispatch retries (HTU-1002) as the client sees them: how every task of a batch failed, and how long it took; and
// the client's own retries of refusals, after the hint each one carries.

When(
  'a careful client submits {int} tasks of {int} tokens each, {int} at a time, again after the retry hint of a refusal',
  { timeout: PATIENCE.longStepMs },
  async function (this: ChaosWorld, count: number, tokens: number, wave: number) {
    const make = () => this.newTask(tokens);
    this.batch = await submitInWavesCarefully(this.workload, count, wave, make, PATIENCE.taskEndMs, Date.now() + PATIENCE.batchMs);
  },
);

Then(
  'every task fails with a retriable {error code} error',
  { timeout: PATIENCE.longStepMs },
  async function (this: ChaosWorld, code: string) {
    await this.workload.settle(PATIENCE.batchMs);
    const others = this.batch.filter(
      (r) => terminalOf(r)?.event !== 'error' || terminalOf(r)?.data.code !== code || !terminalOf(r)?.data.retriable,
    );
    expect(
      others.map((r) => `${r.taskId}: ${JSON.stringify(terminalOf(r)?.data ?? r.admission?.body)}`),
      `tasks that did not fail retriably with ${code}`,
    ).to.be.empty;
  },
);

Then(
  "the times the tasks took to fail spread as fully jittered backoffs do, within the retry policy's ceilings",
  function (this: ChaosWorld) {
    const verdict = backoffSpreadProblems(timesToGiveUp(this.batch), retryPolicyOf(this.profile));
    this.timeline.measure('give_up_sd_ms', Math.round(verdict.seen.sd));
    this.timeline.measure('give_up_span_ms', Math.round(verdict.seen.max - verdict.seen.min));
    expect(verdict.problems, `${verdict.problems.join('; ')}; times to fail: ${JSON.stringify(verdict.seen)}`).to.be.empty;
  },
);

Then('every task given up before its first token was tried as often as the retry budget allows', async function (this: ChaosWorld) {
  const early = givenUpEarly(this.history.admitted(), queueTimeoutOf(this.profile, this.settings.tunes));
  const attempts = new Map<string, number>();
  for (const r of early) attempts.set(r.taskId, (await this.client.status(r.taskId)).body.attempts);
  const problems = givenUpBeforeBudget(early, attempts, retryPolicyOf(this.profile).budget);
  expect(problems, `tasks given up before their retry budget: ${problems.join('; ')}`).to.be.empty;
});
