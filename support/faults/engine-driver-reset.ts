import { readFileSync } from 'node:fs';
import { InvalidFaultSpec } from '../errors';
import type { ProcessTarget } from '../stack/stack';
import type { Evidence, Fault, FaultContext } from './fault';
import { signalTarget, waitGone } from './process-signal';

/** How a target makes an engine die the way a GPU driver reset kills llama.cpp: from the target profile. */
export interface DriverResetMechanism {
  /** The signal that triggers it (the reference engine's fault hook is SIGUSR2). */
  signal: NodeJS.Signals;
  /** A pattern the engine's log must show afterwards, e.g. `CUDA error`. */
  evidence: RegExp;
  /** The engine's log file. */
  logFile: string;
}

/**
 * A GPU driver reset under an engine: it writes llama.cpp's CUDA error and exits non-zero (not a SIGKILL: the pool
 * manager must tell the two apart, ORCH-3053). Proven by the pid being gone and the error line in the engine's log.
 */
export class EngineDriverResetFault implements Fault {
  readonly kind = 'engine.driver-reset' as const;
  private pid?: number;
  private logOffset = 0;

  constructor(
    private readonly target: ProcessTarget,
    private readonly mechanism: DriverResetMechanism,
  ) {
    if (!target) throw new InvalidFaultSpec('an engine.driver-reset fault must have a target');
    if (!mechanism?.signal || !mechanism.logFile)
      throw new InvalidFaultSpec('an engine.driver-reset fault needs a mechanism: a signal and the engine log file');
  }

  describe(): string {
    return `GPU driver reset under ${this.target.description}`;
  }

  async inject(ctx: FaultContext): Promise<void> {
    this.logOffset = fileSize(this.mechanism.logFile);
    this.pid = await signalTarget(this.target, this.mechanism.signal);
    ctx.log(`${this.describe()}: ${this.mechanism.signal} to pid ${this.pid}`);
  }

  async verify(ctx: FaultContext): Promise<Evidence> {
    if (this.pid === undefined) return { verdict: 'inconclusive', observed: { reason: 'never injected' } };
    const gone = await waitGone(this.pid, 2000, ctx);
    const written = readFrom(this.mechanism.logFile, this.logOffset);
    const line = written.split('\n').find((l) => this.mechanism.evidence.test(l));
    const observed = { ...gone.observed, log: this.mechanism.logFile, error_line: line ?? null, expected: String(this.mechanism.evidence) };
    return { verdict: gone.verdict === 'confirmed' && line ? 'confirmed' : 'mismatch', observed };
  }

  /** Nothing to undo: restarting the engine is the pool manager's job, and what the scenario checks. */
  async heal(): Promise<void> {}
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
