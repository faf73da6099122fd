import { Crash } from '../../history/crashes';
import { awaitRestart } from '../../observe/supervision';
import { PoolManagerClient } from '../../pool-manager/client';
import { FaultLedger } from '../ledger';
import { createFault } from '../registry';
import { ProcessTarget } from '../targets';

/**
 * Kills one replica's engine `times` times through the fault ledger, each time as soon as the pool manager has started
 * a new one; appends each crash to `crashes`.
 */
export async function crashRepeatedly(
  faults: FaultLedger,
  engine: ProcessTarget,
  pm: PoolManagerClient,
  poolId: string,
  replicaId: string,
  times: number,
  crashes: Crash[],
): Promise<void> {
  for (let k = 0; k < times; k++) {
    const previous = crashes.at(-1);
    if (previous) await awaitRestart(pm, poolId, previous, 15_000);
    const fault = createFault('process.kill', engine);
    const evidence = await faults.apply(fault);
    const goneAfterMs = Number(evidence.observed.gone_after_ms ?? 0);
    crashes.push({ replicaId, pid: evidence.observed.pid as number, killedAt: fault.killedAt, goneAt: fault.killedAt + goneAfterMs });
  }
}

/** A scenario's crash loop: every crash its steps caused, in order, for the restart delays to be judged against. */
export class CrashLoop {
  readonly crashes: Crash[] = [];
}
