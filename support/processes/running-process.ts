import type { ResultPromise } from 'execa';
import { ProcessStartFailed, WaitTimedOut } from '../core/errors';
import { eventually } from '../core/eventually';
import type { LogBuffer } from './log-buffer';
import { isAlive } from '../core/pids';
import { unregisterGroup } from './reaper';
import type { WaitStrategy } from './wait/wait';

/** A process that has exited: how, and the last lines it wrote. */
export class ExitedProcess {
  constructor(
    readonly name: string,
    readonly pid: number,
    readonly exitCode: number | undefined,
    readonly signal: string | undefined,
    readonly logTail: string[],
  ) {}

  /** "exit code 0" or "signal SIGKILL". */
  describe(): string {
    return this.signal ? `signal ${this.signal}` : `exit code ${this.exitCode}`;
  }
}

/**
 * A live daemon we started: the only way to reach one. Signals go to the process itself (a fault), `stop()` and the
 * reaper take the whole process group (engines a pool manager spawned included).
 */
export class RunningProcess {
  readonly exited: Promise<ExitedProcess>;
  private exitedValue?: ExitedProcess;

  constructor(
    readonly name: string,
    readonly pid: number,
    readonly logs: LogBuffer,
    private readonly child: ResultPromise,
  ) {
    this.exited = child.then((result) => {
      unregisterGroup(this.pid);
      this.logs.close();
      this.exitedValue = new ExitedProcess(name, pid, result.exitCode, result.signal, logs.tail(50));
      return this.exitedValue;
    });
  }

  /**
   * Closes our end of the process's output pipes: from then on every write it makes to its standard output or error
   * fails (EPIPE), as when its log collector dies. Irreversible while it runs; what it wrote before is kept.
   */
  closeOutput(): void {
    this.child.stdout?.destroy();
    this.child.stderr?.destroy();
  }

  /** Whether our end of its output pipes is closed. */
  get outputClosed(): boolean {
    return (this.child.stdout?.destroyed ?? true) && (this.child.stderr?.destroyed ?? true);
  }

  get isRunning(): boolean {
    return this.exitedValue === undefined && isAlive(this.pid);
  }

  /** Sends `signal` to the process (not its group). Throws when it is gone. */
  signal(signal: NodeJS.Signals): void {
    process.kill(this.pid, signal);
  }

  /** Polls `strategy` until it holds; fails fast, with the log tail, if the process exits meanwhile. */
  async waitUntilReady(strategy: WaitStrategy, timeoutMs: number): Promise<number> {
    const abort = new AbortController();
    const exitedEarly = this.exited.then((e) => {
      if (abort.signal.aborted) return 0;
      throw new ProcessStartFailed(
        `${this.name} exited with ${e.describe()} while waiting for ${strategy.description}; last ${e.logTail.length} log lines:\n${e.logTail.join('\n')}`,
      );
    });
    try {
      const { elapsedMs } = await Promise.race([
        eventually(`${this.name} ready (${strategy.description})`, () => strategy.probe(this), {
          withinMs: timeoutMs,
          everyMs: 10,
          signal: abort.signal,
        }),
        exitedEarly as Promise<never>,
      ]);
      return elapsedMs;
    } catch (err) {
      if (err instanceof WaitTimedOut)
        throw new WaitTimedOut(`${err.message}; last 50 log lines of ${this.name}:\n${this.logs.tail(50).join('\n')}`);
      throw err;
    } finally {
      abort.abort();
    }
  }

  /** Waits for the process to exit by itself, up to `timeoutMs`. */
  async waitForExit(timeoutMs: number): Promise<ExitedProcess> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new WaitTimedOut(
              `${this.name} (pid ${this.pid}) did not exit within ${timeoutMs} ms; last 20 log lines:\n${this.logs.tail(20).join('\n')}`,
            ),
          ),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** `await using proc = await spec.start()` stops the process when the block ends. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  /** SIGTERM to the group, SIGKILL after `graceMs`; resolves with the exit. Idempotent. */
  async stop(graceMs = 3000): Promise<ExitedProcess> {
    if (this.exitedValue) return this.exitedValue;
    killGroup(this.pid, 'SIGTERM');
    const timer = setTimeout(() => killGroup(this.pid, 'SIGKILL'), graceMs);
    const exited = await this.exited;
    clearTimeout(timer);
    // The leader is gone; children it left in its group go too.
    killGroup(this.pid, 'SIGKILL');
    return exited;
  }
}

function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    /* group already gone */
  }
}
