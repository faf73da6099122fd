import { setTimeout as delay } from 'node:timers/promises';
import type { Evidence, FaultContext } from './fault';
import type { LinkTarget } from './targets';

/**
 * Waits (up to `withinMs`) until every link's proxy has carried new bytes: proof that the stack's own traffic on
 * that path crosses the proxy, so a fault on the proxy is a fault on the stack's path. The stack probes its replicas
 * and polls its pool manager on its own, so an idle scenario still shows traffic within a few poll intervals. With
 * `direction` `downstream`, only bytes the server behind the link sent back count: a fault that acts on what the
 * server sends cannot act on a server that sends nothing (a hung engine).
 */
export async function trafficCrosses(
  links: LinkTarget[],
  withinMs: number,
  ctx: FaultContext,
  direction?: 'upstream' | 'downstream',
): Promise<Evidence> {
  const before = await Promise.all(links.map((l) => l.trafficBytes(direction)));
  const started = Date.now();
  let now = before;
  while (Date.now() - started < withinMs) {
    await delay(20, undefined, { signal: ctx.signal });
    now = await Promise.all(links.map((l) => l.trafficBytes(direction)));
    if (now.every((n, k) => n > before[k])) break;
  }
  const perLink = links.map((l, k) => ({ link: l.description, proxy: l.proxy.name, bytes_before: before[k], bytes_after: now[k] }));
  const crossing = now.every((n, k) => n > before[k]);
  return {
    verdict: crossing ? 'confirmed' : 'mismatch',
    observed: { traffic_crosses_proxy: crossing, ...(direction ? { direction } : {}), within_ms: withinMs, links: perLink },
  };
}

/**
 * Runs `act` on every link at once and waits for all of them, also when one fails (then throws the first error): an
 * inject or heal still under way on one link when another failed would be missed by the heal that follows.
 */
export async function everyLink(links: LinkTarget[], act: (link: LinkTarget) => Promise<unknown>): Promise<void> {
  const failed = (await Promise.allSettled(links.map(act))).find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
}
