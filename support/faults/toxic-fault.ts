import type { Proxy } from 'toxiproxy-node-client';
import { InvalidFaultSpec } from '../core/errors';
import type { LinkTarget } from './targets';
import type { Evidence, Fault, FaultContext, FaultKindName, HealVerified, Preflighted } from './fault';
import { probeLink } from './link-probe';
import { everyLink, trafficCrosses } from './link-checks';

/** Which bytes a toxic acts on: `downstream` = replies (tokens), `upstream` = requests. */
export type Stream = 'downstream' | 'upstream';

/** What one link showed when probed with the toxic in place. */
export interface LinkObservation {
  verdict: Evidence['verdict'];
  observed: Record<string, unknown>;
}

/**
 * The shape every Toxiproxy-toxic fault shares (toxiproxy's ToxicWrapper): a toxic of one type, named
 * `chaos_<type>_<stream>`, added to each of a set of links with a toxicity, listed and observed by `verify()`, removed
 * by an idempotent `heal()`. A subclass says only what the toxic is and how its effect shows on a probe.
 */
export abstract class ToxicFault implements Fault, Preflighted, HealVerified {
  abstract readonly kind: FaultKindName;

  protected constructor(
    protected readonly links: LinkTarget[],
    private readonly type: string,
    protected readonly stream: Stream,
    protected readonly toxicity: number,
    private readonly attributes: Record<string, number>,
  ) {
    if (links.length === 0 || links.some((l) => !l?.proxy))
      throw new InvalidFaultSpec(`a ${type} fault must have at least one link with a proxy`);
    if (!(toxicity > 0 && toxicity <= 1)) throw new InvalidFaultSpec(`Expected \`toxicity\` to be in (0, 1], got \`${toxicity}\``);
  }

  abstract describe(): string;

  /** How the toxic's effect shows on one link, probed with the toxic in place. */
  protected abstract observe(link: LinkTarget): Promise<LinkObservation>;

  protected get toxicName(): string {
    return `chaos_${this.type}_${this.stream}`;
  }

  protected onLinks(): string {
    return this.links.map((l) => l.description).join(', ');
  }

  /** On every link at once (a toxic on "every link" is one fault, not one link after another). */
  async inject(_ctx?: FaultContext): Promise<void> {
    await everyLink(this.links, (link) =>
      link.proxy.addToxic({
        name: this.toxicName,
        type: this.type as never,
        stream: this.stream,
        toxicity: this.toxicity,
        attributes: this.attributes as never,
      }),
    );
  }

  /** Each link listed and probed at once: a probe waits out a latency or a stall, once for all links. */
  async verify(_ctx?: FaultContext): Promise<Evidence> {
    const perLink = await Promise.all(
      this.links.map(async (link) => {
        const listed = await toxicListed(link.proxy, this.toxicName);
        const o: LinkObservation = listed ? await this.observe(link) : { verdict: 'mismatch', observed: {} };
        return {
          link: link.description,
          proxy: link.proxy.name,
          toxic: this.toxicName,
          toxic_listed: listed,
          ...o.observed,
          verdict: o.verdict,
        };
      }),
    );
    const verdict = perLink.reduce<Evidence['verdict']>((v, l) => worse(v, l.verdict), 'confirmed');
    return { verdict, observed: { toxicity: this.toxicity, stream: this.stream, links: perLink } };
  }

  async heal(_ctx?: FaultContext): Promise<void> {
    await everyLink(this.links, (link) => removeToxic(link.proxy, this.toxicName));
  }

  /**
   * Before the toxic: the stack's own traffic crosses every link's proxy, in the toxic's direction (a toxic on what
   * the server sends needs a server that answers: behind a hung engine it could not act, and the schedule or scenario
   * that asks for it cannot apply it).
   */
  async preflight(ctx: FaultContext): Promise<Evidence> {
    const crossing = await trafficCrosses(this.links, TRAFFIC_WITHIN_MS, ctx, this.stream);
    if (crossing.verdict !== 'confirmed' || this.stream !== 'downstream') return crossing;
    // Bytes still on their way from before a hang would pass the count: the server must answer a probe of ours now.
    const probes = await Promise.all(this.links.map((l) => probeLink(l.proxy.listen, { timeoutMs: ANSWER_WITHIN_MS })));
    const answers = probes.every((p) => p.outcome === 'answered');
    const observed = { ...crossing.observed, server_answers: answers, probes: probes.map((p) => p.outcome) };
    return { verdict: answers ? 'confirmed' : 'mismatch', observed };
  }

  /**
   * Healed when the toxic is gone and the link carries traffic again: the stack's own, or, where the stack has no
   * reason to use the link just then (an orchestrator restarted while its pool manager is down knows no replica to
   * probe: found by the explorer, seed 1203), a probe of the suite's own through the proxy that is answered in full.
   */
  async verifyHealed(ctx: FaultContext): Promise<Evidence> {
    const listed = await Promise.all(this.links.map((l) => toxicListed(l.proxy, this.toxicName)));
    const flowing = await trafficCrosses(this.links, HEALED_TRAFFIC_WITHIN_MS, ctx);
    const gone = listed.every((x) => !x);
    const quiet = flowing.verdict === 'confirmed' ? [] : this.links;
    const probes = await Promise.all(quiet.map((l) => probeLink(l.proxy.listen, { timeoutMs: 2000 })));
    const answered = probes.every((p) => p.outcome === 'answered');
    return {
      verdict: gone && answered ? 'confirmed' : 'mismatch',
      observed: { toxic_listed: listed, ...flowing.observed, ...(quiet.length > 0 ? { own_probes: probes } : {}) },
    };
  }
}

/** How long the stack's own traffic may take to show on a proxy: a few of its probe and poll intervals. */
export const TRAFFIC_WITHIN_MS = 2000;
/**
 * How long a healed link waits for the stack's own traffic before the suite's own probe decides (either proves it
 * whole): 10 of the orchestrator's 50 ms replica probes. A quiet link waited out the 2 s of {@link TRAFFIC_WITHIN_MS}.
 */
const HEALED_TRAFFIC_WITHIN_MS = 500;
/** How long the server behind a link has to answer the preflight's probe before a toxic on what it sends (1 s: its health answers take ms). */
const ANSWER_WITHIN_MS = 1000;

/** True when the proxy lists a toxic of that name. */
export async function toxicListed(proxy: Proxy, name: string): Promise<boolean> {
  return proxy.getToxic(name).then(
    () => true,
    () => false,
  );
}

/** Removes a toxic; one that is already gone (never added, or healed before) is fine. */
export async function removeToxic(proxy: Proxy, name: string): Promise<void> {
  try {
    const toxic = await proxy.getToxic(name);
    await toxic.remove();
  } catch (err) {
    if (!/404|not found/i.test((err as Error).message)) throw err;
  }
}

function worse(a: Evidence['verdict'], b: Evidence['verdict']): Evidence['verdict'] {
  const order = ['mismatch', 'inconclusive', 'confirmed'];
  return order.indexOf(a) < order.indexOf(b) ? a : b;
}
