import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { WaitTimedOut } from '../core/errors';
import { eventually, type Observation } from '../core/eventually';

/** Where the cgroup v1 controllers are mounted on the project machines (linux-faults.md). */
export const CGROUP_ROOT = '/sys/fs/cgroup';

/** Every cgroup this suite creates is named with this prefix (then the run and the scenario), so leftovers are found. */
export const CGROUP_PREFIX = 'llorch_';

export type Controller = 'memory' | 'cpu';

/** Why a cgroup fault cannot run here, or undefined when it can (root, and the v1 controller mounted). */
export function cgroupUnavailable(controller: Controller): string | undefined {
  if (process.getuid?.() !== 0) return `cgroups need root (running as uid ${process.getuid?.()})`;
  if (!existsSync(path.join(CGROUP_ROOT, controller, 'cgroup.procs')))
    return `no cgroup v1 ${controller} controller at ${CGROUP_ROOT}/${controller}`;
  return undefined;
}

/**
 * One cgroup v1 group of one controller, created by a fault and removed by its heal: processes are moved in by pid,
 * and moved back to the root group before the group is removed (a group with members cannot be removed).
 */
export class Cgroup {
  readonly dir: string;

  constructor(
    readonly controller: Controller,
    readonly name: string,
  ) {
    if (!name.startsWith(CGROUP_PREFIX)) throw new Error(`A cgroup of the suite must be named ${CGROUP_PREFIX}…, got ${name}`);
    this.dir = path.join(CGROUP_ROOT, controller, name);
  }

  get exists(): boolean {
    return existsSync(this.dir);
  }

  create(): void {
    mkdirSync(this.dir, { recursive: true });
  }

  write(file: string, value: string | number): void {
    writeFileSync(path.join(this.dir, file), String(value));
  }

  read(file: string): string {
    return readFileSync(path.join(this.dir, file), 'utf8');
  }

  /** A `key value` line of a stat-like file (memory.oom_control, cpu.stat), as a number (NaN when absent). */
  stat(file: string, key: string): number {
    const line = this.read(file)
      .split('\n')
      .find((l) => l.startsWith(`${key} `));
    return line ? Number(line.split(' ')[1]) : Number.NaN;
  }

  addPid(pid: number): void {
    this.write('cgroup.procs', pid);
  }

  pids(): number[] {
    return this.exists ? this.read('cgroup.procs').split('\n').filter(Boolean).map(Number) : [];
  }

  /** Moves every member back to the root group and removes the group; idempotent. Retries while members exit. */
  async remove(): Promise<void> {
    for (let attempt = 0; this.exists && attempt < 50; attempt++) {
      for (const pid of this.pids()) {
        try {
          writeFileSync(path.join(CGROUP_ROOT, this.controller, 'cgroup.procs'), String(pid));
        } catch {
          /* exited meanwhile */
        }
      }
      try {
        rmdirSync(this.dir);
        return;
      } catch {
        await delay(20);
      }
    }
    if (this.exists) throw new Error(`cgroup ${this.dir} could not be removed (members: ${this.pids().join(', ') || 'none'})`);
  }
}

/** The names of the suite's cgroups under one controller whose name matches (a dead run's leftovers). */
export function suiteCgroups(controller: Controller, match: (name: string) => boolean): Cgroup[] {
  const dir = path.join(CGROUP_ROOT, controller);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => n.startsWith(CGROUP_PREFIX) && match(n))
    .map((n) => new Cgroup(controller, n));
}

/**
 * Waits up to `withinMs` for a counter of a stat-like file of the group (`memory.oom_control` oom_kill,
 * `cpu.stat` nr_throttled) to rise above zero: the kernel's own proof that a limit bit. Returns the last value read.
 */
export async function counterRises(
  group: Cgroup,
  file: string,
  key: string,
  withinMs: number,
  signal: AbortSignal,
): Promise<{ value: number; waitedMs: number }> {
  const started = Date.now();
  const above = async (): Promise<Observation<number>> => {
    const value = group.stat(file, key);
    return { ok: value > 0, seen: `${key} ${value}`, value };
  };
  // Not rising is an answer (the verdict says mismatch), not an error of the wait.
  await eventually(`${key} of ${group.name} above 0`, above, { withinMs, everyMs: 20, signal }).catch((err) => {
    if (!(err instanceof WaitTimedOut)) throw err;
  });
  return { value: group.stat(file, key), waitedMs: Date.now() - started };
}

/** The heal proof every cgroup fault shares: its group is gone. */
export function groupRemoved(group: Cgroup): { verdict: 'confirmed' | 'mismatch'; observed: Record<string, unknown> } {
  return { verdict: group.exists ? 'mismatch' : 'confirmed', observed: { cgroup: group.dir, removed: !group.exists } };
}
