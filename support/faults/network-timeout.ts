import { declareKind } from './kind';
import type { LinkTarget } from './targets';
import { probeLink } from './link-probe';
import { LinkObservation, Stream, ToxicFault } from './toxic-fault';
import { type ExploreForms, linkHeal } from './explore-form';

/**
 * A black hole: connections open but every byte in one direction is dropped and nothing closes (Toxiproxy `timeout`
 * with `timeout: 0`); removing it closes the affected connections. Hot-added, it stalls live streams too. Observed as
 * a probe that connects but gets no byte back within `observeMs`.
 */
export class NetworkTimeoutFault extends ToxicFault {
  readonly kind = 'network.timeout' as const;

  constructor(
    links: LinkTarget | LinkTarget[],
    private readonly observeMs = 300,
    stream: Stream = 'downstream',
  ) {
    super([links].flat(), 'timeout', stream, 1, { timeout: 0 });
  }

  describe(): string {
    return `black hole (${this.stream}: nothing gets through, nothing closes) on ${this.onLinks()}`;
  }

  protected async observe(link: LinkTarget): Promise<LinkObservation> {
    // Keep-alive: an HTTP server closing after its answer would travel through the black hole as an EOF.
    const probe = await probeLink(link.proxy.listen, { timeoutMs: this.observeMs, keepAlive: true });
    return {
      verdict: probe.outcome === 'timeout' && probe.bytes === 0 ? 'confirmed' : 'mismatch',
      observed: { expected: `no byte within ${this.observeMs} ms`, probe },
    };
  }
}

/** The explorer's form: a replica's link stalls (a black hole). */
export const TIMEOUT_FORMS = {
  'link-stall': { place: 'link', inject: (r) => `the link to replica ${r} stalls`, heal: linkHeal },
} satisfies ExploreForms;

/** The kind, declared once (support/faults/kind.ts): the registry, the tags, the checker and the explorer read it. */
export const NETWORK_TIMEOUT = declareKind(
  {
    kind: 'network.timeout',
    meaning: 'a black hole: nothing gets through, nothing closes',
    file: __filename,
    errors: ['DECODE_TIMEOUT', 'POOL_UNAVAILABLE', 'WORKER_RESET'],
    explore: TIMEOUT_FORMS,
  },
  NetworkTimeoutFault,
);
