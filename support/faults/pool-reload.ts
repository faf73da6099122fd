import type { Evidence, Fault, FaultContext, Preflighted } from './fault';
import type { ExploreForms } from './explore-form';
import { declareKind } from './kind';
import { NEVER_INJECTED } from './signal-fault';

/** What a reload must end in: the pool switched to a good model, or a bad one refused and rolled back. */
export type ReloadOutcome = 'switch' | 'rollback';

/** What a reload needs of the scenario: the control plane's reload request, and a client's probe of the served model. */
export interface ReloadSite {
  /** Asks the orchestrator to reload the pool, its in-flight tasks given `deadlineMs`; its answer. */
  reload(deadlineMs: number): Promise<{ status: number; body: Record<string, unknown> }>;
  /** The text a fixed request gets from the pool (a client's task, run to its end): another model writes another. */
  probe(): Promise<string>;
}

/**
 * An operator reloads the pool's model while it serves (ORCH-3031, ORCH-3505): the orchestrator drains the pool — it
 * admits nothing, lets its in-flight tasks run until the request's deadline and cuts what outlives it — then the pool
 * manager stages and preloads the new model and switches, or rolls back to the old one. Not a failure but the operation
 * the control plane promises to do safely under load, drawn by the explorer beside the faults. Proven by what a client
 * sees: the answer, and a probe task's text before and after (another model writes another text): a good model is
 * served once the reload says so (and the same on a second probe); a bad one (missing, its digest not matching, corrupt)
 * is rolled back, said so, and the old one still served.
 */
export class PoolReloadFault implements Fault, Preflighted {
  readonly kind = 'pool.reload' as const;
  /** When the request was sent (epoch ms): the drain's deadline runs from its arrival, never earlier. */
  requestedAt?: number;
  /** When a reload that switched answered (epoch ms): a stream begun before it ran on the old model. */
  switchedAt?: number;
  /** The text the probe got before the reload (the model served then). */
  before?: string;
  private answer?: Promise<{ status: number | string; body: Record<string, unknown> }>;

  constructor(
    private readonly site: ReloadSite,
    /** What the pool is reloaded with, in words ("a new model"). */
    readonly model: string,
    readonly outcome: ReloadOutcome,
    readonly deadlineMs: number,
  ) {}

  describe(): string {
    return `a reload of the pool to ${this.model}, its in-flight tasks given ${this.deadlineMs} ms`;
  }

  /** The model served before: a probe that does not complete means the pool cannot show a change, so none is asked. */
  async preflight(): Promise<Evidence> {
    try {
      this.before = await this.site.probe();
      return { verdict: 'confirmed', observed: { probe_chars: this.before.length } };
    } catch (err) {
      return { verdict: 'inconclusive', observed: { probe: (err as Error).message } };
    }
  }

  /** Sends the request and returns: the reload runs on (verify awaits its answer), its deadline counted from now. */
  async inject(ctx: FaultContext): Promise<void> {
    this.requestedAt = Date.now();
    this.answer = this.site.reload(this.deadlineMs).catch((err: Error) => ({ status: err.message, body: {} }));
    ctx.log(`${this.describe()}: requested`);
  }

  async verify(): Promise<Evidence> {
    if (!this.answer || this.before === undefined) return NEVER_INJECTED;
    const { status, body } = await this.answer;
    const answer = { status, body };
    const answeredAt = Date.now();
    let after: string;
    let again: string;
    try {
      after = await this.site.probe();
      again = await this.site.probe();
    } catch (err) {
      return { verdict: 'mismatch', observed: { answer, probe_after: (err as Error).message } };
    }
    const changed = after !== this.before;
    const observed = {
      requested_at: this.requestedAt,
      deadline_ms: this.deadlineMs,
      answer,
      answered_after_ms: answeredAt - this.requestedAt!,
      served_changed: changed,
      probes_agree: again === after,
    };
    if (this.outcome === 'switch') {
      const switched = answer.status === 202 && changed && again === after;
      if (switched) this.switchedAt = answeredAt;
      return { verdict: switched ? 'confirmed' : 'mismatch', observed };
    }
    const code = answer.body.code;
    const said = answer.status === 409 && code === 'RELOAD_ROLLED_BACK' && typeof answer.body.message === 'string';
    return { verdict: said && !changed && again === after ? 'confirmed' : 'mismatch', observed };
  }

  /** Nothing to undo: a reload is over once answered, switched or rolled back. */
  async heal(): Promise<void> {}
}

/**
 * The explorer's forms: a reload to a good model and one to a model whose digest does not match, each while a task of
 * 300 tokens streams (1.5 s on the reference engine), its tasks given 300 to 800 ms: that task outlives the deadline by
 * more than its slack, so a drain that cuts early or late shows. Drawn only where nothing else acts at its instant or
 * during it (`blocks: 'all'` and no fault active across it): under another fault a good reload may roll back, and a
 * probe may not complete.
 */
export const RELOAD_FORMS = {
  'pool-reload': reloadForm('a new model'),
  'pool-reload-bad-digest': reloadForm('a model whose digest does not match'),
} satisfies ExploreForms;

/** One reload form: the same timing, deadline range and promise, to `model`. */
function reloadForm(model: string): ExploreForms[string] {
  return {
    place: 'pool',
    inject: (_r, m) => `the pool is reloaded with ${model} while a task of 300 tokens streams, giving its tasks ${m} ms`,
    magnitude: { min: 300, max: 800 },
    busyMs: 300,
    blocks: 'all',
    alone: true,
    aloneCheck: { step: () => 'every task streaming when the pool was reloaded ran on until its deadline, and none outlived it' },
  };
}

/** The kind, declared once (support/faults/kind.ts): the registry, the tags, the checker and the explorer read it. */
export const POOL_RELOAD = declareKind(
  {
    kind: 'pool.reload',
    meaning:
      "an operator reloads the pool's model under load: it drains (its in-flight tasks given a deadline), then switches or rolls back",
    file: __filename,
    // Refused while the pool drains and switches (503 with a retry hint); cut at the drain's deadline (retriable).
    errors: ['POOL_UNREADY', 'WORKER_RESET'],
    explore: RELOAD_FORMS,
  },
  PoolReloadFault,
);
