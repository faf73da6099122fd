import { readFileSync } from 'node:fs';
import { InvalidFaultSpec, WaitTimedOut } from '../core/errors';
import { eventually } from '../core/eventually';
import { isAlive } from '../core/pids';
import type { Evidence, FaultContext } from './fault';
import { SignalFault } from './signal-fault';
import type { DriverResetMechanism, ProcessTarget } from './targets';

/** How long the engine's line about the streams it ended may take to reach its log file, ms. */
const LOG_FLUSH_MS = 1000;

/**
 * An engine ends its open streams cleanly — the HTTP response properly finished, no reset — before the frame that says
 * the generation stopped, and goes on serving: a buggy or dying engine's last act, which no network fault can do (a
 * proxy can only reset or stall a connection). The orchestrator must not take such an end for a finished generation.
 * Proven by the engine's own line that it ended them, from a process still alive (it did not die instead).
 */
export class EngineStreamEndFault extends SignalFault {
  readonly kind = 'engine.stream-end' as const;
  private logOffset = 0;

  constructor(
    target: ProcessTarget,
    private readonly mechanism: DriverResetMechanism,
  ) {
    if (!mechanism?.signal || !mechanism.logFile)
      throw new InvalidFaultSpec('an engine.stream-end fault needs a mechanism: a signal and the engine log file');
    super(target, mechanism.signal);
  }

  describe(): string {
    return `streams ended early by ${this.target.description}`;
  }

  protected beforeSignal(): void {
    this.logOffset = readLog(this.mechanism.logFile).length;
  }

  protected async observe(pid: number, ctx: FaultContext): Promise<Evidence> {
    const lineNow = (): string | undefined =>
      readLog(this.mechanism.logFile)
        .subarray(this.logOffset)
        .toString('utf8')
        .split('\n')
        .find((l) => this.mechanism.evidence.test(l));
    const found = await eventually(
      `the line "${this.mechanism.evidence.source}" in ${this.mechanism.logFile}`,
      async () => {
        const line = lineNow();
        return { ok: line !== undefined, seen: line ?? 'no such line yet', value: line };
      },
      { withinMs: LOG_FLUSH_MS, everyMs: 10, signal: ctx.signal },
    ).catch((err) => {
      if (err instanceof WaitTimedOut) return undefined;
      throw err;
    });
    const alive = isAlive(pid);
    const observed = { log: this.mechanism.logFile, line: found?.value ?? null, still_alive: alive };
    return { verdict: found?.value && alive ? 'confirmed' : 'mismatch', observed };
  }
}

function readLog(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch {
    return Buffer.alloc(0);
  }
}
