import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { SuiteError } from '../core/errors';

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

type FromThread =
  | { op: 'started'; id: number; port: number }
  | { op: 'failed'; id: number; error: string }
  | { op: 'request'; id: number; k: number; method: string; path: string; at: number }
  | { op: 'status'; id: number; k: number; status: number }
  | { op: 'ended'; id: number; k: number; at: number }
  | { op: 'stopped'; id: number }
  | { op: 'synced'; id: number; seq: number };

/**
 * The thread every tap of this process relays and stamps on (support/stack/dispatch-tap-thread.js), started with the
 * first tap and never holding the process open. Its messages arrive in the order it sent them.
 */
class TapThread {
  private static current?: TapThread;
  private readonly worker = new Worker(path.join(__dirname, 'dispatch-tap-thread.js'));
  private readonly taps = new Map<number, DispatchTap>();
  private readonly waiting = new Map<string, { resolve: (m: FromThread) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private nextSeq = 1;
  private dead?: Error;

  static get(): TapThread {
    if (!TapThread.current || TapThread.current.dead) TapThread.current = new TapThread();
    return TapThread.current;
  }

  private constructor() {
    this.worker.on('message', (m: FromThread) => this.receive(m));
    const die = (why: string) => {
      this.dead = new SuiteError(`The dispatch taps' thread ${why}: what reached the replicas since is unknown`);
      for (const w of this.waiting.values()) w.reject(this.dead);
      this.waiting.clear();
    };
    this.worker.on('error', (err) => die(`failed: ${err.message}`));
    this.worker.on('exit', (code) => die(`exited with code ${code}`));
    // Last: a listener added after it would hold the process open again.
    this.worker.unref();
  }

  async start(upstream: string, tap: (id: number, listen: string) => DispatchTap): Promise<DispatchTap> {
    const at = upstream.lastIndexOf(':');
    const id = this.nextId++;
    const answer = await this.ask(`start:${id}`, { op: 'start', id, host: upstream.slice(0, at), port: Number(upstream.slice(at + 1)) });
    if (answer.op === 'failed') throw new SuiteError(`The dispatch tap in front of ${upstream} could not listen: ${answer.error}`);
    const started = tap(id, `127.0.0.1:${(answer as { port: number }).port}`);
    this.taps.set(id, started);
    return started;
  }

  async stop(id: number): Promise<void> {
    if (this.dead) return;
    await this.ask(`stop:${id}`, { op: 'stop', id });
    this.taps.delete(id);
  }

  /** Resolves once every record the thread sent before this call has arrived. */
  async sync(id: number): Promise<void> {
    if (this.dead) throw this.dead;
    const seq = this.nextSeq++;
    await this.ask(`sync:${seq}`, { op: 'sync', id, seq });
  }

  private ask(key: string, message: object): Promise<FromThread> {
    if (this.dead) return Promise.reject(this.dead);
    return new Promise((resolve, reject) => {
      // Held open while an answer is awaited, and only then.
      this.worker.ref();
      this.waiting.set(key, { resolve, reject });
      this.worker.postMessage(message);
    });
  }

  private receive(m: FromThread): void {
    const key = m.op === 'synced' ? `sync:${m.seq}` : m.op === 'stopped' ? `stop:${m.id}` : `start:${m.id}`;
    if (m.op === 'started' || m.op === 'failed' || m.op === 'stopped' || m.op === 'synced') {
      this.waiting.get(key)?.resolve(m);
      this.waiting.delete(key);
      if (this.waiting.size === 0) this.worker.unref();
      return;
    }
    this.taps.get(m.id)?.record(m);
  }
}

/**
 * The suite's own witness on a link: a loopback TCP relay between the link's proxy and what sits behind it, which
 * notes the request line of every HTTP request the orchestrator sends through (health probes and dispatches alike,
 * also on kept-alive connections), even one a fault cuts before it arrives whole. It forwards every byte unchanged
 * both ways; the faults stay on the proxy in front of it. This is how a dispatch is told from a health probe at the
 * link, where Toxiproxy sees only connections and bytes. It relays and stamps on its own thread
 * (`dispatch-tap-thread.js`), so a busy suite neither delays the streams it relays nor the times it notes.
 */
export class DispatchTap {
  private readonly seen: TappedRequest[] = [];

  private constructor(
    private readonly thread: TapThread,
    private readonly id: number,
    /** `host:port` the tap listens on: the proxy's upstream. */
    readonly listen: string,
    /** `host:port` of what sits behind the link. */
    readonly upstream: string,
  ) {}

  static start(upstream: string): Promise<DispatchTap> {
    const thread = TapThread.get();
    return thread.start(upstream, (id, listen) => new DispatchTap(thread, id, listen, upstream));
  }

  /** Every request seen until now, in arrival order: what the tap's thread had noted when this was called. */
  async requests(): Promise<readonly TappedRequest[]> {
    await this.thread.sync(this.id);
    return this.seen;
  }

  /** Closes the listener and every relayed connection. Idempotent. */
  stop(): Promise<void> {
    return this.thread.stop(this.id);
  }

  /** A record from the tap's thread (its k-th request, in order). */
  record(m: Extract<FromThread, { op: 'request' | 'status' | 'ended' }>): void {
    if (m.op === 'request') this.seen[m.k] = { method: m.method, path: m.path, at: m.at };
    else if (m.op === 'status' && this.seen[m.k]) this.seen[m.k].status = m.status;
    else if (m.op === 'ended' && this.seen[m.k]) this.seen[m.k].endedAt ??= m.at;
  }
}
