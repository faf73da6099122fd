import { eventually } from '../core/eventually';
import { httpStatus } from '../core/http-status';
import { SuiteError } from '../core/errors';
import { ageMs, argvOf, BirthWatch, childrenOf } from '../core/pids';
import type { ProcessTarget } from '../faults/targets';
import type { PoolManagerClient } from '../pool-manager/client';

/** How long a pool manager may take to report an engine for a replica once it runs (the schedules' recovery bound). */
const ENGINE_TAKEN_UP_MS = 5000;

/**
 * One replica's engine as the faults see it: the pid its pool manager reports, and, for a fault whose mechanism needs
 * an engine that serves, that pid once the engine's own health answers 200 (at `address`, host:port), each within
 * `withinMs` (the schedules' recovery bound unless a test states another).
 */
export function engineProcess(
  poolManager: PoolManagerClient,
  poolId: string,
  replicaId: string,
  address: string,
  port: number | undefined,
  withinMs = ENGINE_TAKEN_UP_MS,
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
      return (await eventually(`an engine for replica ${replicaId}`, probe, { withinMs })).value as number;
    },
    // Not serving within the bound is a failure of the stack to bring its engine back, never a fault not applicable.
    servingPid: async () => {
      const probe = async () => {
        const r = await poolManager.replica(poolId, replicaId);
        const health = r.pid === undefined ? 'not asked' : await httpStatus(`http://${address}/health`, 1000);
        return { ok: r.pid !== undefined && health === 200, seen: `state ${r.state}, pid ${r.pid}, its health ${health}`, value: r.pid };
      };
      return (await eventually(`the engine of replica ${replicaId} serving`, probe, { withinMs })).value as number;
    },
  };
}

/** How long the engine of a pool still staging its model may take to be born: patience, past any staging a scenario states. */
const ENGINE_BORN_MS = 10_000;

/**
 * One replica's engine caught at its birth: the next process its pool manager starts with the replica's port in its
 * command line, looked for every 2 ms from the moment `pid()` is asked. A fault that must reach everything the engine
 * does from its start (a memory limit on its whole load: this kernel's cgroup v1 cannot move the memory a process
 * already holds into a group) is set first and then handed the pid, a few ms into the engine's life. An engine of that
 * replica already running is refused: its start has passed, and the scenario must ask while the pool still stages.
 */
export function engineAtStart(poolManagerPid: number, replicaId: string, port: number | undefined): ProcessTarget {
  if (port === undefined) throw new SuiteError(`Replica ${replicaId} has no engine port: its engine cannot be told apart at its start`);
  const isEngine = (argv: string[]) => argv.some((a, i) => a === '--port' && argv[i + 1] === String(port));
  return {
    description: `the engine of replica ${replicaId} from its start`,
    pid: async () => {
      const running = childrenOf(poolManagerPid).find((pid) => isEngine(argvOf(pid)));
      if (running !== undefined)
        throw new SuiteError(
          `The engine of replica ${replicaId} had already started (pid ${running}, ${ageMs(running)} ms ago): its start can only be caught while its pool still stages the model`,
        );
      const watch = new BirthWatch(poolManagerPid); // after the look above: an engine born in between is caught
      const probe = async () => {
        const pid = watch.born(isEngine);
        return { ok: pid !== undefined, seen: `no new process of pool manager ${poolManagerPid} with --port ${port}`, value: pid };
      };
      const born = `the engine of replica ${replicaId} started by pool manager ${poolManagerPid}`;
      return (await eventually(born, probe, { withinMs: ENGINE_BORN_MS, everyMs: 2 })).value as number;
    },
  };
}
