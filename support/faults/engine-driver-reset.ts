import { readFileSync } from 'node:fs';
import { InvalidFaultSpec, WaitTimedOut } from '../core/errors';
import { eventually, type Observation } from '../core/eventually';
import type { Evidence, FaultContext } from './fault';
import { SignalFault, waitGone } from './signal-fault';
import type { DriverResetMechanism, ProcessTarget } from './targets';

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
    this.logOffset = fileSize(this.mechanism.logFile);
  }

  protected async observe(pid: number, ctx: FaultContext): Promise<Evidence> {
    const gone = await waitGone(pid, 2000, ctx);
    const line = gone.verdict === 'confirmed' ? await this.errorLine(ctx) : this.errorLineNow();
    const observed = { ...gone.observed, log: this.mechanism.logFile, error_line: line ?? null, expected: String(this.mechanism.evidence) };
    return { verdict: gone.verdict === 'confirmed' && line ? 'confirmed' : 'mismatch', observed };
  }

  /**
   * The error line, once whoever writes the engine's log (its pool manager, or the suite for a process it started)
   * has written what the engine put out before it died: the pid can be gone while its last output is still in a pipe
   * or a write stream. Waited for up to LOG_FLUSH_MS; a process that died without the line gets none in that time.
   */
  private async errorLine(ctx: FaultContext): Promise<string | undefined> {
    const probe = async (): Promise<Observation<string>> => {
      const line = this.errorLineNow();
      return { ok: line !== undefined, seen: line ?? `no line matching ${this.mechanism.evidence} yet`, value: line };
    };
    const found = await eventually(`the error line in ${this.mechanism.logFile}`, probe, {
      withinMs: LOG_FLUSH_MS,
      everyMs: 10,
      signal: ctx.signal,
    }).catch((err) => {
      if (err instanceof WaitTimedOut) return undefined;
      throw err;
    });
    return found?.value;
  }

  private errorLineNow(): string | undefined {
    return readFrom(this.mechanism.logFile, this.logOffset)
      .split('\n')
      .find((l) => this.mechanism.evidence.test(l));
  }
}

/** How long a dead engine's last output may take to reach its log file (a pipe drained and a stream flushed), ms. */
const LOG_FLUSH_MS = 1000;

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

function fileSize(file: string): number {
  try {
    return readFileSync(file).length;
  } catch {
    return 0;
  }
}

function readFrom(file: string, offset: number): string {
  try {
    return readFileSync(file).subarray(offset).toString('utf8');
  } catch {
    return '';
  }
}
