import { declareKind } from './kind';
import type { LinkTarget } from './targets';
import { InvalidFaultSpec } from '../core/errors';
import { probeLink } from './link-probe';
import { LinkObservation, Stream, ToxicFault } from './toxic-fault';
import { type ExploreForms, linkHeal } from './explore-form';

export interface LatencySpec {
  latencyMs: number;
  jitterMs?: number;
  stream?: Stream;
}

/**
 * Latency (± jitter) added to every chunk crossing the links in one direction (Toxiproxy `latency`). Observed as a
 * probe's first byte arriving no earlier than latency − jitter.
 */
export class NetworkLatencyFault extends ToxicFault {
  readonly kind = 'network.latency' as const;

  constructor(
    links: LinkTarget | LinkTarget[],
    private readonly spec: LatencySpec,
  ) {
    if (!Number.isInteger(spec.latencyMs) || spec.latencyMs <= 0)
      throw new InvalidFaultSpec(`Expected \`latencyMs\` to be a positive integer, got \`${spec.latencyMs}\``);
    const jitter = spec.jitterMs ?? 0;
    if (!Number.isInteger(jitter) || jitter < 0 || jitter > spec.latencyMs)
      throw new InvalidFaultSpec(`Expected \`jitterMs\` to be an integer in [0, latencyMs], got \`${spec.jitterMs}\``);
    super([links].flat(), 'latency', spec.stream ?? 'downstream', 1, { latency: spec.latencyMs, jitter });
  }

  describe(): string {
    return `${this.spec.latencyMs}${this.spec.jitterMs ? `±${this.spec.jitterMs}` : ''} ms latency (${this.stream}) on ${this.onLinks()}`;
  }

  protected async observe(link: LinkTarget): Promise<LinkObservation> {
    const floorMs = this.spec.latencyMs - (this.spec.jitterMs ?? 0);
    const probe = await probeLink(link.proxy.listen, this.spec.latencyMs + (this.spec.jitterMs ?? 0) + 2000);
    const observed = { expected_first_byte_at_least_ms: floorMs, probe };
    if (probe.outcome !== 'answered') return { verdict: 'inconclusive', observed };
    return { verdict: (probe.firstByteMs ?? 0) >= floorMs - 5 ? 'confirmed' : 'mismatch', observed };
  }
}

/** The explorer's form: latency on a replica's link. */
export const LATENCY_FORMS = {
  'link-latency': {
    place: 'link',
    inject: (r, m) => `the link to replica ${r} has ${m} ms of latency`,
    heal: linkHeal,
    magnitude: { min: 20, max: 800 },
  },
} satisfies ExploreForms;

/** The kind, declared once (support/faults/kind.ts): the registry, the tags, the checker and the explorer read it. */
export const NETWORK_LATENCY = declareKind(
  {
    kind: 'network.latency',
    meaning: 'latency ± jitter on links',
    file: __filename,
    errors: ['DECODE_TIMEOUT'],
    explore: LATENCY_FORMS,
  },
  NetworkLatencyFault,
);
