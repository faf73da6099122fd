import { declareKind } from './kind';
import { InvalidFaultSpec } from '../core/errors';
import type { LinkTarget } from './targets';
import { probeLink } from './link-probe';
import { LinkObservation, Stream, ToxicFault } from './toxic-fault';
import { type ExploreForms, linkHeal } from './explore-form';

/**
 * A slow link: bytes in one direction limited to `rateKBps` (Toxiproxy `bandwidth`), so a token stream dribbles in.
 * Observed as a probe's answer taking at least most of bytes ÷ rate.
 */
export class NetworkSlowFault extends ToxicFault {
  readonly kind = 'network.slow' as const;

  constructor(
    links: LinkTarget | LinkTarget[],
    private readonly rateKBps: number,
    stream: Stream = 'downstream',
  ) {
    if (!Number.isInteger(rateKBps) || rateKBps <= 0)
      throw new InvalidFaultSpec(`Expected \`rateKBps\` to be a positive integer, got \`${rateKBps}\``);
    super([links].flat(), 'bandwidth', stream, 1, { rate: rateKBps });
  }

  describe(): string {
    return `bandwidth limited to ${this.rateKBps} KB/s (${this.stream}) on ${this.onLinks()}`;
  }

  protected async observe(link: LinkTarget): Promise<LinkObservation> {
    const probe = await probeLink(link.proxy.listen, { timeoutMs: 5000, padBytes: 200 });
    // Toxiproxy's rate is KB/s, i.e. bytes per ms.
    const expectedMs = probe.bytes / this.rateKBps;
    const observed = { rate_kbps: this.rateKBps, expected_at_least_ms: Math.round(0.7 * expectedMs), probe };
    if (probe.outcome !== 'answered' || probe.bytes < 100) return { verdict: 'inconclusive', observed };
    return { verdict: (probe.lastByteMs ?? 0) >= 0.7 * expectedMs ? 'confirmed' : 'mismatch', observed };
  }
}

/** The explorer's form: a replica's link dribbles. */
export const SLOW_FORMS = {
  'link-slow': {
    place: 'link',
    inject: (r, m) => `the link from replica ${r} dribbles at ${m} KB/s`,
    heal: linkHeal,
    magnitude: { min: 1, max: 20 },
  },
} satisfies ExploreForms;

/** The kind, declared once (support/faults/kind.ts): the registry, the tags, the checker and the explorer read it. */
export const NETWORK_SLOW = declareKind(
  {
    kind: 'network.slow',
    meaning: 'bandwidth limited: tokens dribble in',
    file: __filename,
    // A stream too slow for its timeout fails as such. And the toxic's removal holds the proxy's lock until the held
    // chunk drains, up to 5 s (Toxiproxy's toxics/bandwidth.go): the orchestrator's probes of the replica time out
    // meanwhile, it takes the replica for unreachable, and a task submitted just after the heal, before its next probe,
    // is refused as unavailable with a retry hint (seen 42 ms after a heal, 2026-12-05: 1 run in 6 of the slow-link cancel).
    errors: ['DECODE_TIMEOUT', 'POOL_UNAVAILABLE'],
    explore: SLOW_FORMS,
  },
  NetworkSlowFault,
);
