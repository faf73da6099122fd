import { readFileSync } from 'node:fs';
import { CGROUP_PREFIX, suiteCgroups } from '../faults/cgroup';
import { suiteMounts, unmount } from '../faults/disk-full';
import { processesOwnedBy } from '../processes/reaper';

/** What a scenario or a run left behind that it should have removed. */
export interface Leak {
  kind: 'process' | 'proxy' | 'toxic' | 'cgroup' | 'mount';
  what: string;
}

/** What the leak check needs of the Toxiproxy server (support/stack/toxiproxy.ts). */
export interface ProxyServer {
  proxyNames(): Promise<string[]>;
  /** Every toxic on every proxy, as `toxic on proxy`. */
  toxics(): Promise<{ proxy: string; toxic: string }[]>;
  removeProxy(name: string): Promise<void>;
  removeToxic(proxy: string, toxic: string): Promise<void>;
}

/** No server (a run that never started one): nothing to find there. */
export const NO_PROXY_SERVER: ProxyServer = {
  proxyNames: async () => [],
  toxics: async () => [],
  removeProxy: async () => undefined,
  removeToxic: async () => undefined,
};

/**
 * Toxics still on the scenario's proxies once its faults were healed: a network fault that outlived its heal. Looked
 * for before the stack stops, since stopping removes the proxies and their toxics with them.
 */
export async function findToxicLeaks(prefix: string, server: ProxyServer): Promise<Leak[]> {
  const toxics = await server.toxics().catch(() => []);
  return toxics.filter((t) => t.proxy.startsWith(prefix)).map((t) => ({ kind: 'toxic', what: `${t.toxic} on ${t.proxy}` }));
}

/**
 * Finds what is left of a scenario (or a run) once it ended: processes carrying the runner's owner tag (except the
 * ones the run keeps on purpose, like its Toxiproxy server), Toxiproxy proxies, cgroups and tmpfs mounts whose names
 * start with `prefix`. Every process, proxy, cgroup and mount of the suite is named or tagged so this can see it.
 */
export async function findLeaks(prefix: string, owner: string, keepPids: number[], server: ProxyServer): Promise<Leak[]> {
  const leaks: Leak[] = [];
  for (const pid of processesOwnedBy((tag) => tag === owner))
    if (!keepPids.includes(pid)) leaks.push({ kind: 'process', what: `${pid} ${commandOf(pid)}` });
  for (const name of await server.proxyNames().catch(() => [])) if (name.startsWith(prefix)) leaks.push({ kind: 'proxy', what: name });
  for (const controller of ['memory', 'cpu'] as const)
    for (const g of suiteCgroups(controller, (n) => n.startsWith(prefix) || (prefix === CGROUP_PREFIX && n.startsWith(CGROUP_PREFIX))))
      leaks.push({ kind: 'cgroup', what: g.dir });
  for (const m of suiteMounts()) if (m.name.startsWith(prefix)) leaks.push({ kind: 'mount', what: `${m.name} on ${m.dir}` });
  return leaks;
}

/** Removes what `findLeaks` found (kills, deletes, removes, unmounts); returns what could not be removed. */
export async function cleanLeaks(leaks: Leak[], server: ProxyServer): Promise<string[]> {
  const stuck: string[] = [];
  for (const leak of leaks) {
    try {
      if (leak.kind === 'process') process.kill(Number(leak.what.split(' ')[0]), 'SIGKILL');
      if (leak.kind === 'proxy') await server.removeProxy(leak.what);
      if (leak.kind === 'toxic') {
        const [toxic, proxy] = leak.what.split(' on ');
        await server.removeToxic(proxy, toxic);
      }
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
