import { execa } from 'execa';
import { ProcessStartFailed } from '../core/errors';
import { LogBuffer } from './log-buffer';
import { OWNER_ENV, ownerTag, registerGroup } from './reaper';
import { RunningProcess } from './running-process';
import type { WaitStrategy } from './wait/wait';

/**
 * How to start a daemon: command, environment, readiness condition and its limit. `start()` spawns it as the leader
 * of a new process group (so the reaper can take it and everything it spawns), tags it with the runner's owner tag,
 * and resolves once the wait strategy holds.
 */
export class ProcessSpec {
  private env: Record<string, string> = {};
  private cwd = process.cwd();
  private wait?: WaitStrategy;
  private startupTimeoutMs = 15_000;
  private logFile?: string;

  constructor(
    readonly name: string,
    readonly command: readonly string[],
  ) {
    if (command.length === 0) throw new ProcessStartFailed(`${name}: a process needs a command`);
  }

  withEnv(env: Record<string, string>): this {
    this.env = { ...this.env, ...env };
    return this;
  }

  withCwd(cwd: string): this {
    this.cwd = cwd;
    return this;
  }

  withWaitStrategy(wait: WaitStrategy): this {
    this.wait = wait;
    return this;
  }

  withStartupTimeout(ms: number): this {
    this.startupTimeoutMs = ms;
    return this;
  }

  withLogFile(path: string): this {
    this.logFile = path;
    return this;
  }

  /** Spawns the process and waits until it is ready; on failure the process is stopped and the error has its log tail. */
  async start(): Promise<RunningProcess> {
    const logs = new LogBuffer(this.logFile);
    const child = execa(this.command[0], this.command.slice(1), {
      cwd: this.cwd,
      env: { ...this.env, [OWNER_ENV]: ownerTag },
      extendEnv: true,
      detached: true,
      reject: false,
      stdin: 'ignore',
      buffer: false,
      cleanup: false,
    });
    if (child.pid === undefined) {
      const result = await child;
      throw new ProcessStartFailed(`${this.name}: could not spawn \`${this.command.join(' ')}\`: ${result.message ?? 'no pid'}`);
    }
    registerGroup(child.pid);
    child.stdout?.on('data', (c: Buffer) => logs.append(c));
    child.stderr?.on('data', (c: Buffer) => logs.append(c));
    const running = new RunningProcess(this.name, child.pid, logs, child);
    if (this.wait) {
      try {
        await running.waitUntilReady(this.wait, this.startupTimeoutMs);
      } catch (err) {
        await running.stop(500);
        throw err;
      }
    }
    return running;
  }
}
