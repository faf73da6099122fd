import { setTimeout as delay } from 'node:timers/promises';
import { isAlive } from '../core/pids';
import type { Evidence, Fault, FaultContext, Preflighted } from './fault';
import type { ExploreForms } from './explore-form';
import { declareKind } from './kind';
import { NEVER_INJECTED } from './signal-fault';
import type { ProcessTarget } from './targets';

/** How long the old engine has to be gone once the pool manager has answered, ms (it answers once it is). */
const GONE_WITHIN_MS = 2000;

/**
 * An operator restarts one replica gracefully (ORCH-3505), through its pool manager (`POST /pools/{id}/replicas/{r}/
 * restart {deadline_ms}`): the replica leaves the rotation, its in-flight work runs until the deadline, then its
 * engine is stopped and a new one started. Not a failure but an operation the stack promises to do safely under load,
 * drawn by the explorer beside the faults. Proven by the pool manager's answer (it answers once the old engine is gone)
 * and by the OS: the engine's process before the request is gone.
 */
export class ReplicaRestartFault implements Fault, Preflighted {
  readonly kind = 'replica.restart' as const;
  private pid?: number;
  private requestedAt?: number;
  private answer?: Promise<{ status: number | string; body: unknown }>;

  constructor(
    private readonly engine: ProcessTarget,
    /** Asks the pool manager for the restart, the in-flight work given `deadlineMs`; its answer once it is done. */
    private readonly restart: (deadlineMs: number) => Promise<{ status: number; body: unknown }>,
    readonly deadlineMs: number,
  ) {}

  describe(): string {
    return `a graceful restart of ${this.engine.description}, its in-flight work given ${this.deadlineMs} ms`;
  }

  /** The engine to be replaced, alive. */
  async preflight(): Promise<Evidence> {
    this.pid = await this.engine.pid();
    return { verdict: isAlive(this.pid) ? 'confirmed' : 'inconclusive', observed: { pid: this.pid } };
  }

  /** Sends the request and returns: verify awaits its answer, the deadline counted from now. */
  async inject(ctx: FaultContext): Promise<void> {
    this.requestedAt = Date.now();
    this.answer = this.restart(this.deadlineMs).catch((err: Error) => ({ status: err.message, body: undefined }));
    ctx.log(`${this.describe()}: requested (pid ${this.pid})`);
  }

  async verify(ctx: FaultContext): Promise<Evidence> {
    if (!this.answer || this.pid === undefined || this.requestedAt === undefined) return NEVER_INJECTED;
    const answer = await this.answer;
    const answeredAfterMs = Date.now() - this.requestedAt;
    const until = Date.now() + GONE_WITHIN_MS;
    while (isAlive(this.pid) && Date.now() < until) await delay(10, undefined, { signal: ctx.signal });
    const gone = !isAlive(this.pid);
    const observed = {
      requested_at: this.requestedAt,
      deadline_ms: this.deadlineMs,
      answer,
      answered_after_ms: answeredAfterMs,
      old_pid: this.pid,
      old_engine_gone: gone,
    };
    return { verdict: answer.status === 202 && gone ? 'confirmed' : 'mismatch', observed };
  }

  /** Nothing to undo: the pool manager starts the new engine itself (the heal waits for it to be ready). */
  async heal(): Promise<void> {}
}

/**
 * The explorer's form: a graceful restart of replica rN once a task of 300 tokens streams on it (1.5 s on the
 * reference engine, longer than its engine's own stop grace of 1 s), its work given 2 to 3 s, so that a restart that
 * does not wait for it (the engine asked to stop at once cuts it at its grace) shows; then its restart awaited. Drawn
 * only where no other fault acts at its instant or while it lasts. Its promises, where stream failover is off (with it
 * on a cut task resumes elsewhere, and the client would not see the cut): the task streaming on it runs on until it
 * ends or the deadline passes, and the orchestrator sends the replica no task while it is out of service.
 */
export const RESTART_FORMS = {
  'replica-restart': {
    place: 'engine',
    inject: (r, m) => `the pool manager restarts replica ${r} gracefully once a task of 300 tokens streams on it, giving it ${m} ms`,
    heal: (r) => `replica ${r} is restarted and ready again within 5 s`,
    magnitude: { min: 2000, max: 3000 },
    givens: ['the dispatches reaching each replica are witnessed on their way'],
    blocks: 'all',
    alone: true,
    aloneCheck: {
      failover: false,
      step: (r) => [
        `every task streaming when replica ${r} was restarted gracefully ran on until it ended or its deadline passed`,
        `no task reached replica ${r} while its graceful restart kept it out of service`,
      ],
    },
  },
} satisfies ExploreForms;

/** The kind, declared once (support/faults/kind.ts): the registry, the tags, the checker and the explorer read it. */
export const REPLICA_RESTART = declareKind(
  {
    kind: 'replica.restart',
    meaning: 'an operator restarts one replica gracefully: out of rotation, its in-flight work runs until a deadline, then a new engine',
    file: __filename,
    // Work that outlives the deadline is cut (retriable); a pool of one has no replica in rotation meanwhile.
    errors: ['WORKER_RESET', 'POOL_UNAVAILABLE', 'POOL_UNREADY'],
    endsProcess: true,
    explore: RESTART_FORMS,
  },
  ReplicaRestartFault,
);
