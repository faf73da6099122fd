import { declareKind } from './kind';
import { InvalidFaultSpec } from '../core/errors';
import type { LinkTarget } from './targets';
import { probeMany } from './link-probe';
import { type LinkObservation, type Stream, ToxicFault } from './toxic-fault';
import { type ExploreForms, linkHeal } from './explore-form';

/**
 * Connections reset by the peer (Toxiproxy `reset_peer`, `timeout: 0`): on the first bytes in the chosen direction
 * the connection is closed with RST, so the client sees ECONNRESET. `downstream` (the default) resets on the first
 * bytes the server sends: a live stream breaks mid-way, and a new request has reached the engine, which may go on
 * generating into the void. `upstream` resets on the first bytes the client sends: the request never reaches the
 * engine (a connection dropped as it opens). Toxiproxy rolls the toxicity once
 * per connection (and per direction): with `share` below 1, that share of *connections* is reset, never a share of
 * the requests on one kept-alive connection — the orchestrator opens one connection per dispatch, so it is a share of
 * dispatches. Observed over `probes` fresh connections: all reset at share 1, some but not all below.
 */
export class NetworkResetFault extends ToxicFault {
  readonly kind = 'network.reset' as const;

  constructor(
    links: LinkTarget | LinkTarget[],
    private readonly share = 1,
    stream: Stream = 'downstream',
    private readonly probes = share < 1 ? 40 : 3,
  ) {
    if (!Number.isInteger(probes) || probes < 1)
      throw new InvalidFaultSpec(`Expected \`probes\` to be a positive integer, got \`${probes}\``);
    super([links].flat(), 'reset_peer', stream, share, { timeout: 0 });
  }

  describe(): string {
    return `${this.share < 1 ? `${Math.round(this.share * 100)} % of connections` : 'every connection'} reset (${this.stream}) on ${this.onLinks()}`;
  }

  protected async observe(link: LinkTarget): Promise<LinkObservation> {
    const outcomes = await probeMany(link.proxy.listen, this.probes, { timeoutMs: 1000 });
    const resets = outcomes.filter((o) => o.outcome === 'reset' || (o.outcome === 'closed' && o.bytes === 0)).length;
    const answered = outcomes.filter((o) => o.outcome === 'answered').length;
    const observed = { probes: this.probes, resets, answered, observed_share: +(resets / this.probes).toFixed(2) };
    if (this.share >= 1) return { verdict: resets === this.probes ? 'confirmed' : 'mismatch', observed };
    // Below 1, both kinds must show; the odds of a false mismatch are share^n + (1-share)^n.
    return { verdict: resets > 0 && answered > 0 && resets + answered === this.probes ? 'confirmed' : 'mismatch', observed };
  }
}

/** The explorer's form: every connection to a replica reset. */
export const RESET_FORMS = {
  'link-reset': { place: 'link', inject: (r) => `every connection to replica ${r} is reset`, heal: linkHeal },
} satisfies ExploreForms;

/** The kind, declared once (support/faults/kind.ts): the registry, the tags, the checker and the explorer read it. */
export const NETWORK_RESET = declareKind(
  {
    kind: 'network.reset',
    meaning: 'connections reset by the peer, all or a share of them',
    file: __filename,
    errors: ['WORKER_RESET', 'POOL_UNAVAILABLE'],
    explore: RESET_FORMS,
  },
  NetworkResetFault,
);
