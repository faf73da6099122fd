import { readFileSync } from 'node:fs';
import net from 'node:net';

/**
 * Ports handed out by this process, never handed out twice: the one piece of module state here, because the OS
 * cannot remember for us a port we tested and released.
 */
const handedOut = new Set<number>();

/**
 * Ports that Node's fetch (and browsers) refuse to connect to, the WHATWG "bad ports" at or above 10000: a daemon
 * given one listens fine, yet every readiness probe by fetch fails with "fetch failed" (seen once as a start-up
 * timeout on port 10080).
 */
const FETCH_BLOCKED = new Set([10080]);

/** How many port stripes the range is cut into, one per parallel worker (at most 8 workers share a machine). */
const STRIPES = 8;

/**
 * A free TCP port on 127.0.0.1 for a daemon to listen on, chosen *below* the kernel's ephemeral range: ports in that
 * range are also given to outgoing connections and to `listen(0)` (Toxiproxy's proxies), so a port tested free there
 * can be taken by someone else before the daemon binds it. Below the range only another listener can take it.
 */
export async function freePort(): Promise<number> {
  const [ephemeralLow] = ephemeralRange();
  const low = 10_000;
  const high = Math.max(low + 1000, ephemeralLow) - 1;
  for (let attempt = 0; attempt < 100; attempt++) {
    // Parallel Cucumber workers are separate processes with separate `handedOut` sets: each takes only the ports of
    // its own stripe (port ≡ worker id mod 8), so two workers can never race for one port. Runs side by side (the
    // mutation check's jobs) are told their first stripe by CHAOS_PORT_STRIPE.
    const stripe = (firstStripe() + Number(process.env.CUCUMBER_WORKER_ID ?? 0)) % STRIPES;
    const base = low + Math.floor(Math.random() * ((high - low) / STRIPES)) * STRIPES;
    const port = base + stripe;
    if (handedOut.has(port) || FETCH_BLOCKED.has(port)) continue;
    if (await canListen(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error(`No free loopback port found in ${low}–${high} after 100 tries`);
}

/** CHAOS_PORT_STRIPE, the first port stripe of this run (0 unless set): a whole number from 0 to 7. */
function firstStripe(): number {
  const raw = process.env.CHAOS_PORT_STRIPE ?? '0';
  const stripe = Number(raw);
  if (!(/^\d$/.test(raw) && stripe < STRIPES))
    throw new Error(`CHAOS_PORT_STRIPE must be a whole number from 0 to ${STRIPES - 1}, got "${raw}"`);
  return stripe;
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** The kernel's ephemeral port range (Linux), or the IANA default elsewhere. */
function ephemeralRange(): [number, number] {
  try {
    const [a, b] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (a > 0 && b > a) return [a, b];
  } catch {
    /* not Linux */
  }
  return [49152, 65535];
}
