import { When } from '@cucumber/cucumber';
import type { ChaosWorld } from '../support/cucumber/world';
import { NetworkCutFault } from '../support/faults/network-cut';
import { NetworkDownFault } from '../support/faults/network-down';
import { NetworkLatencyFault } from '../support/faults/network-latency';
import { NetworkPartitionFault } from '../support/faults/network-partition';
import { NetworkResetFault } from '../support/faults/network-reset';
import { NetworkSlowFault } from '../support/faults/network-slow';
import { NetworkTimeoutFault } from '../support/faults/network-timeout';
import { EngineDriverResetFault } from '../support/faults/engine-driver-reset';
import { GpuUnavailableFault } from '../support/faults/gpu-unavailable';
import { ProcessKillFault } from '../support/faults/process-kill';
import { ProcessPauseFault } from '../support/faults/process-pause';
import { ProcessTermFault } from '../support/faults/process-term';

When('the engine of replica {replica} is killed', async function (this: ChaosWorld, replica: string) {
  await this.applyFault(new ProcessKillFault(this.requireStack().engineTarget(replica)));
});

When('replica {replica} refuses connections from the orchestrator', async function (this: ChaosWorld, replica: string) {
  await this.applyFault(new NetworkDownFault(this.requireStack().engineLink(replica)));
});

When('every replica refuses connections from the orchestrator', async function (this: ChaosWorld) {
  const stack = this.requireStack();
  for (const replica of stack.replicaIds) await this.applyFault(new NetworkDownFault(stack.engineLink(replica)));
});

When('the network heals', async function (this: ChaosWorld) {
  await this.faults.heal();
});

When('the orchestrator is asked to shut down', async function (this: ChaosWorld) {
  const stack = this.requireStack();
  this.liveness?.excuse();
  await this.applyFault(new ProcessTermFault(stack.processTarget('orchestrator'), stack.drainingUrl('orchestrator')));
});

When('the link to replica {replica} stalls', async function (this: ChaosWorld, replica: string) {
  await this.applyFault(new NetworkTimeoutFault(this.requireStack().engineLink(replica)));
});

When('the links to every replica have {duration} of latency', async function (this: ChaosWorld, latencyMs: number) {
  await this.applyFault(new NetworkLatencyFault(this.requireStack().engineLinks(), { latencyMs }));
});

When('1 in {int} connections from the orchestrator to the engines are reset', async function (this: ChaosWorld, n: number) {
  await this.applyFault(new NetworkResetFault(this.requireStack().engineLinks(), 1 / n));
});

When('every connection to replica {replica} is reset', async function (this: ChaosWorld, replica: string) {
  await this.applyFault(new NetworkResetFault(this.requireStack().engineLink(replica), 1));
});

When('replicas {replica} and {replica} are cut off from the orchestrator', async function (this: ChaosWorld, a: string, b: string) {
  const stack = this.requireStack();
  await this.applyFault(new NetworkPartitionFault(`replicas ${a} and ${b}`, [stack.engineLink(a), stack.engineLink(b)]));
});

When('the pool manager is cut off from the orchestrator', async function (this: ChaosWorld) {
  await this.applyFault(new NetworkPartitionFault('pool manager', [this.requireStack().poolManagerLink()]));
});

When('the stream from replica {replica} is cut after a few more tokens', async function (this: ChaosWorld, replica: string) {
  await this.applyFault(new NetworkCutFault(this.requireStack().engineLink(replica), 200));
});

When('the link from replica {replica} dribbles at {int} KB\\/s', async function (this: ChaosWorld, replica: string, rateKBps: number) {
  await this.applyFault(new NetworkSlowFault(this.requireStack().engineLink(replica), rateKBps));
});

When('the orchestrator is killed', async function (this: ChaosWorld) {
  this.liveness?.excuse();
  await this.applyFault(new ProcessKillFault(this.requireStack().processTarget('orchestrator')));
});

When('the pool manager is killed', async function (this: ChaosWorld) {
  this.enginePidsBefore = await this.enginePids();
  await this.applyFault(new ProcessKillFault(this.requireStack().processTarget('pool-manager')));
});

When('the pool manager is asked to shut down', async function (this: ChaosWorld) {
  this.enginePidsBefore = await this.enginePids();
  await this.applyFault(new ProcessTermFault(this.requireStack().processTarget('pool-manager')));
});

When('the engine of replica {replica} hangs', async function (this: ChaosWorld, replica: string) {
  await this.applyFault(new ProcessPauseFault(this.requireStack().engineTarget(replica)));
});

When('the engine of replica {replica} resumes', async function (this: ChaosWorld, _replica: string) {
  await this.faults.heal('process.pause');
});

When('the engine of replica {replica} is asked to shut down', async function (this: ChaosWorld, replica: string) {
  await this.applyFault(new ProcessTermFault(this.requireStack().engineTarget(replica)));
});

When('the engine of replica {replica} suffers a GPU driver reset', async function (this: ChaosWorld, replica: string) {
  const stack = this.requireStack();
  await this.applyFault(new EngineDriverResetFault(stack.engineTarget(replica), stack.driverResetMechanism(replica)));
});

When('the GPU vanishes', async function (this: ChaosWorld) {
  await this.applyFault(new GpuUnavailableFault(this.requireStack().gpuInventoryFile()));
});

When('the GPU comes back', async function (this: ChaosWorld) {
  await this.faults.heal('gpu.unavailable');
});
