import { readdirSync, readFileSync } from 'node:fs';

/** The kernel's start time of `pid` (clock ticks since boot), '' when there is no such process. */
export function startTimeOf(pid: number): string {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? '';
  } catch {
    return '';
  }
}

/** True when `pid` exists and is not a zombie. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  return !isZombie(pid);
}

/** True when `pid` is a zombie (exited, not yet reaped) or gone. */
export function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] === 'Z';
  } catch {
    return true;
  }
}

/** The pids whose parent is `pid` (from /proc; a process that ends meanwhile is left out). */
export function childrenOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry) && parentOf(entry) === pid)
    .map(Number);
}

let bootMs: number | undefined;

/**
 * Epoch ms at which the kernel started `pid` (its fork), from its start time in clock ticks since boot: accurate to
 * about two ticks (20 ms), whatever the load, where a poll that sees the new process is as late as the poller is
 * starved. Undefined when there is no such process.
 */
export function startedAtMs(pid: number): number | undefined {
  const ticks = Number(startTimeOf(pid));
  if (!ticks) return undefined;
  // Boot time in epoch ms: now minus the uptime (10 ms resolution); read once, as it does not move.
  bootMs ??= Date.now() - Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]) * 1000;
  return Math.round(bootMs + (ticks * 1000) / CLOCK_TICKS_PER_S);
}

/** How long ago the kernel started `pid`, ms (NaN when there is no such process). */
export function ageMs(pid: number): number {
  return Date.now() - (startedAtMs(pid) ?? Number.NaN);
}

/** The kernel's USER_HZ: /proc reports process times in these ticks (100 on Linux for every mainstream architecture). */
const CLOCK_TICKS_PER_S = 100;

/** The command line of `pid`, argument by argument ([] when there is no such process). */
export function argvOf(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').slice(0, -1);
  } catch {
    return [];
  }
}

/** The parent of the process of /proc entry `pid`, undefined when it is gone. */
function parentOf(pid: string): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

/**
 * Processes that `parent` starts. Each look reads only the /proc entries it has not judged yet, so a look costs little
 * and can be made every few ms. A child is judged by its command line once it has exec'd (until then it is looked at
 * again), so one forked just before the watch is judged too: the caller tells a child that already ran apart first.
 */
export class BirthWatch {
  private readonly known: Set<string>;
  private readonly parentArgv: string;

  constructor(private readonly parent: number) {
    this.parentArgv = argvOf(parent).join('\0');
    this.known = new Set(readdirSync('/proc').filter((entry) => parentOf(entry) !== parent));
  }

  /** The first child of `parent` not judged yet whose command line `matches`, if one is there now. */
  born(matches: (argv: string[]) => boolean): number | undefined {
    for (const entry of readdirSync('/proc')) {
      if (this.known.has(entry) || !/^\d+$/.test(entry)) continue;
      if (parentOf(entry) !== this.parent) {
        this.known.add(entry);
        continue;
      }
      const argv = argvOf(Number(entry));
      if (matches(argv)) return Number(entry);
      // Judged once exec'd: before, it has its parent's command line; during the exec, an empty one.
      if (argv.length > 0 && argv.join('\0') !== this.parentArgv) this.known.add(entry);
    }
    return undefined;
  }
}
