import type { FastifyReply } from 'fastify';
import type pino from 'pino';
import { formatSse, formatSseComment } from '../common/sse';
import type { Dispatcher } from './dispatcher';
import { TERMINAL_STATES, type TaskStore } from './store';
import type { LiveEvent, TaskEvents } from './task-events';

/** What a task's event stream needs of the orchestrator. */
export interface StreamDeps {
  log: pino.Logger;
  store: TaskStore;
  events: TaskEvents;
  dispatcher: Pick<Dispatcher, 'cancel'>;
  isShuttingDown: () => boolean;
  heartbeatMs: number;
  predictMsPerTask: number;
  /** SSE-1003: a client that closes a task's stream before its end cancels the task (`ORCHD_CANCEL_ON_DISCONNECT`). */
  cancelOnDisconnect: boolean;
}

/**
 * Streams a task's events: `started` (unless resuming), the stored tokens after `Last-Event-ID`, then live ones, then
 * the terminal `end` or `error`. Stored and live tokens are joined by index, so there is no gap and no duplicate.
 *
 * SSE-1003: a client that closes the stream before its end has gone away, and that counts as a cancel (upstream's
 * `CANCEL_ON_DISCONNECT`, default on): the engine stops and nothing is kept beyond what was sent. Streams this
 * orchestrator closes itself (the task's end, its own shutdown) cancel nothing: what a stop leaves stays queued.
 */
export function streamEvents(reply: FastifyReply, taskId: string, lastEventId: number | undefined, deps: StreamDeps): void {
  const { store, events } = deps;
  reply.hijack();
  const res = reply.raw;
  const socket = res.socket;
  res.writeHead(200, {
    ...(reply.getHeaders() as Record<string, string>),
    'Content-Type': 'text/event-stream',
    'Cache-Control': 'no-cache',
    Connection: 'keep-alive',
    'X-Accel-Buffering': 'no',
  });
  res.flushHeaders();
  let next = lastEventId === undefined ? 0 : lastEventId + 1;
  let closed = false;
  const write = (chunk: string): void => {
    if (!closed) res.write(chunk);
  };
  const end = (): void => {
    if (closed) return;
    closed = true;
    unsubscribe();
    clearInterval(heartbeat);
    socket?.off('end', clientWentAway);
    res.end();
  };
  const sendToken = (i: number, t: string): void => {
    if (i < next) return; // already sent from the store
    next = i + 1;
    write(formatSse({ event: 'token', id: i, data: { t, i } }));
  };
  const sendTerminal = (e: { event: 'end' | 'error'; data: Record<string, unknown> }): void => {
    write(formatSse({ event: e.event, data: e.data }));
    end();
  };
  const clientWentAway = (): void => {
    if (closed) return;
    end();
    if (!deps.cancelOnDisconnect || deps.isShuttingDown()) return;
    if (deps.dispatcher.cancel(taskId, 'disconnect'))
      deps.log.info({ job_id: taskId, tokens_sent: next }, 'client disconnected from the stream: task canceled');
  };
  // Subscribing and reading the store happen in one tick (better-sqlite3 is synchronous), so no event slips between.
  const unsubscribe = events.subscribe(taskId, (e: LiveEvent) => {
    if (e.event === 'token') sendToken(e.i, e.t);
    else sendTerminal(e);
  });
  const heartbeat = setInterval(() => write(formatSseComment('keep-alive')), deps.heartbeatMs);
  // A client that goes away closes its side (a FIN); Node ends the socket on it at once, so whatever is written after is
  // lost to the client. Its leaving is taken there, in that tick, not at the later `close` (kept for a reset).
  socket?.on('end', clientWentAway);
  res.on('close', clientWentAway);
  if (lastEventId === undefined) {
    const position = store.queuePosition(taskId);
    write(formatSse({ event: 'started', data: { queue_position: position, predicted_start_ms: position * deps.predictMsPerTask } }));
  }
  for (const { i, t } of store.tokensAfter(taskId, next - 1)) sendToken(i, t);
  const task = store.get(taskId);
  if (task && TERMINAL_STATES.includes(task.state) && task.terminal) sendTerminal(task.terminal);
}
