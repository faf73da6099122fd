import { readFileSync } from 'node:fs';
import type { FaultLedger } from '../faults/ledger';
import { ProcessKillFault } from '../faults/process-kill';
import type { OrchestratorClient } from '../orchestrator/client';
import type { StartedStack } from '../stack/stack';
import type { LivenessSample } from './liveness';
import { poolReaches } from './waits';

/**
 * Rolling failures: kills each replica's engine in turn (through the fault ledger), the next only once the pool
 * reports every replica ready again. Returns, per replica, the ms from its kill to the pool being ready.
 */
export async function rollThroughReplicas(
  faults: FaultLedger,
  stack: StartedStack,
  client: OrchestratorClient,
  withinMs: number,
): Promise<number[]> {
  const recoveries: number[] = [];
  for (const replica of stack.replicaIds) {
    await faults.apply(new ProcessKillFault(stack.engineTarget(replica)));
    const killedAt = Date.now();
    await poolReaches(client, stack.profile.pool.id, 'degraded', withinMs).catch(() => undefined);
    await poolReaches(client, stack.profile.pool.id, 'ready', withinMs);
    recoveries.push(Date.now() - killedAt);
  }
  return recoveries;
}

/** The liveness samples (after `sinceMs`, epoch) in which the orchestrator reported `replica` other than ready. */
export function samplesNotReady(samples: LivenessSample[], replica: string, sinceMs: number): LivenessSample[] {
  return samples.filter((s) => s.at >= sinceMs && s.replicas && s.replicas[replica] !== 'ready');
}

/** Whether any liveness sample reported `replica` in `state`. */
export function everReported(samples: LivenessSample[], replica: string, states: string[]): boolean {
  return samples.some((s) => s.replicas && states.includes(s.replicas[replica]));
}

/** How many dispatches the orchestrator's log shows for a task (lines of `pattern` that name the task). */
export function dispatchesOf(orchestratorLog: string, pattern: RegExp, taskId: string): number {
  let text = '';
  try {
    text = readFileSync(orchestratorLog, 'utf8');
  } catch {
    return 0;
  }
  return text.split('\n').filter((l) => l.includes(taskId) && pattern.test(l)).length;
}

/** How many dispatches the orchestrator's log shows in all. */
export function dispatchCount(orchestratorLog: string, pattern: RegExp): number {
  try {
    return readFileSync(orchestratorLog, 'utf8')
      .split('\n')
      .filter((l) => pattern.test(l)).length;
  } catch {
    return 0;
  }
}
