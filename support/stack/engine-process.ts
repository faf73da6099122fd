import { eventually } from '../core/eventually';
import { httpStatus } from '../core/http-status';
import type { ProcessTarget } from '../faults/targets';
import type { PoolManagerClient } from '../pool-manager/client';

/** How long a pool manager may take to report an engine for a replica once it runs (the schedules' recovery bound). */
const ENGINE_TAKEN_UP_MS = 5000;

/**
 * One replica's engine as the faults see it: the pid its pool manager reports, and, for a fault whose mechanism needs
 * an engine that serves, that pid once the engine's own health answers 200 (at `address`, host:port).
 */
export function engineProcess(
  poolManager: PoolManagerClient,
  poolId: string,
  replicaId: string,
  address: string,
  port: number | undefined,
): ProcessTarget {
  return {
    description: `the engine of replica ${replicaId}`,
    port,
    // A pool manager just started reports its replicas stopped until it has taken up their engines again: waited
    // for (found by the explorer, seed 1: an engine asked to stop 50 ms after its pool manager's restart).
    pid: async () => {
      const probe = async () => {
        const r = await poolManager.replica(poolId, replicaId);
        return { ok: r.pid !== undefined, seen: `state ${r.state}, pid ${r.pid}`, value: r.pid };
      };
      return (await eventually(`an engine for replica ${replicaId}`, probe, { withinMs: ENGINE_TAKEN_UP_MS })).value as number;
    },
    // Not serving within the bound is a failure of the stack to bring its engine back, never a fault not applicable.
    servingPid: async () => {
      const probe = async () => {
        const r = await poolManager.replica(poolId, replicaId);
        const health = r.pid === undefined ? 'not asked' : await httpStatus(`http://${address}/health`, 1000);
        return { ok: r.pid !== undefined && health === 200, seen: `state ${r.state}, pid ${r.pid}, its health ${health}`, value: r.pid };
      };
      return (await eventually(`the engine of replica ${replicaId} serving`, probe, { withinMs: ENGINE_TAKEN_UP_MS })).value as number;
    },
  };
}
