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
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) children.push(Number(entry));
    } catch {
      /* gone meanwhile */
    }
  }
  return children;
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

/** The kernel's USER_HZ: /proc reports process times in these ticks (100 on Linux for every mainstream architecture). */
const CLOCK_TICKS_PER_S = 100;
