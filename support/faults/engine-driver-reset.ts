import { declareKind } from './kind';
import { InvalidFaultSpec } from '../core/errors';
import { awaitLogLine, logLineNow, logSize } from './engine-log';
import type { Evidence, FaultContext } from './fault';
import { SignalFault, waitGone } from './signal-fault';
import { type DriverResetMechanism, hookPid, type ProcessTarget } from './targets';
import type { ExploreForms } from './explore-form';

/**
 * A GPU driver reset under an engine: it writes llama.cpp's CUDA error and exits non-zero (not a SIGKILL: the pool
 * manager must tell the two apart, ORCH-3053). Proven by the pid being gone and the error line in the engine's log.
 */
export class EngineDriverResetFault extends SignalFault {
  readonly kind: string = 'engine.driver-reset';
  private logOffset = 0;

  constructor(
    target: ProcessTarget,
    protected readonly mechanism: DriverResetMechanism,
  ) {
    if (!mechanism?.signal || !mechanism.logFile)
      throw new InvalidFaultSpec('an engine.driver-reset fault needs a mechanism: a signal and the engine log file');
    super(target, mechanism.signal);
  }

  describe(): string {
    return `GPU driver reset under ${this.target.description}`;
  }

  /**
   * A signal hook acts on an engine that serves: one still loading has no hook yet (the explorer, hunt at c529f91: a
   * hook sent 200 ms after the GPUs came back reached an engine still starting, and nothing showed).
   */
  protected pidToSignal(): Promise<number> {
    return hookPid(this.target);
  }

  protected beforeSignal(): void {
    this.logOffset = logSize(this.mechanism.logFile);
  }

  protected async observe(pid: number, ctx: FaultContext): Promise<Evidence> {
    const gone = await waitGone(pid, 2000, ctx);
    const { logFile, evidence } = this.mechanism;
    // The error line, once whoever writes the engine's log has written what the engine put out before it died: the
    // pid can be gone while its last output is still in a pipe or a write stream.
    const line =
      gone.verdict === 'confirmed'
        ? await awaitLogLine(logFile, this.logOffset, evidence, ctx)
        : logLineNow(logFile, this.logOffset, evidence);
    const observed = { ...gone.observed, log: logFile, error_line: line ?? null, expected: String(evidence) };
    return { verdict: gone.verdict === 'confirmed' && line ? 'confirmed' : 'mismatch', observed };
  }
}

/** The explorer's form of a driver reset: the engine dies (its supervisor restarts it). */
export const DRIVER_RESET_FORMS = {
  'engine-driver-reset': {
    place: 'engine',
    inject: (r) => `the engine of replica ${r} suffers a GPU driver reset`,
    busyMs: 1500,
    // Told apart from a crash and from each other (ORCH-3053), by the pool manager's counters: where it ran all along.
    settledCheck: {
      step: 'the pool manager counts every driver reset and ECC error the faults caused, and no other',
      unless: ['pool-manager'],
    },
    needs: ['driver-reset'],
  },
} satisfies ExploreForms;

/** The kind, declared once (support/faults/kind.ts): the registry, the tags, the checker and the explorer read it. */
export const ENGINE_DRIVER_RESET = declareKind(
  {
    kind: 'engine.driver-reset',
    meaning: 'an engine dies the way a GPU driver reset kills llama.cpp',
    file: __filename,
    errors: ['WORKER_RESET', 'POOL_UNAVAILABLE'],
    endsProcess: true,
    needs: {
      'driver-reset': 'an engine can be made to die the way a GPU driver reset kills llama.cpp (faults.engine.driver-reset)',
    },
    mechanism: 'signal-hook',
    explore: DRIVER_RESET_FORMS,
  },
  EngineDriverResetFault,
);
