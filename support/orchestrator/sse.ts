import http from 'node:http';
import { createParser } from 'eventsource-parser';

/** One SSE event as received: name, id (when sent), parsed JSON data and when it arrived (ms epoch). */
export interface ReceivedEvent {
  event: string;
  id?: string;
  data: Record<string, unknown>;
  at: number;
}

/** How a read of an event stream ended. */
export interface StreamEnd {
  /** `terminal`: an `end` or `error` event arrived; `closed`: the connection ended without one; `failed`: it never opened or broke. */
  how: 'terminal' | 'closed' | 'failed';
  status?: number;
  error?: string;
  /** The `X-Correlation-Id` of the stream's response (OC-CTRL-2052: SSE included). */
  correlationId?: string;
}

/**
 * Reads an SSE stream over plain HTTP, calling `onEvent` per event in arrival order (comments and keep-alives are
 * skipped). Resolves when the server closes the stream, or when `signal` aborts it. When `leave` aborts, the client
 * goes away: it closes its side of the connection (a FIN, as a closed browser tab sends) and reads on until the server
 * closes its side, so whatever the server sent before it learned of the leaving is still received, and counted.
 */
export function readEventStream(
  url: string,
  headers: Record<string, string>,
  onEvent: (e: ReceivedEvent) => void,
  signal: AbortSignal,
  leave?: AbortSignal,
): Promise<StreamEnd> {
  return new Promise((resolve) => {
    let sawTerminal = false;
    let settled = false;
    const settle = (end: StreamEnd): void => {
      if (settled) return;
      settled = true;
      resolve(end);
    };
    const req = http.get(url, { headers: { accept: 'text/event-stream', ...headers }, agent: false, signal }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        return settle({ how: 'failed', status: res.statusCode, error: `HTTP ${res.statusCode}` });
      }
      const parser = createParser({
        onEvent: (e) => {
          let data: Record<string, unknown>;
          try {
            data = JSON.parse(e.data);
          } catch {
            data = { unparsed: e.data };
          }
          const event = e.event ?? 'message';
          if (event === 'end' || event === 'error') sawTerminal = true;
          onEvent({ event, id: e.id, data, at: Date.now() });
        },
      });
      const correlationId = res.headers['x-correlation-id'] as string | undefined;
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => parser.feed(chunk));
      res.on('end', () => settle({ how: sawTerminal ? 'terminal' : 'closed', status: 200, correlationId }));
      res.on('error', (err) => settle({ how: sawTerminal ? 'terminal' : 'failed', status: 200, error: err.message, correlationId }));
      res.on('close', () => settle({ how: sawTerminal ? 'terminal' : 'closed', status: 200, correlationId }));
    });
    req.on('error', (err: NodeJS.ErrnoException) => settle({ how: 'failed', error: err.code ?? err.message }));
    leave?.addEventListener('abort', () => req.socket?.end(), { once: true });
  });
}
