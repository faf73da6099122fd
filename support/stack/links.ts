import type { Proxy } from 'toxiproxy-node-client';
import { DispatchTap } from './dispatch-tap';
import type { ToxiproxyService } from './toxiproxy';

/** The network paths of one stack: a Toxiproxy proxy per profile link, and the suite's own tap behind those asked for. */
export interface StackLinks {
  proxies: Map<string, Proxy>;
  /** Link name → the tap between its proxy and what sits behind it. */
  taps: Map<string, DispatchTap>;
  /** Link name → what sits behind it (`host:port`), reached without proxy or tap. */
  upstreams: Map<string, string>;
}

/** Creates one Toxiproxy proxy per link; links `tapped` accepts get a DispatchTap between the proxy and the upstream. */
export async function createLinks(
  toxiproxy: ToxiproxyService,
  prefix: string,
  links: { name: string; upstream: string }[],
  tapped: (name: string) => boolean,
): Promise<StackLinks> {
  const out: StackLinks = { proxies: new Map(), taps: new Map(), upstreams: new Map() };
  try {
    for (const { name, upstream } of links) {
      out.upstreams.set(name, upstream);
      const tap = tapped(name) ? await DispatchTap.start(upstream) : undefined;
      if (tap) out.taps.set(name, tap);
      out.proxies.set(name, await toxiproxy.createProxy(`${prefix}${name}`, tap?.listen ?? upstream));
    }
  } catch (err) {
    await removeLinks(out);
    throw err;
  }
  return out;
}

/** Removes the proxies and stops the taps. Idempotent. */
export async function removeLinks(links: StackLinks): Promise<void> {
  await Promise.all([...links.proxies.values()].map((p) => p.remove().catch(() => undefined)));
  await Promise.all([...links.taps.values()].map((t) => t.stop()));
  links.proxies.clear();
  links.taps.clear();
}

/** The proxies a profile asks for: one per entry, or one per replica for an entry named with `${replica}`. */
export function wantedLinks(
  proxies: Record<string, unknown>,
  replicaIds: string[],
  upstreamOf: (template: unknown, replica?: string) => string,
): { name: string; upstream: string }[] {
  return Object.entries(proxies).flatMap(([nameTemplate, upstreamTemplate]) =>
    (nameTemplate.includes('${replica}') ? replicaIds : [undefined]).map((replica) => ({
      name: replica ? nameTemplate.replace(/\$\{replica\}/g, replica) : nameTemplate,
      upstream: upstreamOf(upstreamTemplate, replica),
    })),
  );
}
