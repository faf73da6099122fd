import { readdirSync, readFileSync } from 'node:fs';
import { isZombie, startTimeOf } from '../core/pids';

/** The environment variable every process we spawn carries: `<runner pid>:<runner start time>`. */
export const OWNER_ENV = 'LLORCH_CHAOS_OWNER';

/** This runner's owner tag; a process carrying it (or its descendants, which inherit it) is ours. */
export const ownerTag = `${process.pid}:${startTimeOf(process.pid)}`;

const groups = new Set<number>();

/** Remembers a process group to kill at exit; every spawned daemon leads its own group. */
export function registerGroup(pgid: number): void {
  groups.add(pgid);
}

export function unregisterGroup(pgid: number): void {
  groups.delete(pgid);
}

/**
 * Kills everything this runner started: each registered process group, then any process still carrying our owner tag
 * (engines re-parented after their pool manager died). Synchronous, so it also works from an `exit` handler.
 * Returns the pids it signalled.
 */
export function reapAll(): number[] {
  const killed: number[] = [];
  for (const pgid of groups) {
    try {
      process.kill(-pgid, 'SIGKILL');
      killed.push(pgid);
    } catch {
      /* group already gone */
    }
  }
  groups.clear();
  for (const pid of processesOwnedBy((tag) => tag === ownerTag)) {
    if (signal(pid)) killed.push(pid);
  }
  // A SIGKILL is delivered, not yet done: a process may still be exiting when the runner exits (seen once in CI: the
  // interrupted-run test found one of the run's processes alive just after the runner's exit). Wait until every
  // process of ours is gone or a zombie, up to REAP_WAIT_MS, killing again any that appeared meanwhile.
  const deadline = Date.now() + REAP_WAIT_MS;
  for (let left = processesOwnedBy((tag) => tag === ownerTag); left.length > 0 && Date.now() < deadline; ) {
    for (const pid of left) signal(pid);
    Atomics.wait(pause, 0, 0, 5); // a synchronous 5 ms pause between looks: this also runs in an exit handler
    left = processesOwnedBy((tag) => tag === ownerTag);
  }
  return killed;
}

/** How long reapAll waits for the processes it killed to be gone. */
const REAP_WAIT_MS = 2000;
const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Kills processes left by runs that are no longer alive (a runner killed with SIGKILL could not reap): any process
 * whose owner tag names a runner pid that is gone or was reused. Called at start-up; returns the pids it killed.
 */
export function reapOrphans(): number[] {
  const killed: number[] = [];
  const orphan = (tag: string): boolean => {
    if (tag === ownerTag) return false;
    const [pid, start] = tag.split(':');
    return startTimeOf(Number(pid)) !== start;
  };
  for (const pid of processesOwnedBy(orphan)) if (signal(pid)) killed.push(pid);
  return killed;
}

/** Pids of live processes whose owner tag satisfies `match` (read from /proc/<pid>/environ). */
export function processesOwnedBy(match: (tag: string) => boolean): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    let environ: string;
    try {
      environ = readFileSync(`/proc/${entry}/environ`, 'latin1');
    } catch {
      continue;
    }
    const found = environ.split('\0').find((kv) => kv.startsWith(`${OWNER_ENV}=`));
    if (found && match(found.slice(OWNER_ENV.length + 1)) && !isZombie(Number(entry))) pids.push(Number(entry));
  }
  return pids;
}

function signal(pid: number): boolean {
  try {
    process.kill(pid, 'SIGKILL');
    return true;
  } catch {
    return false;
  }
}
