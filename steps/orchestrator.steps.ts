import { Then, When } from '@cucumber/cucumber';
import { expect } from 'chai';
import type { ChaosWorld } from '../support/cucumber/world';

Then('the orchestrator stays live', function (this: ChaosWorld) {
  const failed = this.liveness?.samples.filter((s) => !s.ok && !s.excused) ?? [];
  expect(this.liveness?.samples.length ?? 0, 'liveness samples taken').to.be.greaterThan(0);
  expect(failed, `orchestrator liveness failures: ${JSON.stringify(failed.slice(0, 3))}`).to.be.empty;
});

Then('the orchestrator reports {health}', async function (this: ChaosWorld, status: string) {
  const health = await this.client.health();
  expect(health.body.status, `orchestrator health ${JSON.stringify(health.body)}`).to.equal(status);
});

Then('the orchestrator exits cleanly within {duration}', async function (this: ChaosWorld, limitMs: number) {
  const exited = await this.requireStack().component('orchestrator').waitForExit(limitMs);
  expect(exited.exitCode, `orchestrator exit: ${exited.describe()}; last lines:\n${exited.logTail.join('\n')}`).to.equal(0);
});

When('the orchestrator is started again', { timeout: 30_000 }, async function (this: ChaosWorld) {
  await this.requireStack().startComponent('orchestrator');
  this.liveness?.unexcuse();
});
