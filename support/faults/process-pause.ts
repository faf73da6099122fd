import { declareKind } from './kind';
import { readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import type { Evidence, FaultContext, HealVerified } from './fault';
import { SignalFault } from './signal-fault';
import type { ProcessTarget } from './targets';
import type { ExploreForms } from './explore-form';

/**
 * A hung process: SIGSTOP freezes it (its sockets stay open, nothing answers); heal sends SIGCONT. Jepsen's
 * hammer-time. Proven by the kernel reporting the process stopped (state `T` in /proc/<pid>/stat).
 */
export class ProcessPauseFault extends SignalFault implements HealVerified {
  readonly kind = 'process.pause' as const;

  constructor(target: ProcessTarget) {
    super(target, 'SIGSTOP');
  }

  describe(): string {
    return `SIGSTOP ${this.target.description} (hung until SIGCONT)`;
  }

  protected async observe(pid: number, ctx: FaultContext): Promise<Evidence> {
    let state = processState(pid);
    for (let i = 0; i < 100 && state !== 'T' && state !== 't'; i++) {
      await delay(5, undefined, { signal: ctx.signal });
      state = processState(pid);
    }
    return { verdict: state === 'T' || state === 't' ? 'confirmed' : 'mismatch', observed: { proc_state: state } };
  }

  /** After SIGCONT the kernel no longer reports the process stopped (a process gone meanwhile has nothing to resume). */
  async verifyHealed(ctx: FaultContext): Promise<Evidence> {
    if (this.pid === undefined) return { verdict: 'confirmed', observed: { reason: 'never injected: nothing to resume' } };
    let state = processState(this.pid);
    for (let i = 0; i < 100 && (state === 'T' || state === 't'); i++) {
      await delay(5, undefined, { signal: ctx.signal });
      state = processState(this.pid);
    }
    return {
      verdict: state === 'T' || state === 't' ? 'mismatch' : 'confirmed',
      observed: { pid: this.pid, proc_state_after_sigcont: state },
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

/**
 * The explorer's forms of a SIGSTOP: an engine hung until it resumes, at the schedule's instant or once a task of 300
 * tokens streams on it (1.5 s on the reference engine): a hang in the middle of a stream is the fault the idle
 * timeout exists for (OC-CORE-1022), and one drawn at an instant when nothing streams on the replica shows nothing of it.
 */
export const PAUSE_FORMS = {
  'engine-hang': {
    place: 'engine',
    inject: (r) => `the engine of replica ${r} hangs`,
    heal: (r) => `the engine of replica ${r} resumes`,
  },
  'engine-hang-streaming': {
    place: 'engine',
    // Past the idle timeout and its slack (1000 + 100 ms on every profile): a shorter hang ends before the watchdog
    // would fire and shows nothing of it (the hunt at 2808c13, seed 12: hangs of 850 and 300 ms, a stack with no idle
    // timeout not found). Up to 7 s: with stream failover on, a stream may be silent for the idle timeout and the
    // failover's wait (4.1 s in all on the reference profile), and only a longer hang shows a watchdog that never
    // fires: about half the hangs drawn ((7000 - 4100) / 5500), where up to 4.5 s drew 13 % (seed 12: one of 2.35 s).
    lasts: { min: 1500, max: 7000 },
    inject: (r) => `the engine of replica ${r} hangs once a task of 300 tokens streams on it`,
    heal: (r) => `the engine of replica ${r} resumes`,
  },
} satisfies ExploreForms;

/** The kind, declared once (support/faults/kind.ts): the registry, the tags, the checker and the explorer read it. */
export const PROCESS_PAUSE = declareKind(
  {
    kind: 'process.pause',
    meaning: 'SIGSTOP a component or an engine: hung until SIGCONT',
    file: __filename,
    errors: ['DECODE_TIMEOUT', 'WORKER_RESET', 'POOL_UNAVAILABLE'],
    explore: PAUSE_FORMS,
  },
  ProcessPauseFault,
);
