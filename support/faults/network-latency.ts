import type { Latency, Toxic } from 'toxiproxy-node-client';
import { InvalidFaultSpec } from '../errors';
import type { LinkTarget } from '../stack/stack';
import type { Evidence, Fault } from './fault';
import { probeLink } from './link-probe';

export interface LatencySpec {
  latencyMs: number;
  jitterMs?: number;
  /** `downstream`: replies (tokens) are late; `upstream`: requests are late. */
  stream?: 'downstream' | 'upstream';
}

/**
 * Latency (± jitter) added to every chunk crossing a link in one direction (Toxiproxy `latency` toxic). Proven by
 * the toxic being listed and by a probe's first byte arriving no earlier than latency − jitter.
 */
export class NetworkLatencyFault implements Fault {
  readonly kind = 'network.latency' as const;
  private readonly name: string;
  private toxic?: Toxic<Latency>;

  constructor(
    private readonly link: LinkTarget,
    private readonly spec: LatencySpec,
  ) {
    if (!link?.proxy) throw new InvalidFaultSpec('a network.latency fault must have a link with a proxy');
    if (!Number.isInteger(spec.latencyMs) || spec.latencyMs <= 0) throw new InvalidFaultSpec(`Expected \`latencyMs\` to be a positive integer, got \`${spec.latencyMs}\``);
    const jitter = spec.jitterMs ?? 0;
    if (!Number.isInteger(jitter) || jitter < 0 || jitter > spec.latencyMs) throw new InvalidFaultSpec(`Expected \`jitterMs\` to be an integer in [0, latencyMs], got \`${spec.jitterMs}\``);
    this.name = `chaos_latency_${spec.stream ?? 'downstream'}`;
  }

  describe(): string {
    const jitter = this.spec.jitterMs ? `±${this.spec.jitterMs}` : '';
    return `${this.spec.latencyMs}${jitter} ms latency (${this.spec.stream ?? 'downstream'}) on ${this.link.description}`;
  }

  async inject(): Promise<void> {
    this.toxic = await this.link.proxy.addToxic<Latency>({
      name: this.name,
      type: 'latency',
      stream: this.spec.stream ?? 'downstream',
      toxicity: 1,
      attributes: { latency: this.spec.latencyMs, jitter: this.spec.jitterMs ?? 0 },
    });
  }

  async verify(): Promise<Evidence> {
    const listed = await this.link.proxy.getToxic<Latency>(this.name).then(() => true, () => false);
    const floorMs = this.spec.latencyMs - (this.spec.jitterMs ?? 0);
    const probe = await probeLink(this.link.proxy.listen, this.spec.latencyMs + (this.spec.jitterMs ?? 0) + 2000);
    const observed = { proxy: this.link.proxy.name, toxic_listed: listed, expected_first_byte_at_least_ms: floorMs, probe };
    if (!listed) return { verdict: 'mismatch', observed };
    if (probe.outcome !== 'connected') return { verdict: 'inconclusive', observed };
    return { verdict: (probe.firstByteMs ?? 0) >= floorMs - 5 ? 'confirmed' : 'mismatch', observed };
  }

  async heal(): Promise<void> {
    try {
      await this.link.proxy.getToxic(this.name).then((t) => t.remove());
    } catch (err) {
      // Already gone (never added, or healed before): healing twice is fine.
      if (!/404|not found/i.test((err as Error).message)) throw err;
    }
    this.toxic = undefined;
  }
}
