import { declareKind } from './kind';
import { InvalidFaultSpec, WaitTimedOut } from '../core/errors';
import { eventually } from '../core/eventually';
import { connectionsPeerGone, listenerPids } from '../core/sockets';
import type { FaultContext } from './fault';
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

  /**
   * Toxiproxy removes a bandwidth toxic under its proxy's lock and hands what the toxic holds to each connection's
   * writer, waiting up to 5 s for it (toxics/bandwidth.go, link.go). A writer that has just found its client gone waits
   * for that same lock to drop its connection and reads nothing more, so the removal waited out the 5 s, and the
   * orchestrator's probes through the proxy with it (a task canceled under a slow link: 5.0 s of its 6.4 s). So the
   * heal first waits until Toxiproxy holds no connection whose client has gone; past {@link CLIENTS_DROPPED_MS} it
   * removes the toxic anyway, only slower. Here and not in every toxic's heal: Toxiproxy flushes any removed toxic
   * the same way, but only a slow link holds a dead client's data for long, and no other toxic's heal was seen to
   * wait (the catalogue's heals summed 2.1 s once this one waited); the look at Toxiproxy's sockets reads every
   * process's descriptors to find it, a cost every heal would pay.
   */
  async heal(ctx?: FaultContext): Promise<void> {
    await Promise.all(this.links.map((link) => clientsDropped(link, ctx)));
    await super.heal(ctx);
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

/** How long Toxiproxy may take to drop the connections whose clients have gone: a few of a slow link's 100 ms writes. */
const CLIENTS_DROPPED_MS = 2000;

/** Waits until the Toxiproxy serving `link` holds no connection of it that its client closed or reset. */
async function clientsDropped(link: LinkTarget, ctx?: FaultContext): Promise<void> {
  const port = Number(link.proxy.listen.slice(link.proxy.listen.lastIndexOf(':') + 1));
  const [toxiproxy] = listenerPids(port);
  if (toxiproxy === undefined) return; // nothing listens: no connection to drop
  const probe = async () => {
    const gone = connectionsPeerGone(toxiproxy, port);
    return { ok: gone.closeWait + gone.reset === 0, seen: `${gone.closeWait} closed by their client, ${gone.reset} reset` };
  };
  try {
    await eventually(`Toxiproxy has dropped the connections whose client left ${link.description}`, probe, {
      withinMs: CLIENTS_DROPPED_MS,
      everyMs: 10,
    });
  } catch (err) {
    if (!(err instanceof WaitTimedOut)) throw err;
    ctx?.log(`${err.message}: removing the toxic anyway`);
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
    // The heal now waits for Toxiproxy to drop the connections whose clients left first, which removed the 5 s in every
    // run measured; past that wait's bound it can still happen, so the refusal stays allowed.
    errors: ['DECODE_TIMEOUT', 'POOL_UNAVAILABLE'],
    explore: SLOW_FORMS,
  },
  NetworkSlowFault,
);
