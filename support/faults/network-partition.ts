import { declareKind } from './kind';
import type { Proxy } from 'toxiproxy-node-client';
import { InvalidFaultSpec } from '../core/errors';
import type { LinkTarget } from './targets';
import type { Evidence, Fault, FaultContext, HealVerified, Preflighted } from './fault';
import { everyLink, trafficCrosses } from './link-checks';
import { TRAFFIC_WITHIN_MS } from './toxic-fault';
import { probeLink } from './link-probe';
import type { ExploreForms } from './explore-form';

/**
 * A partition: a named set of links cut at once (their proxies disabled: new connections refused, live ones closed),
 * e.g. two replicas, or the pool manager, cut off from the orchestrator. Observed as every link refusing a probe.
 */
export class NetworkPartitionFault implements Fault, Preflighted, HealVerified {
  readonly kind = 'network.partition' as const;

  constructor(
    private readonly name: string,
    private readonly links: LinkTarget[],
  ) {
    if (links.length === 0 || links.some((l) => !l?.proxy))
      throw new InvalidFaultSpec('a partition must cut at least one link with a proxy');
  }

  describe(): string {
    return `partition "${this.name}": cut ${this.links.map((l) => l.description).join(', ')}`;
  }

  async inject(): Promise<void> {
    await everyLink(this.links, (link) => setEnabled(link.proxy, false));
  }

  async verify(): Promise<Evidence> {
    const probes = await Promise.all(this.links.map(async (l) => ({ link: l.description, probe: await probeLink(l.proxy.listen, 1000) })));
    const cut = probes.every((p) => p.probe.outcome === 'refused');
    return { verdict: cut ? 'confirmed' : 'mismatch', observed: { partition: this.name, links: probes } };
  }

  async heal(): Promise<void> {
    await everyLink(this.links, (link) => enableIfPresent(link.proxy));
  }
  /** Before the cut: the stack's own traffic crosses the proxy. */
  preflight(ctx: FaultContext): Promise<Evidence> {
    return trafficCrosses(this.links, TRAFFIC_WITHIN_MS, ctx);
  }

  /** After the heal: the stack's traffic flows through the proxy again. */
  verifyHealed(ctx: FaultContext): Promise<Evidence> {
    return trafficCrosses(this.links, TRAFFIC_WITHIN_MS, ctx);
  }
}

/** Re-enables a proxy; one that no longer exists has nothing left to heal. */
export async function enableIfPresent(proxy: Proxy): Promise<void> {
  try {
    await setEnabled(proxy, true);
  } catch (err) {
    if (!/404|not found/i.test((err as Error).message)) throw err;
  }
}

/** Enables or disables a proxy (Toxiproxy `enabled`); shared with NetworkDownFault. */
export function setEnabled(proxy: Proxy, enabled: boolean): Promise<unknown> {
  return proxy.update({ enabled, listen: proxy.listen, upstream: proxy.upstream });
}

/** The explorer's form: the pool manager cut off from the orchestrator. */
export const PARTITION_FORMS = {
  'pool-manager-cut-off': {
    place: 'pool-manager-link',
    inject: () => 'the pool manager is cut off from the orchestrator',
    heal: () => 'the link to the pool manager recovers',
  },
} satisfies ExploreForms;

/** The kind, declared once (support/faults/kind.ts): the registry, the tags, the checker and the explorer read it. */
export const NETWORK_PARTITION = declareKind(
  {
    kind: 'network.partition',
    meaning: 'a named set of links cut at once',
    file: __filename,
    errors: ['POOL_UNAVAILABLE', 'WORKER_RESET', 'DECODE_TIMEOUT'],
    explore: PARTITION_FORMS,
  },
  NetworkPartitionFault,
);
