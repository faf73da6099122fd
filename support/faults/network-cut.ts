import { declareKind } from './kind';
import { InvalidFaultSpec } from '../core/errors';
import type { LinkTarget } from './targets';
import { probeLink } from './link-probe';
import { LinkObservation, ToxicFault } from './toxic-fault';
import { type ExploreForms, linkHeal } from './explore-form';

/**
 * Streams cut mid-way: each connection passes `bytes` more bytes downstream, then is closed cleanly, a FIN and no
 * reset (Toxiproxy `limit_data`, a per-connection counter; only its `reset_peer` toxic sets a zero linger). Hot-added,
 * it cuts the live streams a little further on. Observed as a probe whose answer stops short after at most `bytes`
 * bytes and ends without ECONNRESET (a reset is a different fault, `network.reset`, and does not confirm this one).
 * A clean end of the connection before the engine's stop frame is then what the orchestrator must treat as an error
 * (the `silent-truncation` mutant, which counts it as the end of the generation, is killed by stream-degradation).
 */
export class NetworkCutFault extends ToxicFault {
  readonly kind = 'network.cut' as const;

  constructor(
    links: LinkTarget | LinkTarget[],
    private readonly bytes: number,
  ) {
    if (!Number.isInteger(bytes) || bytes < 0)
      throw new InvalidFaultSpec(`Expected \`bytes\` to be a non-negative integer, got \`${bytes}\``);
    super([links].flat(), 'limit_data', 'downstream', 1, { bytes });
  }

  describe(): string {
    return `streams cut after ${this.bytes} more bytes on ${this.onLinks()}`;
  }

  protected async observe(link: LinkTarget): Promise<LinkObservation> {
    // Several pipelined requests, so that the answers of any HTTP server (or an echo) outgrow the limit, however short
    // one answer is: the probe must then see the connection close after at most `bytes` bytes.
    const probe = await probeLink(link.proxy.listen, { timeoutMs: 2000, padBytes: 100, pipelined: Math.ceil(this.bytes / 100) + 1 });
    const cut = (probe.outcome === 'cut' || probe.outcome === 'closed') && probe.bytes <= this.bytes;
    return { verdict: cut ? 'confirmed' : 'mismatch', observed: { limit_bytes: this.bytes, probe } };
  }
}

/** The explorer's form: a replica's stream cut after a few more tokens. */
export const CUT_FORMS = {
  'link-cut': {
    place: 'link',
    inject: (r) => `the stream from replica ${r} is cut after a few more tokens`,
    heal: linkHeal,
  },
} satisfies ExploreForms;

/** The kind, declared once (support/faults/kind.ts): the registry, the tags, the checker and the explorer read it. */
export const NETWORK_CUT = declareKind(
  {
    kind: 'network.cut',
    meaning: 'streams cut after some bytes',
    file: __filename,
    // A link that cuts every stream fails each attempt on that replica: its breaker opens (ORCHD_BREAKER_THRESHOLD), and
    // with no other replica new tasks are refused as unavailable, with a retry hint (found by the explorer, seed 1001).
    errors: ['WORKER_RESET', 'DECODE_TIMEOUT', 'POOL_UNAVAILABLE'],
    explore: CUT_FORMS,
  },
  NetworkCutFault,
);
