import { setTimeout as delay } from 'node:timers/promises';
import { InvalidFaultSpec } from '../core/errors';
import { isAlive } from '../core/pids';
import { listenerPids } from '../core/sockets';
import type { Evidence, Fault, FaultContext, FaultKindName, Preflighted } from './fault';
import type { ProcessTarget } from './targets';

/** How long a freshly started process may take to listen on its port (a Node daemon binds within ~300 ms). */
const LISTEN_WITHIN_MS = 3000;

/** The evidence of a fault whose `verify()` ran before any inject. */
export const NEVER_INJECTED: Evidence = { verdict: 'inconclusive', observed: { reason: 'never injected' } };

/**
 * The shape every signal fault shares (as `ToxicFault` is for toxics): the target's pid is resolved at inject time,
 * the signal sent once, and `verify()` is refused until then. A subclass says only how the effect shows.
 */
export abstract class SignalFault implements Fault, Preflighted {
  abstract readonly kind: FaultKindName;
  protected pid?: number;
  /** Epoch ms when the signal was sent (read just after; `sendingFrom` was read just before). */
  protected signalledAt = 0;
  protected sendingFrom = 0;

  protected constructor(
    protected readonly target: ProcessTarget,
    protected readonly signal: NodeJS.Signals,
  ) {
    if (!target) throw new InvalidFaultSpec(`a ${signal} fault must have a target`);
  }

  describe(): string {
    return `${this.signal} ${this.target.description}`;
  }

  async inject(ctx: FaultContext): Promise<void> {
    this.pid = await this.pidToSignal();
    this.beforeSignal();
    this.sendingFrom = Date.now();
    process.kill(this.pid, this.signal);
    this.signalledAt = Date.now();
    ctx.log(`${this.describe()}: pid ${this.pid}`);
  }

  async verify(ctx: FaultContext): Promise<Evidence> {
    if (this.pid === undefined) return NEVER_INJECTED;
    const evidence = await this.observe(this.pid, ctx);
    const sent = { sending_from: this.sendingFrom, signalled_at: this.signalledAt };
    const observed = { pid: this.pid, signal: this.signal, target: this.target.description, ...sent };
    return { ...evidence, observed: { ...observed, ...evidence.observed } };
  }

  /**
   * Before the signal: the pid the target reports is the process that owns its listening socket, found from the OS
   * (a wrapper that launched the real daemon would be the wrong process to signal). A target with no port is taken
   * at its word, and the evidence says so.
   */
  async preflight(ctx: FaultContext): Promise<Evidence> {
    const reported = await this.target.pid();
    if (this.target.port === undefined)
      return { verdict: 'confirmed', observed: { reported_pid: reported, socket_owner: 'no port to check' } };
    // A process just started may not listen yet: wait (bounded) until something owns the port.
    let owners = listenerPids(this.target.port);
    for (
      const started = Date.now();
      !owners.includes(reported) && Date.now() - started < LISTEN_WITHIN_MS;
      owners = listenerPids(this.target.port)
    )
      await delay(10, undefined, { signal: ctx.signal });
    return {
      verdict: owners.includes(reported) ? 'confirmed' : 'mismatch',
      observed: { reported_pid: reported, port: this.target.port, listening_socket_owners: owners },
    };
  }

  /** Nothing to undo by default: bringing the process back is the system's job, and what the scenario checks. */
  async heal(_ctx?: FaultContext): Promise<void> {}

  /** The process the signal goes to: the target's, as it reports it now. */
  protected pidToSignal(): Promise<number> {
    return this.target.pid();
  }

  /** Called just before the signal is sent (to note what the effect will be compared with). */
  protected beforeSignal(): void {}

  /** How the signal's effect shows on `pid`. */
  protected abstract observe(pid: number, ctx: FaultContext): Promise<Evidence>;
}

/** Waits up to `withinMs` for `pid` to be gone; the evidence says how long it took. */
export async function waitGone(pid: number, withinMs: number, ctx: FaultContext): Promise<Evidence> {
  const started = Date.now();
  while (Date.now() - started < withinMs) {
    if (!isAlive(pid)) return { verdict: 'confirmed', observed: { gone_after_ms: Date.now() - started } };
    await delay(5, undefined, { signal: ctx.signal });
  }
  return { verdict: 'mismatch', observed: { still_alive_after_ms: withinMs } };
}
