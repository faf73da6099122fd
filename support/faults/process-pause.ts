import { readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { InvalidFaultSpec } from '../errors';
import type { ProcessTarget } from '../stack/stack';
import type { Evidence, Fault, FaultContext } from './fault';
import { signalTarget } from './process-signal';

/**
 * A hung process: SIGSTOP freezes it (its sockets stay open, nothing answers); heal sends SIGCONT. Jepsen's
 * hammer-time. Proven by the kernel reporting the process stopped (state `T` in /proc/<pid>/stat).
 */
export class ProcessPauseFault implements Fault {
  readonly kind = 'process.pause' as const;
  private pid?: number;

  constructor(private readonly target: ProcessTarget) {
    if (!target) throw new InvalidFaultSpec('a process.pause fault must have a target');
  }

  describe(): string {
    return `SIGSTOP ${this.target.description} (hung until SIGCONT)`;
  }

  async inject(ctx: FaultContext): Promise<void> {
    this.pid = await signalTarget(this.target, 'SIGSTOP');
    ctx.log(`${this.describe()}: pid ${this.pid}`);
  }

  async verify(ctx: FaultContext): Promise<Evidence> {
    if (this.pid === undefined) return { verdict: 'inconclusive', observed: { reason: 'never injected' } };
    let state = processState(this.pid);
    for (let i = 0; i < 100 && state !== 'T' && state !== 't'; i++) {
      await delay(5, undefined, { signal: ctx.signal });
      state = processState(this.pid);
    }
    return {
      verdict: state === 'T' || state === 't' ? 'confirmed' : 'mismatch',
      observed: { pid: this.pid, signal: 'SIGSTOP', proc_state: state },
    };
  }

  /** SIGCONT; a process that is gone meanwhile needs nothing. */
  async heal(): Promise<void> {
    if (this.pid === undefined) return;
    try {
      process.kill(this.pid, 'SIGCONT');
    } catch {
      /* gone */
    }
  }
}

/** The one-letter state of a process from /proc (R, S, D, T, Z…), or `gone`. */
export function processState(pid: number): string {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0];
  } catch {
    return 'gone';
  }
}
