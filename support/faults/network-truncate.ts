import { declareKind } from './kind';
import { InvalidFaultSpec } from '../core/errors';
import type { LinkTarget } from './targets';
import { probeLink } from './link-probe';
import { LinkObservation, ToxicFault } from './toxic-fault';
import { BREAKER_AT_LINK, type ExploreForms, linkHeal } from './explore-form';

/**
 * Requests cut on their way in: each connection passes its first `bytes` bytes upstream, then is closed (Toxiproxy
 * `limit_data` on the upstream stream, a per-connection counter). A request that fits, such as a health check, gets
 * through and is answered; a bigger one, such as a dispatch with its prompt, never reaches the engine whole: an MTU
 * black hole, or a proxy with a small request limit, on the way to a replica that is itself healthy. Observed as a
 * short probe answered and a long one (padded past `bytes`) closed without an answer.
 */
export class NetworkTruncateFault extends ToxicFault {
  readonly kind = 'network.truncate' as const;

  constructor(
    links: LinkTarget | LinkTarget[],
    private readonly bytes: number,
  ) {
    if (!Number.isInteger(bytes) || bytes < 1) throw new InvalidFaultSpec(`Expected \`bytes\` to be a positive integer, got \`${bytes}\``);
    super([links].flat(), 'limit_data', 'upstream', 1, { bytes });
  }

  describe(): string {
    return `requests cut after ${this.bytes} bytes on ${this.onLinks()}`;
  }

  protected async observe(link: LinkTarget): Promise<LinkObservation> {
    const short = await probeLink(link.proxy.listen, { timeoutMs: 2000 });
    const long = await probeLink(link.proxy.listen, { timeoutMs: 2000, padBytes: this.bytes * 2 });
    const cut = long.outcome === 'closed' || long.outcome === 'reset' || long.outcome === 'cut';
    return { verdict: short.outcome === 'answered' && cut ? 'confirmed' : 'mismatch', observed: { limit_bytes: this.bytes, short, long } };
  }
}

/** The explorer's form: requests to one replica cut on their way in, while its health checks pass. */
export const TRUNCATE_FORMS = {
  'link-truncate': {
    place: 'link',
    inject: (r) => `requests larger than a health check are cut on the way to replica ${r}`,
    heal: linkHeal,
    ...BREAKER_AT_LINK,
  },
} satisfies ExploreForms;

/** The kind, declared once (support/faults/kind.ts): the registry, the tags, the checker and the explorer read it. */
export const NETWORK_TRUNCATE = declareKind(
  {
    kind: 'network.truncate',
    meaning: 'requests longer than some bytes cut on their way in: health checks pass',
    file: __filename,
    // Every dispatch to the replica fails before its first token: retried elsewhere, or refused once no replica is left.
    errors: ['POOL_UNAVAILABLE', 'WORKER_RESET'],
    explore: TRUNCATE_FORMS,
  },
  NetworkTruncateFault,
);
