import { TargetDisks } from '../support/faults/disk-full';
import { Given, Then, When } from '@cucumber/cucumber';
import { expect } from 'chai';
import type { ChaosWorld } from '../support/cucumber/world';
import { SuiteError } from '../support/core/errors';
import type { Evidence } from '../support/faults/fault';
import { engineGenerating } from '../support/faults/engine-slots';
import { createFault } from '../support/faults/registry';
import type { ProcessTarget } from '../support/faults/targets';
import { engineOf } from '../support/faults/subjects';
import { PATIENCE } from '../support/cucumber/patience';
import { engineLogsComplete } from '../support/cucumber/verdict';
import { poolSays, replicaSays } from '../support/observe/waits';
import { metricSum } from '../support/orchestrator/metrics';
import { engineUrl, type TargetDisk, targetDiskDir } from '../support/stack/mechanisms';

const MB = 1024 * 1024;

Given('engines hold {int} MB of memory per token they generate', function (this: ChaosWorld, mb: number) {
  this.settings.tunes['engine-bytes-per-token'] = String(mb * MB);
});

Given('a model of at least {int} MB', function (this: ChaosWorld, mb: number) {
  this.useModelOfAtLeast(mb * MB);
});

Given('the {target disk} is on its own disk of {int} MB', function (this: ChaosWorld, disk: TargetDisk, mb: number) {
  ownDisk(this, disk, mb * MB);
});

// The size follows the model the profile serves (a 4 MB fixture, a 98 MB real model): the disk holds the model, so
// that once the filler is gone the staging can complete on the same disk.
Given('the model cache is on its own disk with room for the model and {int} MB more', function (this: ChaosWorld, mb: number) {
  ownDisk(this, 'model cache', this.modelSizeBytes() + mb * MB);
});

/** Mounts a disk of its own, of `bytes`, under a directory of the target, before the target starts. */
function ownDisk(world: ChaosWorld, disk: TargetDisk, bytes: number): void {
  const name = `${world.resourcePrefix}${disk.replace(/\W+/g, '-')}`;
  const fault = createFault('disk.full', targetDiskDir(world.profile, world.scenarioDir, disk), name, bytes);
  world.faults.register(fault);
  fault.mount();
  world.part(TargetDisks).set(disk, fault);
}

When('the {target disk} disk fills up', async function (this: ChaosWorld, disk: TargetDisk) {
  const disks = this.part(TargetDisks);
  if (disk === "engines' log") disks.engineLogsCompleteAt = await engineLogsComplete(this);
  await this.faults.apply(disks.require(disk));
});

When('space returns on the {target disk} disk', async function (this: ChaosWorld, disk: TargetDisk) {
  await this.faults.healFault(this.part(TargetDisks).require(disk));
});

When(
  'the memory of the engine of replica {replica} is limited to {int} MB',
  async function (this: ChaosWorld, replica: string, mb: number) {
    await limitMemory(this, this.requireStack().engineTarget(replica), replica, mb);
  },
);

// The limit is set before the engine exists and the engine is moved in a few ms after its birth: everything it loads
// is charged to the group. Moved in while it loads, it was charged only what it read after, and an engine that had
// read 150 of its 216 MB stayed under 64 MB (CI at 480039e: 63.2 MB charged, no OOM kill).
When(
  'the engine of replica {replica} starts with its memory limited to {int} MB',
  async function (this: ChaosWorld, replica: string, mb: number) {
    await limitMemory(this, this.requireStack().engineAtStart(replica), replica, mb);
  },
);

When('the memory of the pool manager and its engines is limited to {int} MB', async function (this: ChaosWorld, mb: number) {
  await limitMemory(this, this.requireStack().processTarget('pool-manager'), 'pool-manager', mb);
});

/** A memory limit of `mb` around `target`, in a cgroup named for the scenario and `who`. */
function limitMemory(world: ChaosWorld, target: ProcessTarget, who: string, mb: number): Promise<Evidence> {
  return world.faults.apply(createFault('memory.limit', target, `${world.resourcePrefix}mem-${who}`, mb * MB));
}

When('the engine of replica {replica} is starved to {int} % of a core', async function (this: ChaosWorld, replica: string, pct: number) {
  const stack = this.requireStack();
  // The engine must be at work to be starved: a slot generating, waited for up to a second (its preflight).
  const atWork = () => engineGenerating(engineUrl(stack, replica), 1, 1_000);
  const fault = createFault('cpu.saturate', stack.engineTarget(replica), `${this.resourcePrefix}cpu-${replica}`, pct, atWork);
  await this.faults.apply(fault, engineOf(replica));
});

When('the engine of replica {replica} has its CPU back', async function (this: ChaosWorld, replica: string) {
  await this.faults.healSubject(engineOf(replica), 'cpu.saturate');
});

When('the orchestrator is starved to {int} % of a core', async function (this: ChaosWorld, pct: number) {
  const target = this.requireStack().processTarget('orchestrator');
  await this.faults.apply(createFault('cpu.saturate', target, `${this.resourcePrefix}cpu-orchestrator`, pct));
});

Then(
  'the pool reports an out-of-memory kill on replica {replica}, distinct from a crash',
  async function (this: ChaosWorld, replica: string) {
    await replicaSays(this.client, this.poolId, replica, /^oom_host/, PATIENCE.streamingMs);
    const counted = metricSum(await this.requireStack().poolManager.metrics(), 'engine_oom_total', { replica_id: replica });
    expect(counted, 'engine_oom_total').to.be.at.least(1);
  },
);

Then('the pool says its engine ran out of memory while loading the model', async function (this: ChaosWorld) {
  await poolSays(this.client, this.poolId, /^preload failed: oom_host/, PATIENCE.streamingMs);
});

// The reference engine spends on a token what it is told to; a real engine spends what its model costs, which is far
// more (llama-server, SmolLM2-135M on one thread: about 15 ms per token, 63–69 tokens/s, reference/llama-server.md):
// its profile says so with the capability engine-cpu-per-token. A profile with neither fails here, never silently.
// Either way the CPU fault confirms only once the kernel has throttled the engine while it worked (cpu.stat
// nr_throttled rises), which it cannot do if tokens cost no CPU.
Given('each token costs an engine {int} ms of CPU', function (this: ChaosWorld, ms: number) {
  const { capabilities, file } = this.profile;
  if (capabilities.includes('engine-knobs')) this.settings.tunes['engine-cpu-ms-per-token'] = String(ms);
  else if (!capabilities.includes('engine-cpu-per-token'))
    throw new SuiteError(
      `Target profile ${file}: its engines can neither be told to spend ${ms} ms of CPU per token (engine-knobs) nor are said to (engine-cpu-per-token)`,
    );
});
