import net from 'node:net';

/** The outcome of one TCP probe through a link. */
export interface LinkProbe {
  /** `connected` (and answered), `refused`, `reset`, `closed` (no byte before close) or `timeout`. */
  outcome: 'connected' | 'refused' | 'reset' | 'closed' | 'timeout';
  /** Time from connect to the first byte back, ms (only when connected). */
  firstByteMs?: number;
  error?: string;
}

/**
 * Opens a fresh TCP connection to `address` (`host:port`), sends one small HTTP request (an echo server echoes it, an
 * HTTP server answers it) and times the first byte back. Protocol-agnostic enough to observe toxics on any link.
 */
export function probeLink(address: string, timeoutMs: number): Promise<LinkProbe> {
  const [host, port] = address.split(':');
  return new Promise((resolve) => {
    const socket = net.connect({ host, port: Number(port) });
    let connectedAt = 0;
    let done = false;
    const finish = (result: LinkProbe): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => finish({ outcome: 'timeout' }), timeoutMs);
    socket.once('connect', () => {
      connectedAt = Date.now();
      socket.write('GET /health HTTP/1.1\r\nHost: chaos-probe\r\nConnection: close\r\n\r\n');
    });
    socket.once('data', () => finish({ outcome: 'connected', firstByteMs: Date.now() - connectedAt }));
    socket.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNREFUSED') finish({ outcome: 'refused', error: err.code });
      else if (err.code === 'ECONNRESET') finish({ outcome: 'reset', error: err.code });
      else finish({ outcome: 'closed', error: err.code ?? err.message });
    });
    socket.once('close', () => finish({ outcome: 'closed' }));
  });
}
