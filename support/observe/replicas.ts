import { readFileSync } from 'node:fs';
import type { FaultLedger } from '../faults/ledger';
import { createFault } from '../faults/registry';
import type { OrchestratorClient } from '../orchestrator/client';
import type { StartedStack } from '../stack/stack';
import type { LivenessSample } from './liveness';
import type { TaskRecord } from './history';
import { engineUrl } from '../stack/mechanisms';
import { engineStreaming } from './cancel';
import { poolReaches, replicaRestarted, taskEnds } from './waits';

/** One kill of a rolling failure: the replica, how many of its engine's slots were streaming, and its recovery. */
export interface RollingKill {
  replica: string;
  streaming: number;
  recoveryMs: number;
}

/**
 * Rolling failures: kills each replica's engine in turn (through the fault ledger), the next only once the pool
 * reports every replica ready again and every task admitted before the previous kill has ended (so no task meets two
 * kills: a failover survives one lost replica, and a task moved onto the next victim would meet a second). Each kill
 * waits until the victim's engine says (its `/slots`) that it is streaming a task, so that every kill tests a
 * failover; none within `withinMs` fails the step. Returns each kill with the streams it met and the ms to recover.
 */
export async function rollThroughReplicas(
  faults: FaultLedger,
  stack: StartedStack,
  client: OrchestratorClient,
  admitted: () => TaskRecord[],
  withinMs: number,
): Promise<RollingKill[]> {
  const kills: RollingKill[] = [];
  const poolId = stack.profile.pool.id;
  let beforeLastKill: TaskRecord[] = [];
  for (const replica of stack.replicaIds) {
    await Promise.all(beforeLastKill.map((r) => taskEnds(r, withinMs)));
    beforeLastKill = admitted();
    const before = (await client.poolHealth(poolId)).body.replicas?.find((r) => r.replica_id === replica)?.restarts ?? 0;
    let streaming = 0;
    const victimStreams = async (): Promise<void> => {
      streaming = await engineStreaming(engineUrl(stack, replica), `replica ${replica}`, withinMs);
    };
    await faults.apply(createFault('process.kill', stack.engineTarget(replica)), undefined, victimStreams);
    const killedAt = Date.now();
    // The kill counted (its restart seen, which a fast recovery cannot hide, unlike a degraded state), then all ready.
    await replicaRestarted(client, poolId, replica, withinMs, before + 1);
    await poolReaches(client, poolId, 'ready', withinMs);
    kills.push({ replica, streaming, recoveryMs: Date.now() - killedAt });
  }
  return kills;
}

/**
 * The liveness samples (after `sinceMs`, epoch) that do not show `replica` ready: reported in another state, or not
 * answered at all (a sample without an answer proves nothing ready), except while the scenario stopped the
 * orchestrator on purpose.
 */
export function samplesNotReady(samples: LivenessSample[], replica: string, sinceMs: number): LivenessSample[] {
  return samples.filter((s) => s.at >= sinceMs && !s.excused && s.replicas?.[replica] !== 'ready');
}

/**
 * Why `replica` was not ready throughout since `sinceMs` (epoch), one line per sample that does not show it ready;
 * a window without a single sample cannot show it ready either.
 */
export function notReadyThroughout(samples: LivenessSample[], replica: string, sinceMs: number): string[] {
  if (!samples.some((s) => s.at >= sinceMs)) return [`no pool health sample since ${new Date(sinceMs).toISOString()}`];
  return samplesNotReady(samples, replica, sinceMs).map(
    (s) => `${new Date(s.at).toISOString()}: ${s.replicas ? (s.replicas[replica] ?? 'absent') : `no answer (${s.seen})`}`,
  );
}

/** Whether any liveness sample after `sinceMs` (epoch) reported `replica` in one of `states`. */
export function everReported(samples: LivenessSample[], replica: string, states: string[], sinceMs: number): boolean {
  return samples.some((s) => s.at >= sinceMs && s.replicas && states.includes(s.replicas[replica]));
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
