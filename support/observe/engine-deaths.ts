import type { FaultRecord } from '../faults/ledger';
import { PROCESS_ENDING_KINDS } from '../faults/registry';
import { replicaOfEngine } from '../faults/subjects';
import type { OrchestratorClient } from '../orchestrator/client';

/**
 * The engines the scenario's faults ended, each with the restarts its replica had in the orchestrator's view just
 * before the fault. The pool is whole again only once each of them shows one restart more: a view from before a death
 * (the pool manager has not seen it yet, or the orchestrator has not polled it yet) still says "ready", and a task sent
 * on that word meets a dead engine (found by `npm run stress`: "ready again" passed 2 ms after a driver reset, and the
 * next task failed with POOL_UNAVAILABLE).
 */
export class EngineDeaths {
  private readonly before = new Map<FaultRecord, { replica: string; restarts: number }>();

  /** Notes the restarts of the replica whose engine `record`'s fault is about to end (a fault that ends no engine: none). */
  async note(record: FaultRecord, client: OrchestratorClient, poolId: string): Promise<void> {
    const replica = replicaOfEngine(record.subject);
    if (!replica || !PROCESS_ENDING_KINDS.has(record.kind)) return;
    // An orchestrator the scenario stopped has no view to compare against: that death is not awaited.
    const view = await client.poolHealth(poolId).catch(() => undefined);
    const restarts = view?.body.replicas?.find((r) => r.replica_id === replica)?.restarts;
    if (restarts !== undefined) this.before.set(record, { replica, restarts });
  }

  /** Per replica, the restarts its view must show: one more than before the last fault that ended its engine. */
  due(): Map<string, number> {
    const due = new Map<string, number>();
    for (const [record, { replica, restarts }] of this.before)
      if (record.evidence?.verdict === 'confirmed') due.set(replica, Math.max(due.get(replica) ?? 0, restarts + 1));
    return due;
  }
}
