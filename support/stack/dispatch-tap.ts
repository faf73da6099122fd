import net from 'node:net';
import { HTTPParser } from 'http-parser-js';

/** One HTTP request that crossed a tapped link: when its request line arrived and when its connection ended (epoch ms). */
export interface TappedRequest {
  method: string;
  path: string;
  at: number;
  /** The status of its response, once its head arrived. */
  status?: number;
  /**
   * When its response ended, as the link saw it: its last byte (framed by its length or its chunks), the next request
   * on the same connection, or the connection's close, whichever came first; undefined while none has.
   */
  endedAt?: number;
}

/**
 * A request line, wherever it starts: right after the previous request's body too, which need not end in a line break.
 * A JSON body cannot hold one (its line breaks are escaped).
 */
const REQUEST_LINE = /(?<![A-Za-z])([A-Z]+) (\/\S*) HTTP\/1\.[01]\r\n/g;
/** Enough of the previous chunk to find a request line split across two chunks. */
const CARRY = 2048;

/**
 * The suite's own witness on a link: a loopback TCP relay between the link's proxy and what sits behind it, which
 * notes the request line of every HTTP request the orchestrator sends through (health probes and dispatches alike,
 * also on kept-alive connections), even one a fault cuts before it arrives whole. It forwards every byte unchanged
 * both ways; the faults stay on the proxy in front of it. This is how a dispatch is told from a health probe at the
 * link, where Toxiproxy sees only connections and bytes.
 */
export class DispatchTap {
  private readonly seen: TappedRequest[] = [];
  private readonly sockets = new Set<net.Socket>();

  private constructor(
    private readonly server: net.Server,
    /** `host:port` the tap listens on: the proxy's upstream. */
    readonly listen: string,
    /** `host:port` of what sits behind the link. */
    readonly upstream: string,
  ) {}

  static async start(upstream: string): Promise<DispatchTap> {
    const [host, port] = splitAddress(upstream);
    let tap: DispatchTap | undefined;
    const server = net.createServer((client) => tap?.relay(client, host, port));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const address = server.address() as net.AddressInfo;
    tap = new DispatchTap(server, `127.0.0.1:${address.port}`, upstream);
    return tap;
  }

  /** Every request seen so far, in arrival order. */
  requests(): readonly TappedRequest[] {
    return this.seen;
  }

  /** Closes the listener and every relayed connection. Idempotent. */
  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private relay(client: net.Socket, host: string, port: number): void {
    const server = net.connect({ host, port });
    this.sockets.add(client).add(server);
    // This connection's requests whose response has not ended yet, oldest first (HTTP/1.1 answers in order).
    const open: TappedRequest[] = [];
    const endOldest = (): void => {
      const r = open.shift();
      if (r) r.endedAt ??= Date.now();
    };
    let sent = '';
    client.on('data', (chunk: Buffer) => {
      const text = sent + chunk.toString('latin1');
      for (const m of text.matchAll(REQUEST_LINE)) {
        if ((m.index ?? 0) + m[0].length <= sent.length) continue; // found in the previous chunk already
        // A client sends its next request on a connection once the previous response has ended.
        while (open.length > 0) endOldest();
        const request = { method: m[1], path: m[2], at: Date.now() };
        open.push(request);
        this.seen.push(request);
      }
      sent = text.slice(-CARRY);
    });
    // The responses, framed by an HTTP parser (a chunked body's last chunk, a Content-Length), each ends the oldest.
    const responses = new HTTPParser(HTTPParser.RESPONSE);
    responses[HTTPParser.kOnHeadersComplete] = (info) => {
      if (open[0]) open[0].status = info.statusCode;
    };
    responses[HTTPParser.kOnMessageComplete] = endOldest;
    server.on('data', (chunk: Buffer) => {
      if (responses.execute(chunk) instanceof Error) responses[HTTPParser.kOnMessageComplete] = () => undefined;
    });
    const end = (): void => {
      while (open.length > 0) endOldest();
      client.destroy();
      server.destroy();
      this.sockets.delete(client);
      this.sockets.delete(server);
    };
    client.pipe(server);
    server.pipe(client);
    for (const s of [client, server]) {
      s.on('error', end);
      s.on('close', end);
    }
  }
}

function splitAddress(address: string): [string, number] {
  const at = address.lastIndexOf(':');
  return [address.slice(0, at), Number(address.slice(at + 1))];
}
