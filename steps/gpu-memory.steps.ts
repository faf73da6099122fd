import { Given, Then } from '@cucumber/cucumber';
import { expect } from 'chai';
import type { ChaosWorld } from '../support/cucumber/world';
import { PATIENCE } from '../support/cucumber/patience';
import { eventually } from '../support/core/eventually';
import { replicaSays } from '../support/observe/waits';
import { metricSum } from '../support/orchestrator/metrics';

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
  await eventually(
    `pool ${this.poolId} reports ${slots} slots in all`,
    async () => {
      const { metrics } = (await this.client.poolHealth(this.poolId)).body;
      return { ok: metrics?.slots_total === slots, seen: `metrics ${JSON.stringify(metrics)}` };
    },
    { withinMs: PATIENCE.streamingMs },
  );
});
