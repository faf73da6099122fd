import { setTimeout as delay } from 'node:timers/promises';
import { isAlive } from '../core/pids';
import type { Evidence, FaultContext } from './fault';
import { SignalFault } from './signal-fault';
import type { ProcessTarget } from './targets';

/**
 * SIGTERM to a process: a request to shut down gracefully. Proven when the process is gone or, if it drains first,
 * when its draining probe stops answering 200.
 */
export class ProcessTermFault extends SignalFault {
  readonly kind = 'process.term' as const;

  constructor(
    target: ProcessTarget,
    private readonly drainingUrl?: string,
    private readonly verifyWithinMs = 2000,
  ) {
    super(target, 'SIGTERM');
  }

  protected async observe(pid: number, ctx: FaultContext): Promise<Evidence> {
    const started = Date.now();
    let lastStatus: number | string = 'not probed';
    while (Date.now() - started < this.verifyWithinMs) {
      if (!isAlive(pid)) return { verdict: 'confirmed', observed: { exited_after_ms: Date.now() - started } };
      if (this.drainingUrl) {
        lastStatus = await status(this.drainingUrl);
        if (lastStatus !== 200)
          return { verdict: 'confirmed', observed: { draining_after_ms: Date.now() - started, draining_probe: lastStatus } };
      }
      await delay(5, undefined, { signal: ctx.signal });
    }
    return { verdict: 'mismatch', observed: { still_serving_after_ms: this.verifyWithinMs, draining_probe: lastStatus } };
  }
}

async function status(url: string): Promise<number | string> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(500) });
    await res.arrayBuffer();
    return res.status;
  } catch (err) {
    return (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
  }
}
