import net from 'node:net';

/** The outcome of one TCP probe through a link. */
export interface LinkProbe {
  /** `answered` (bytes came back, then the peer closed or all expected bytes arrived), `refused`, `reset`, `closed` (closed before any byte), `cut` (closed after fewer bytes than expected), or `timeout` (no answer in time). */
  outcome: 'answered' | 'refused' | 'reset' | 'closed' | 'cut' | 'timeout';
  /** From connect to the first byte back, ms. */
  firstByteMs?: number;
  /** From connect to the last byte back, ms. */
  lastByteMs?: number;
  bytes: number;
  error?: string;
}

export interface ProbeOptions {
  timeoutMs: number;
  /** Extra bytes to send after the request line, so a bandwidth or byte-limit toxic has something to act on. */
  padBytes?: number;
  /** Ask an HTTP server to keep the connection open after answering (so its close cannot be mistaken for a fault's). */
  keepAlive?: boolean;
  /** Pipelined requests before the last one (each kept alive): makes any HTTP server's answer long enough to be cut. */
  pipelined?: number;
}

/**
 * Opens a fresh TCP connection to `address` (`host:port`) and sends one HTTP request (`Connection: close` unless asked, padded
 * with a header of `padBytes`). An HTTP server answers and closes; an echo server sends the request back. The probe
 * ends when the peer closes, when as many bytes came back as were sent (echo), or at the timeout; it records when
 * the first and last bytes arrived. Protocol-agnostic enough to observe every toxic on any link.
 */
export function probeLink(address: string, options: ProbeOptions | number): Promise<LinkProbe> {
  const { timeoutMs, padBytes = 0, keepAlive = false, pipelined = 0 } = typeof options === 'number' ? { timeoutMs: options } : options;
  const [host, port] = address.split(':');
  const one = (alive: boolean): string =>
    `GET /health HTTP/1.1\r\nHost: chaos-probe\r\nX-Pad: ${'x'.repeat(padBytes)}\r\nConnection: ${alive ? 'keep-alive' : 'close'}\r\n\r\n`;
  const request = one(true).repeat(pipelined) + one(keepAlive);
  return new Promise((resolve) => {
    const socket = net.connect({ host, port: Number(port) });
    let connectedAt = 0;
    let bytes = 0;
    let firstByteMs: number | undefined;
    let lastByteMs: number | undefined;
    let done = false;
    const chunks: Buffer[] = [];
    // Closed after some bytes: a complete answer, or a cut one (fewer bytes than the echo or the Content-Length).
    const closedOutcome = (): LinkProbe['outcome'] =>
      bytes === 0 ? 'closed' : isComplete(Buffer.concat(chunks), Buffer.byteLength(request), pipelined + 1) ? 'answered' : 'cut';
    const finish = (outcome: LinkProbe['outcome'], error?: string): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ outcome, firstByteMs, lastByteMs, bytes, error });
    };
    const timer = setTimeout(() => finish(bytes > 0 ? 'cut' : 'timeout', `no end after ${timeoutMs} ms`), timeoutMs);
    socket.once('connect', () => {
      connectedAt = Date.now();
      socket.write(request);
    });
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      bytes += chunk.length;
      lastByteMs = Date.now() - connectedAt;
      firstByteMs ??= lastByteMs;
      if (bytes >= Buffer.byteLength(request)) finish('answered');
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNREFUSED') finish('refused', err.code);
      else if (err.code === 'ECONNRESET') finish('reset', err.code);
      else finish(closedOutcome(), err.code ?? err.message);
    });
    socket.once('end', () => finish(closedOutcome()));
    socket.once('close', () => finish(closedOutcome()));
  });
}

/** An HTTP answer is complete when its body has Content-Length bytes; an echo when it has all the bytes sent. */
function isComplete(received: Buffer, sentBytes: number, responses = 1): boolean {
  const text = received.toString('latin1');
  if (!text.startsWith('HTTP/')) return received.length >= sentBytes;
  // Walk the pipelined answers: each needs its headers and its whole Content-Length body.
  let at = 0;
  for (let k = 0; k < responses; k++) {
    const headerEnd = text.indexOf('\r\n\r\n', at);
    if (headerEnd < 0) return false;
    const length = /\r\ncontent-length:\s*(\d+)/i.exec(text.slice(at, headerEnd));
    if (!length) return k === responses - 1;
    at = headerEnd + 4 + Number(length[1]);
    if (received.length < at) return false;
  }
  return true;
}

/** Probes `count` fresh connections one after another; returns every outcome (for toxics with a toxicity below 1). */
export async function probeMany(address: string, count: number, options: ProbeOptions): Promise<LinkProbe[]> {
  const out: LinkProbe[] = [];
  for (let i = 0; i < count; i++) out.push(await probeLink(address, options));
  return out;
}
