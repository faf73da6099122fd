import { InvalidFaultSpec } from '../core/errors';
import { awaitLogLine, logLineNow, logSize } from './engine-log';
import type { Evidence, FaultContext } from './fault';
import { SignalFault, waitGone } from './signal-fault';
import type { DriverResetMechanism, ProcessTarget } from './targets';
import type { ExploreForms } from './explore-form';

/**
 * A GPU driver reset under an engine: it writes llama.cpp's CUDA error and exits non-zero (not a SIGKILL: the pool
 * manager must tell the two apart, ORCH-3053). Proven by the pid being gone and the error line in the engine's log.
 */
export class EngineDriverResetFault extends SignalFault {
  readonly kind: 'engine.driver-reset' | 'engine.ecc-error' = 'engine.driver-reset';
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

/**
 * An uncorrectable ECC error in the GPU memory under an engine: llama.cpp writes the CUDA error and exits non-zero,
 * as for a driver reset, with its own words (cudaErrorECCUncorrectable). The pool manager must surface it distinctly
 * from a crash and from a driver reset (ORCH-3053). Proven the same way: the pid gone, the error line in the log.
 */
export class EngineEccErrorFault extends EngineDriverResetFault {
  override readonly kind = 'engine.ecc-error' as const;

  describe(): string {
    return `uncorrectable GPU ECC error under ${this.target.description}`;
  }
}

/** The explorer's form of a driver reset: the engine dies (its supervisor restarts it). */
export const DRIVER_RESET_FORMS = {
  'engine-driver-reset': {
    place: 'engine',
    inject: (r) => `the engine of replica ${r} suffers a GPU driver reset`,
    busyMs: 1500,
    needs: ['driver-reset'],
  },
} satisfies ExploreForms;

/** The explorer's form of an ECC error: the engine dies (its supervisor restarts it). */
export const ECC_ERROR_FORMS = {
  'engine-ecc-error': {
    place: 'engine',
    inject: (r) => `the engine of replica ${r} suffers an uncorrectable GPU memory error`,
    busyMs: 1500,
    needs: ['ecc-error'],
  },
} satisfies ExploreForms;
