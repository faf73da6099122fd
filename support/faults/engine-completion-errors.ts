import { setTimeout as delay } from 'node:timers/promises';
import { InvalidFaultSpec } from '../core/errors';
import { httpStatus } from '../core/http-status';
import { isAlive } from '../core/pids';
import { awaitLogLine, logSize } from './engine-log';
import { BREAKER_AT_LINK, type ExploreForms } from './explore-form';
import type { Evidence, Fault, FaultContext, HealVerified } from './fault';
import { declareKind } from './kind';
import { NEVER_INJECTED } from './signal-fault';
import { engineOf } from './subjects';
import { type DriverResetMechanism, hookPid, type ProcessTarget } from './targets';

/** How long the engine has to answer one probe of the fault's verification, ms. */
const PROBE_MS = 1000;
/** How long a healed engine has to serve a completion again, ms (its state flips on the signal). */
const SERVES_AGAIN_WITHIN_MS = 2000;

/**
 * An engine that passes its health checks but fails every completion with HTTP 500, as an engine whose device fails
 * every decode while its HTTP server lives on (the SGLang gateway's test workers fail this way): the pool's health
 * sees nothing, so only the dispatches show it, and the orchestrator's breaker must take the replica out of rotation.
 * The target turns the state on by a signal its engine handles (the profile's `faults.engine.completion-errors`), and
 * off by the same signal again. Proven at the engine itself: its log line, its health answered 200 and a completion
 * answered 500; healed when a completion is answered 200 again.
 */
export class EngineCompletionErrorsFault implements Fault, HealVerified {
  readonly kind = 'engine.completion-errors' as const;
  private pid?: number;
  private logOffset = 0;
  private failing = false;

  constructor(
    private readonly target: ProcessTarget,
    private readonly mechanism: DriverResetMechanism,
    /** The engine's own address (http://host:port), not through its link. */
    private readonly engineUrl: string,
  ) {
    if (!target || !mechanism?.signal || !mechanism.logFile || !engineUrl)
      throw new InvalidFaultSpec('an engine.completion-errors fault needs an engine, its signal hook and log file, and its address');
  }

  describe(): string {
    return `every completion failed by ${this.target.description}`;
  }

  async inject(ctx: FaultContext): Promise<void> {
    // A signal hook acts on an engine that serves (see EngineDriverResetFault).
    this.pid = await hookPid(this.target);
    this.logOffset = logSize(this.mechanism.logFile);
    process.kill(this.pid, this.mechanism.signal);
    this.failing = true;
    ctx.log(`${this.describe()}: ${this.mechanism.signal} to pid ${this.pid}`);
  }

  async verify(ctx: FaultContext): Promise<Evidence> {
    if (this.pid === undefined) return NEVER_INJECTED;
    const line = await awaitLogLine(this.mechanism.logFile, this.logOffset, this.mechanism.evidence, ctx);
    const health = await httpStatus(`${this.engineUrl}/health`, PROBE_MS);
    const completion = await httpStatus(`${this.engineUrl}/completion`, PROBE_MS, { prompt: 'chaos probe', n_predict: 1, stream: false });
    const observed = { pid: this.pid, log: this.mechanism.logFile, line: line ?? null, health, completion };
    return { verdict: line && health === 200 && completion === 500 ? 'confirmed' : 'mismatch', observed };
  }

  /** The same signal again, to the same process only: an engine started since then never failed (nothing to undo). */
  async heal(ctx?: FaultContext): Promise<void> {
    if (!this.failing || this.pid === undefined) return;
    this.failing = false;
    if (!isAlive(this.pid)) return;
    process.kill(this.pid, this.mechanism.signal);
    ctx?.log(`${this.target.description} serves completions again: ${this.mechanism.signal} to pid ${this.pid}`);
  }

  async verifyHealed(ctx: FaultContext): Promise<Evidence> {
    const started = Date.now();
    let completion: number | string = 'not asked';
    while (Date.now() - started < SERVES_AGAIN_WITHIN_MS) {
      completion = await httpStatus(`${this.engineUrl}/completion`, PROBE_MS, { prompt: 'chaos probe', n_predict: 1, stream: false });
      if (completion === 200) return { verdict: 'confirmed', observed: { completion, after_ms: Date.now() - started } };
      await delay(20, undefined, { signal: ctx.signal });
    }
    return { verdict: 'mismatch', observed: { completion, within_ms: SERVES_AGAIN_WITHIN_MS } };
  }
}

const APPLY = 'the engine of replica {replica} fails every completion while its health checks pass';
const HEAL = 'the engine of replica {replica} serves completions again';

/** The explorer's form: one replica's engine fails every completion until it serves again. */
export const COMPLETION_ERRORS_FORMS = {
  'engine-completion-errors': {
    place: 'engine',
    inject: (r) => APPLY.replace('{replica}', r),
    heal: (r) => HEAL.replace('{replica}', r),
    needs: ['completion-errors'],
    ...BREAKER_AT_LINK,
  },
} satisfies ExploreForms;

/** The kind, declared once (support/faults/kind.ts): the registry, the tags, the checker and the explorer read it. */
export const ENGINE_COMPLETION_ERRORS = declareKind(
  {
    kind: 'engine.completion-errors',
    meaning: 'an engine passes its health checks but fails every completion with HTTP 500',
    file: __filename,
    // Every dispatch to it fails before a token: retried on another replica, or, with none left in rotation (its
    // breaker open, or a pool of one), refused as unavailable or failed past the retry budget.
    errors: ['WORKER_RESET', 'POOL_UNAVAILABLE'],
    needs: {
      'completion-errors':
        'an engine can be made to fail every completion with HTTP 500 while its health checks pass, and to serve again (faults.engine.completion-errors)',
    },
    mechanism: 'signal-hook',
    steps: [
      {
        phrase: APPLY,
        apply: (site, replica) => ({
          fault: new EngineCompletionErrorsFault(
            site.engineTarget(replica),
            site.signalHook('engine.completion-errors', replica),
            site.engineUrl(replica),
          ),
          subject: engineOf(replica),
        }),
      },
      { phrase: HEAL, heal: (replica) => engineOf(replica) },
    ],
    explore: COMPLETION_ERRORS_FORMS,
  },
  EngineCompletionErrorsFault,
);
