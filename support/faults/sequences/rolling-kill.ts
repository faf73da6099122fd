import type { FaultLedger } from '../ledger';
import { createFault } from '../registry';
import type { OrchestratorClient } from '../../orchestrator/client';
import type { StartedStack } from '../../stack/stack';
import type { TaskRecord } from '../../history/history';
import { engineUrl } from '../../stack/mechanisms';
import { engineStreaming } from '../../observe/cancel';
import { poolReaches, replicaRestarted, taskEnds } from '../../observe/waits';

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
