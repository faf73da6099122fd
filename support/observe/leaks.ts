import { readFileSync } from 'node:fs';
import { CGROUP_PREFIX, suiteCgroups } from '../faults/cgroup';
import { suiteMounts, unmount } from '../faults/disk-full';
import { processesOwnedBy } from '../processes/reaper';

/** What a scenario or a run left behind that it should have removed. */
export interface Leak {
  kind: 'process' | 'proxy' | 'cgroup' | 'mount';
  what: string;
}

/**
 * Finds what is left of a scenario (or a run) once it ended: processes carrying the runner's owner tag (except the
 * ones the run keeps on purpose, like its Toxiproxy server), Toxiproxy proxies, cgroups and tmpfs mounts whose names
 * start with `prefix`. Every process, proxy, cgroup and mount of the suite is named or tagged so this can see it.
 */
export async function findLeaks(prefix: string, owner: string, keepPids: number[], proxyNames: () => Promise<string[]>): Promise<Leak[]> {
  const leaks: Leak[] = [];
  for (const pid of processesOwnedBy((tag) => tag === owner))
    if (!keepPids.includes(pid)) leaks.push({ kind: 'process', what: `${pid} ${commandOf(pid)}` });
  for (const name of await proxyNames().catch(() => [])) if (name.startsWith(prefix)) leaks.push({ kind: 'proxy', what: name });
  for (const controller of ['memory', 'cpu'] as const)
    for (const g of suiteCgroups(controller, (n) => n.startsWith(prefix) || (prefix === CGROUP_PREFIX && n.startsWith(CGROUP_PREFIX))))
      leaks.push({ kind: 'cgroup', what: g.dir });
  for (const m of suiteMounts()) if (m.name.startsWith(prefix)) leaks.push({ kind: 'mount', what: `${m.name} on ${m.dir}` });
  return leaks;
}

/** Removes what `findLeaks` found (kills, deletes, removes, unmounts); returns what could not be removed. */
export async function cleanLeaks(leaks: Leak[], removeProxy: (name: string) => Promise<void>): Promise<string[]> {
  const stuck: string[] = [];
  for (const leak of leaks) {
    try {
      if (leak.kind === 'process') process.kill(Number(leak.what.split(' ')[0]), 'SIGKILL');
      if (leak.kind === 'proxy') await removeProxy(leak.what);
      if (leak.kind === 'mount') unmount(leak.what.split(' on ')[1]);
      if (leak.kind === 'cgroup') {
        const [controller, name] = leak.what.split('/').slice(-2);
        for (const g of suiteCgroups(controller as 'memory' | 'cpu', (n) => n === name)) await g.remove();
      }
    } catch (err) {
      stuck.push(`${leak.kind} ${leak.what}: ${(err as Error).message}`);
    }
  }
  return stuck;
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim().slice(0, 120);
  } catch {
    return '(gone)';
  }
}
