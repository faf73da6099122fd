import http from 'node:http';
import { createParser } from 'eventsource-parser';

/** Timeouts of one dispatch, ms (ORCHD_*_TIMEOUT_MS). */
export interface DispatchTimeouts {
  connectMs: number;
  firstTokenMs: number;
  idleMs: number;
  wallMs: number;
}

/**
 * Why a dispatch failed. Whether it can be retried invisibly is the dispatcher's call: it knows whether any new
 * token reached the client in this attempt.
 */
export class DispatchError extends Error {
  constructor(
    readonly code: 'WORKER_RESET' | 'DECODE_TIMEOUT' | 'REPLICA_BUSY' | 'ENGINE_REJECTED',
    message: string,
  ) {
    super(message);
  }
}

export interface CompletionRequest {
  url: string;
  prompt: string;
  maxTokens: number;
  seed: number;
}

/**
 * Streams one completion from a llama-server-compatible engine (`POST /completion`, `stream:true`), calling `onToken`
 * per token in order, and `onPromptEvaluated` once with the prompt tokens the engine evaluated. A fresh connection per dispatch (no keep-alive), so each dispatch is one TCP connection and a
 * per-connection network fault hits whole dispatches. Resolves when the engine sends `stop:true`; rejects with a
 * `DispatchError` on refused/reset connections, bad statuses, a truncated stream or any of the four timeouts.
 */
export function streamCompletion(
  req: CompletionRequest,
  timeouts: DispatchTimeouts,
  onToken: (t: string) => void,
  signal: AbortSignal,
  onPromptEvaluated: (tokens: number) => void = () => undefined,
): Promise<{ tokens: number }> {
  return new Promise((resolve, reject) => {
    let tokens = 0;
    let promptSeen = false;
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const started = Date.now();
    // llama-server's own fields: exactly n_predict tokens (no early stop at end-of-sequence, so a task's length is what
    // it asked for), greedy sampling and no prompt cache, so two replicas produce the same stream (failover needs it).
    const body = JSON.stringify({
      prompt: req.prompt,
      n_predict: req.maxTokens,
      seed: req.seed,
      stream: true,
      ignore_eos: true,
      temperature: 0,
      cache_prompt: false,
    });
    const target = new URL('/completion', req.url);
    const request = http.request({
      host: target.hostname,
      port: target.port,
      path: target.pathname,
      method: 'POST',
      agent: false,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), connection: 'close' },
    });

    const fail = (code: DispatchError['code'], message: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(wallTimer);
      request.destroy();
      reject(new DispatchError(code, message));
    };
    const arm = (ms: number, what: string): void => {
      clearTimeout(timer);
      timer = setTimeout(() => fail('DECODE_TIMEOUT', `${what} after ${ms} ms`), ms);
    };
    const wallTimer = setTimeout(() => fail('DECODE_TIMEOUT', `wall timeout after ${timeouts.wallMs} ms`), timeouts.wallMs);
    const onAbort = (): void => fail('WORKER_RESET', 'dispatch aborted');
    signal.addEventListener('abort', onAbort, { once: true });

    arm(timeouts.connectMs, 'no connection to engine');
    request.on('socket', (socket) => {
      socket.once('connect', () => arm(timeouts.firstTokenMs, 'no first token'));
    });
    request.on('error', (err: NodeJS.ErrnoException) => fail('WORKER_RESET', `engine connection failed: ${err.code ?? err.message}`));
    request.on('response', (res) => {
      if (res.statusCode !== 200) {
        if (res.statusCode === 400) {
          // The engine refuses the request itself (e.g. a prompt beyond its context): no replica will take it.
          let reason = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (reason += c));
          res.on('end', () => fail('ENGINE_REJECTED', `engine rejected the request: ${reason.slice(0, 200)}`));
          return;
        }
        res.resume();
        return fail(res.statusCode === 503 ? 'REPLICA_BUSY' : 'WORKER_RESET', `engine answered HTTP ${res.statusCode}`);
      }
      const parser = createParser({
        onEvent: (event) => {
          if (settled) return;
          let frame: { content?: string; stop?: boolean; tokens_evaluated?: number; error?: { message?: string } };
          try {
            frame = JSON.parse(event.data);
          } catch {
            return fail('WORKER_RESET', `malformed engine frame: ${event.data.slice(0, 80)}`);
          }
          // llama-server reports a failure mid-stream as an error frame, then ends the stream: never a token.
          if (frame.error) return fail('WORKER_RESET', `engine error mid-stream: ${frame.error.message ?? JSON.stringify(frame.error)}`);
          // The prompt tokens the engine evaluated, by its own tokenizer (llama-server's `tokens_evaluated`), once.
          if (!promptSeen && typeof frame.tokens_evaluated === 'number') {
            promptSeen = true;
            onPromptEvaluated(frame.tokens_evaluated);
          }
          if (frame.stop) {
            settled = true;
            clearTimeout(timer);
            clearTimeout(wallTimer);
            signal.removeEventListener('abort', onAbort);
            res.destroy();
            return resolve({ tokens });
          }
          tokens++;
          arm(timeouts.idleMs, `no token for ${timeouts.idleMs} ms (idle timeout)`);
          onToken(frame.content ?? '');
        },
      });
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => parser.feed(chunk));
      res.on('error', (err: NodeJS.ErrnoException) => fail('WORKER_RESET', `engine stream broke: ${err.code ?? err.message}`));
      res.on('close', () => fail('WORKER_RESET', `engine stream ended after ${tokens} tokens without stop (${Date.now() - started} ms)`));
    });
    request.end(body);
  });
}
