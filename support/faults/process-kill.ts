import type { Evidence, FaultContext } from './fault';
import { SignalFault, waitGone } from './signal-fault';
import type { ProcessTarget } from './targets';

/** SIGKILL to a process: it dies at once, with no chance to clean up. Proven by the pid being gone. */
export class ProcessKillFault extends SignalFault {
  readonly kind = 'process.kill' as const;

  constructor(
    target: ProcessTarget,
    private readonly verifyWithinMs = 2000,
  ) {
    super(target, 'SIGKILL');
  }

  /** When the signal was sent (epoch ms), for crash-to-restart measures. */
  get killedAt(): number {
    return this.signalledAt;
  }

  protected async observe(pid: number, ctx: FaultContext): Promise<Evidence> {
    const gone = await waitGone(pid, this.verifyWithinMs, ctx);
    return { ...gone, observed: { ...gone.observed, killed_at: this.signalledAt } };
  }
}
