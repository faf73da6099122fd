import { setTimeout as delay } from 'node:timers/promises';
import { InvalidFaultSpec } from '../errors';
import { isAlive } from '../processes/reaper';
import type { ProcessTarget } from '../stack/stack';
import type { Evidence, Fault, FaultContext } from './fault';
import { signalTarget } from './process-signal';

/**
 * SIGTERM to a process: a request to shut down gracefully. Proven when the process is gone or, if it drains first,
 * when its draining probe stops answering 200.
 */
export class ProcessTermFault implements Fault {
  readonly kind = 'process.term' as const;
  private pid?: number;

  constructor(
    private readonly target: ProcessTarget,
    private readonly drainingUrl?: string,
    private readonly verifyWithinMs = 2000,
  ) {
    if (!target) throw new InvalidFaultSpec('a process.term fault must have a target');
  }

  describe(): string {
    return `SIGTERM ${this.target.description}`;
  }

  async inject(ctx: FaultContext): Promise<void> {
    this.pid = await signalTarget(this.target, 'SIGTERM');
    ctx.log(`${this.describe()}: pid ${this.pid}`);
  }

  async verify(ctx: FaultContext): Promise<Evidence> {
    const pid = this.pid;
    if (pid === undefined) return { verdict: 'inconclusive', observed: { reason: 'never injected' } };
    const started = Date.now();
    let lastStatus: number | string = 'not probed';
    while (Date.now() - started < this.verifyWithinMs) {
      if (!isAlive(pid)) return { verdict: 'confirmed', observed: { pid, signal: 'SIGTERM', exited_after_ms: Date.now() - started } };
      if (this.drainingUrl) {
        lastStatus = await status(this.drainingUrl);
        if (lastStatus !== 200)
          return {
            verdict: 'confirmed',
            observed: { pid, signal: 'SIGTERM', draining_after_ms: Date.now() - started, draining_probe: lastStatus },
          };
      }
      await delay(5, undefined, { signal: ctx.signal });
    }
    return {
      verdict: 'mismatch',
      observed: { pid, signal: 'SIGTERM', still_serving_after_ms: this.verifyWithinMs, draining_probe: lastStatus },
    };
  }

  /** Nothing to undo: a stopped process is started again by the scenario, not by healing. */
  async heal(): Promise<void> {}
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
