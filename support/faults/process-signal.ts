import { setTimeout as delay } from 'node:timers/promises';
import { isAlive } from '../processes/reaper';
import type { ProcessTarget } from '../stack/stack';
import type { Evidence, FaultContext } from './fault';

/** Sends `signal` to the target's current pid; returns that pid. Shared by the signal-based faults. */
export async function signalTarget(target: ProcessTarget, signal: NodeJS.Signals): Promise<number> {
  const pid = await target.pid();
  process.kill(pid, signal);
  return pid;
}

/** Waits up to `withinMs` for `pid` to be gone; the evidence says how long it took. */
export async function waitGone(pid: number, withinMs: number, ctx: FaultContext): Promise<Evidence> {
  const started = Date.now();
  while (Date.now() - started < withinMs) {
    if (!isAlive(pid)) return { verdict: 'confirmed', observed: { pid, gone_after_ms: Date.now() - started } };
    await delay(5, undefined, { signal: ctx.signal });
  }
  return { verdict: 'mismatch', observed: { pid, still_alive_after_ms: withinMs } };
}
