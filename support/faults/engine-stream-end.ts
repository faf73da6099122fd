import { declareKind } from './kind';
import { InvalidFaultSpec } from '../core/errors';
import { isAlive } from '../core/pids';
import { awaitLogLine, logSize } from './engine-log';
import { engineGenerating } from './engine-slots';
import type { Evidence, FaultContext, Preflighted } from './fault';
import { SignalFault } from './signal-fault';
import { type DriverResetMechanism, hookPid, type ProcessTarget } from './targets';
import type { ExploreForms } from './explore-form';

/**
 * An engine ends its open streams cleanly — the HTTP response properly finished, no reset — before the frame that says
 * the generation stopped, and goes on serving: a buggy or dying engine's last act, which no network fault can do (a
 * proxy can only reset or stall a connection). The orchestrator must not take such an end for a finished generation.
 * Proven by the engine's own line that it ended them, from a process still alive (it did not die instead). It acts only
 * on a stream open at the time: its preflight reads the engine's own `/slots` and refuses to apply (not applicable,
 * which the explorer counts as infeasible) unless a slot is generating with tokens still to come.
 */
export class EngineStreamEndFault extends SignalFault implements Preflighted {
  readonly kind = 'engine.stream-end' as const;
  private logOffset = 0;

  constructor(
    target: ProcessTarget,
    private readonly mechanism: DriverResetMechanism,
    /** The engine's own address (http://host:port), for its `/slots`. */
    private readonly engineUrl: string,
    /** How long the preflight waits for the engine to be at work (0: it must be now). */
    private readonly waitForWorkMs = 0,
  ) {
    if (!mechanism?.signal || !mechanism.logFile)
      throw new InvalidFaultSpec('an engine.stream-end fault needs a mechanism: a signal and the engine log file');
    super(target, mechanism.signal);
  }

  describe(): string {
    return `streams ended early by ${this.target.description}`;
  }

  async preflight(): Promise<Evidence> {
    // A stream with tokens still to come is still open when the signal lands: 20 at least, 100 ms on the reference
    // engine (a token every 5 ms). It was 5, set when a token took 10 ms. Measured 2026-12-07 beside 2 busy loops
    // (features/explored/breaker-judged-on-the-failing-fault.feature, 8 runs): the stream it ended had 4 to 10 of its
    // 40 tokens to come, and under `npm run stress` the engine logged no stream ended in 1 run of 3, at 2 workers as
    // at 3. With 20: 36 to 38 to come (6 runs).
    return engineGenerating(this.engineUrl, 20, this.waitForWorkMs);
  }

  /** A signal hook acts on an engine that serves (see EngineDriverResetFault). */
  protected pidToSignal(): Promise<number> {
    return hookPid(this.target);
  }

  protected beforeSignal(): void {
    this.logOffset = logSize(this.mechanism.logFile);
  }

  protected async observe(pid: number, ctx: FaultContext): Promise<Evidence> {
    const line = await awaitLogLine(this.mechanism.logFile, this.logOffset, this.mechanism.evidence, ctx);
    const alive = isAlive(pid);
    const observed = { log: this.mechanism.logFile, line: line ?? null, still_alive: alive };
    return { verdict: line && alive ? 'confirmed' : 'mismatch', observed };
  }
}

/** The explorer's form: the engine ends the streams it has open, cleanly, and goes on serving. */
export const STREAM_END_FORMS = {
  'engine-stream-end': {
    place: 'engine',
    // Once a task of 300 tokens streams on it (up to 4 sent within 2 s): drawn at any moment, it met an idle engine in
    // most schedules and was never applied in a whole exploration (seed 1, 10 minutes); waiting for the load's own
    // work, it was not applicable in 12 of 42 schedules of the hunt at 8c0b991.
    inject: (r) =>
      `the engine of replica ${r} ends its streams early, cleanly, before their stop frame, once a task of 300 tokens streams on it`,
    busyMs: 200,
    needs: ['stream-end'],
  },
} satisfies ExploreForms;

/** The kind, declared once (support/faults/kind.ts): the registry, the tags, the checker and the explorer read it. */
export const ENGINE_STREAM_END = declareKind(
  {
    kind: 'engine.stream-end',
    meaning: 'an engine ends its open streams cleanly, before the frame that says the generation stopped',
    file: __filename,
    // A stream that ended without its stop frame is a broken dispatch: failed retriably, never completed short.
    errors: ['WORKER_RESET'],
    needs: {
      'stream-end':
        'an engine can be made to end its open streams cleanly before their stop frame, and go on serving (faults.engine.stream-end)',
    },
    mechanism: 'signal-hook',
    explore: STREAM_END_FORMS,
  },
  EngineStreamEndFault,
);
