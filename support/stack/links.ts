import type { Proxy } from 'toxiproxy-node-client';
import type { ToxiproxyService } from './toxiproxy';

/** One proxy the profile asks for: its name (a replica's filled in) and its upstream `host:port`. */
export interface WantedLink {
  name: string;
  upstream: string;
}

/**
 * Creates the scenario's proxies (named with its prefix, so that parallel scenarios never share one), side by side.
 * Returns name → proxy.
 */
export async function createLinks(toxiproxy: ToxiproxyService, prefix: string, wanted: WantedLink[]): Promise<Map<string, Proxy>> {
  const created = await Promise.all(wanted.map((w) => toxiproxy.createProxy(`${prefix}${w.name}`, w.upstream)));
  return new Map(wanted.map((w, k) => [w.name, created[k]]));
}

/** The proxies a profile asks for: one per entry, or one per replica for an entry named with `${replica}`. */
export function wantedLinks(
  proxies: Record<string, unknown>,
  replicaIds: string[],
  upstreamOf: (template: unknown, replica?: string) => string,
): WantedLink[] {
  return Object.entries(proxies).flatMap(([nameTemplate, upstreamTemplate]) =>
    (nameTemplate.includes('${replica}') ? replicaIds : [undefined]).map((replica) => ({
      name: replica ? nameTemplate.replace(/\$\{replica\}/g, replica) : nameTemplate,
      upstream: upstreamOf(upstreamTemplate, replica),
    })),
  );
}
