import { Given, Then } from '@cucumber/cucumber';
import { expect } from 'chai';
import type { ChaosWorld } from '../support/cucumber/world';
import { PATIENCE } from '../support/cucumber/patience';
import { engineProps } from '../support/observe/observability';
import { poolCapacity, replicaSays } from '../support/observe/waits';
import { metricSum } from '../support/orchestrator/metrics';
import { engineUrl } from '../support/stack/mechanisms';

// ORCH-3039: an engine out of GPU memory, told apart from a host OOM kill, and the capacity the pool re-estimates.

Given('each slot of an engine takes {int} GiB of GPU memory once it serves a task', function (this: ChaosWorld, gib: number) {
  this.settings.tunes['engine-vram-per-slot-bytes'] = String(gib * 2 ** 30);
});

Then(
  'the pool reports a GPU out-of-memory on replica {replica}, distinct from a host out-of-memory',
  async function (this: ChaosWorld, replica: string) {
    await replicaSays(this.client, this.poolId, replica, /^oom_vram/, PATIENCE.streamingMs);
    const metrics = await this.requireStack().poolManager.metrics();
    const of = (kind: string): number => metricSum(metrics, 'engine_oom_total', { replica_id: replica, kind });
    expect(of('oom_vram'), 'engine_oom_total{kind="oom_vram"}').to.be.at.least(1);
    expect(of('oom_host'), 'engine_oom_total{kind="oom_host"}').to.equal(0);
  },
);

// What the client sees of the pool's capacity: the slots its health reports.
Then("the pool's capacity falls to {int} slot(s)", async function (this: ChaosWorld, slots: number) {
  await poolCapacity(this.client, this.poolId, slots, PATIENCE.streamingMs);
});

// Read at once, not waited for: said right after the orchestrator reached a restarted pool manager, whose first report
// must already carry the count (a report of the pool's own slots, however brief, is what this catches).
Then("the pool's capacity is still {int} slot(s)", async function (this: ChaosWorld, slots: number) {
  await poolCapacity(this.client, this.poolId, slots, 0);
});

// The engine's own word (its /props, as llama-server's): the slots it was started with, not only those reported.
Then('the engine of replica {replica} runs with {int} slot(s)', async function (this: ChaosWorld, replica: string, slots: number) {
  const props = await engineProps(replica, engineUrl(this.requireStack(), replica), PATIENCE.restartMs);
  expect(props.total_slots, `total_slots of the engine of replica ${replica}`).to.equal(slots);
});
