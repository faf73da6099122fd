import { declareKind } from './kind';
import { InvalidFaultSpec } from '../core/errors';
import type { LinkTarget } from './targets';
import type { Evidence, Fault, FaultContext, HealVerified, Preflighted } from './fault';
import { trafficCrosses } from './link-checks';
import { TRAFFIC_WITHIN_MS } from './toxic-fault';
import { probeLink } from './link-probe';
import { enableIfPresent, setEnabled } from './network-partition';
import { type ExploreForms, linkHeal } from './explore-form';

/**
 * A link that refuses connections: its proxy is disabled, so new connects get ECONNREFUSED and live connections are
 * closed (Toxiproxy `enabled:false`). Proven by a probe connection being refused.
 */
export class NetworkDownFault implements Fault, Preflighted, HealVerified {
  readonly kind = 'network.down' as const;

  constructor(private readonly link: LinkTarget) {
    if (!link?.proxy) throw new InvalidFaultSpec('a network.down fault must have a link with a proxy');
  }

  describe(): string {
    return `refuse connections on ${this.link.description}`;
  }

  async inject(): Promise<void> {
    await setEnabled(this.link.proxy, false);
  }

  async verify(): Promise<Evidence> {
    const probe = await probeLink(this.link.proxy.listen, 1000);
    return {
      verdict: probe.outcome === 'refused' ? 'confirmed' : 'mismatch',
      observed: { proxy: this.link.proxy.name, listen: this.link.proxy.listen, probe },
    };
  }

  async heal(): Promise<void> {
    await enableIfPresent(this.link.proxy);
  }
  /** Before the cut: the stack's own traffic crosses the proxy. */
  preflight(ctx: FaultContext): Promise<Evidence> {
    return trafficCrosses([this.link], TRAFFIC_WITHIN_MS, ctx);
  }

  /** After the heal: the stack's traffic flows through the proxy again. */
  verifyHealed(ctx: FaultContext): Promise<Evidence> {
    return trafficCrosses([this.link], TRAFFIC_WITHIN_MS, ctx);
  }
}

/** The explorer's form: a replica's link refuses connections. */
export const DOWN_FORMS = {
  'link-refused': {
    place: 'link',
    inject: (r) => `replica ${r} refuses connections from the orchestrator`,
    heal: linkHeal,
  },
} satisfies ExploreForms;

/** The kind, declared once (support/faults/kind.ts): the registry, the tags, the checker and the explorer read it. */
export const NETWORK_DOWN = declareKind(
  {
    kind: 'network.down',
    meaning: 'a link refuses connections: proxy disabled',
    file: __filename,
    errors: ['POOL_UNAVAILABLE', 'WORKER_RESET'],
    explore: DOWN_FORMS,
  },
  NetworkDownFault,
);
