import { InvalidFaultSpec } from '../errors';
import type { ProcessTarget } from '../stack/stack';
import type { Evidence, Fault, FaultContext } from './fault';
import { signalTarget, waitGone } from './process-signal';

/** SIGKILL to a process: it dies at once, with no chance to clean up. Proven by the pid being gone. */
export class ProcessKillFault implements Fault {
  readonly kind = 'process.kill' as const;
  private pid?: number;
  private killedAt = 0;

  constructor(
    private readonly target: ProcessTarget,
    private readonly verifyWithinMs = 2000,
  ) {
    if (!target) throw new InvalidFaultSpec('a process.kill fault must have a target');
  }

  describe(): string {
    return `SIGKILL ${this.target.description}`;
  }

  async inject(ctx: FaultContext): Promise<void> {
    this.pid = await signalTarget(this.target, 'SIGKILL');
    this.killedAt = Date.now();
    ctx.log(`${this.describe()}: pid ${this.pid}`);
  }

  async verify(ctx: FaultContext): Promise<Evidence> {
    if (this.pid === undefined) return { verdict: 'inconclusive', observed: { reason: 'never injected' } };
    const evidence = await waitGone(this.pid, this.verifyWithinMs, ctx);
    return {
      ...evidence,
      observed: { ...evidence.observed, signal: 'SIGKILL', target: this.target.description, killed_at: this.killedAt },
    };
  }

  /** Nothing to undo: bringing the process back is the system's job, and what the scenario checks. */
  async heal(): Promise<void> {}
}
