import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Proxy, Toxiproxy } from 'toxiproxy-node-client';
import { MissingPrerequisite } from '../core/errors';
import { ProcessSpec } from '../processes/process-spec';
import type { RunningProcess } from '../processes/running-process';
import { Wait } from '../processes/wait/wait';
import { freePort } from './ports';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const install = require('./toxiproxy-binary.js') as { HINT: string; target: string };

/**
 * The real Shopify Toxiproxy server the network faults act through: the one `TOXIPROXY_URL` names, or one we start
 * from `.tools/bin` (installed by `npm install`) or PATH, on a free loopback port, stopped after the run.
 */
export class ToxiproxyService {
  private constructor(
    readonly url: string,
    readonly client: Toxiproxy,
    private readonly process?: RunningProcess,
  ) {}

  static async start(logDir: string): Promise<ToxiproxyService> {
    const given = process.env.TOXIPROXY_URL;
    if (given) {
      const client = new Toxiproxy(given);
      try {
        await client.getVersion();
      } catch (err) {
        throw new MissingPrerequisite(`TOXIPROXY_URL=${given} does not answer (${(err as Error).message}); ${install.HINT}`);
      }
      return new ToxiproxyService(given, client);
    }
    const binary = findServer();
    if (!binary) throw new MissingPrerequisite(`Network faults need Toxiproxy: ${install.HINT}`);
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const proc = await new ProcessSpec('toxiproxy-server', [binary, '-host', '127.0.0.1', '-port', String(port), '-proxy-metrics'])
      .withEnv({ LOG_LEVEL: 'warn' })
      .withLogFile(path.join(logDir, 'toxiproxy-server.log'))
      .withWaitStrategy(Wait.forHttp(`${url}/version`).forStatus(200))
      .withStartupTimeout(10_000)
      .start();
    return new ToxiproxyService(url, new Toxiproxy(url), proc);
  }

  /** Creates a proxy listening on a free loopback port in front of `upstream` (`host:port`). */
  async createProxy(name: string, upstream: string): Promise<Proxy> {
    return this.client.createProxy({ name, listen: '127.0.0.1:0', upstream, enabled: true });
  }

  /**
   * Bytes one proxy has carried so far, both directions or the one given, from the server's own counters
   * (`toxiproxy_proxy_{received,sent}_bytes_total`; a server given by TOXIPROXY_URL must run with `-proxy-metrics`).
   */
  async trafficBytes(proxyName: string, direction?: 'upstream' | 'downstream'): Promise<number> {
    const res = await fetch(`${this.url}/metrics`, { signal: AbortSignal.timeout(2000) });
    const text = await res.text();
    if (res.status !== 200)
      throw new MissingPrerequisite(`Toxiproxy at ${this.url} serves no /metrics (HTTP ${res.status}): start it with -proxy-metrics`);
    let total = 0;
    for (const line of text.split('\n')) {
      if (!line.startsWith('toxiproxy_proxy_') || !line.includes(`proxy="${proxyName}"`)) continue;
      if (direction && !line.includes(`direction="${direction}"`)) continue;
      total += Number(line.slice(line.lastIndexOf(' ') + 1)) || 0;
    }
    return total;
  }

  /** The pid of the server this service started (undefined for a server given by TOXIPROXY_URL). */
  get pid(): number | undefined {
    return this.process?.pid;
  }

  /** The names of every proxy on the server. */
  async proxyNames(): Promise<string[]> {
    return Object.keys(await this.client.getAll());
  }

  /** Every toxic on every proxy of the server, from its own listing (the client's Proxy drops the toxics it lists). */
  async toxics(): Promise<{ proxy: string; toxic: string }[]> {
    const res = await fetch(`${this.url}/proxies`, { signal: AbortSignal.timeout(2000) });
    const all = (await res.json()) as Record<string, { toxics?: { name: string }[] }>;
    return Object.entries(all).flatMap(([proxy, p]) => (p.toxics ?? []).map((t) => ({ proxy, toxic: t.name })));
  }

  /** Deletes one toxic from one proxy; one already gone is fine. */
  async removeToxic(proxy: string, toxic: string): Promise<void> {
    const found = await (await this.client.getAll())[proxy]?.getToxic(toxic).catch(() => undefined);
    await found?.remove();
  }

  /** Deletes one proxy; one already gone is fine. */
  async removeProxy(name: string): Promise<void> {
    const all = await this.client.getAll();
    await all[name]?.remove();
  }

  /** Deletes every proxy whose name matches (a finished or killed run's leftovers on a shared server). */
  async removeProxiesOf(match: (name: string) => boolean): Promise<string[]> {
    const all = await this.client.getAll();
    const names = Object.keys(all).filter(match);
    await Promise.all(names.map((n) => all[n].remove().catch(() => undefined)));
    return names;
  }

  async stop(): Promise<void> {
    await this.process?.stop(1000);
  }
}

function findServer(): string | undefined {
  if (existsSync(install.target)) return install.target;
  const found = spawnSync('sh', ['-c', 'command -v toxiproxy-server'], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() : undefined;
}
