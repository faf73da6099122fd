import { When } from '@cucumber/cucumber';
import type { ChaosWorld } from '../support/cucumber/world';
import { NetworkDownFault } from '../support/faults/network-down';
import { ProcessKillFault } from '../support/faults/process-kill';
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
