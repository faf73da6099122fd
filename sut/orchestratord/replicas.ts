import type pino from 'pino';

/** A replica as the orchestrator sees it: pool-managerd's report joined with its own probes and breaker. */
export interface ReplicaView {
  pool_id: string;
  replica_id: string;
  url: string;
  /** pool-managerd's state: starting, ready, unready, failed, stopped. */
  managerState: string;
  restarts: number;
  driver_resets: number;
  slots_total: number;
  last_error?: string;
  /** Our own last probe of the replica's `/health` answered 200 (and no dispatch failed since). */
  reachable: boolean;
  inflight: number;
  consecutiveFailures: number;
  breakerOpenUntil: number;
}

export interface PoolView {
  pool_id: string;
  engine: string;
  managerState: string;
  draining: boolean;
  last_error?: string;
  replicas: ReplicaView[];
}

export interface DirectoryOptions {
  poolManagerUrl: string;
  pollMs: number;
  probeMs: number;
  probeTimeoutMs: number;
  breakerThreshold: number;
  breakerCooldownMs: number;
}

interface ManagerPool {
  pool_id: string;
  state: string;
  engine?: string;
  draining?: boolean;
  last_error?: string;
  replicas: { replica_id: string; url: string; state: string; restarts: number; driver_resets?: number; slots_total: number; last_error?: string }[];
}

/**
 * The orchestrator's map of pools and replicas. It polls pool-managerd's `/pools` and, independently, probes every
 * known replica's `/health` itself; when pool-managerd cannot be reached it keeps the replicas it last knew and goes on
 * probing them, so a pool-manager outage does not stop serving. Dispatch failures open a per-replica breaker.
 */
export class ReplicaDirectory {
  private readonly pools = new Map<string, PoolView>();
  private managerReachable = false;
  private lastManagerError?: string;
  private timers: NodeJS.Timeout[] = [];
  private stopped = false;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly options: DirectoryOptions,
    private readonly log: pino.Logger,
  ) {}

  /** Starts polling and probing; resolves after the first poll attempt. */
  async start(): Promise<void> {
    this.stopped = false;
    await this.pollManager();
    this.loop(() => this.pollManager(), this.options.pollMs);
    this.loop(() => this.probeReplicas(), this.options.probeMs);
  }

  stop(): void {
    this.stopped = true;
    this.timers.forEach(clearTimeout);
  }

  /** Called whenever a replica may have become dispatchable. */
  onChange(listener: () => void): void {
    this.listeners.add(listener);
  }

  get poolManagerReachable(): boolean {
    return this.managerReachable;
  }

  poolIds(): string[] {
    return [...this.pools.keys()];
  }

  pool(poolId: string): PoolView | undefined {
    return this.pools.get(poolId);
  }

  /** A replica may take new work: pool-managerd says ready, we reach it, its breaker is closed. */
  isServing(r: ReplicaView, now = Date.now()): boolean {
    return r.managerState === 'ready' && r.reachable && r.breakerOpenUntil <= now;
  }

  servingReplicas(poolId: string): ReplicaView[] {
    const pool = this.pools.get(poolId);
    if (!pool || pool.draining) return [];
    return pool.replicas.filter((r) => this.isServing(r));
  }

  /** The least-loaded serving replica with a free slot, then by replica id; `exclude` names replicas already tried. */
  pick(poolId: string, exclude: ReadonlySet<string>): ReplicaView | undefined {
    return this.servingReplicas(poolId)
      .filter((r) => !exclude.has(r.replica_id) && r.inflight < r.slots_total)
      .sort((a, b) => a.inflight - b.inflight || a.replica_id.localeCompare(b.replica_id))[0];
  }

  /** Records a failed dispatch: the replica is unreachable until a probe succeeds; enough in a row open its breaker. */
  reportFailure(r: ReplicaView, reason: string): void {
    r.reachable = false;
    r.consecutiveFailures++;
    if (r.consecutiveFailures >= this.options.breakerThreshold && r.breakerOpenUntil <= Date.now()) {
      r.breakerOpenUntil = Date.now() + this.options.breakerCooldownMs;
      this.log.warn({ pool_id: r.pool_id, replica_id: r.replica_id, failure_count: r.consecutiveFailures, reason }, 'replica breaker open');
    } else {
      this.log.warn({ pool_id: r.pool_id, replica_id: r.replica_id, failure_count: r.consecutiveFailures, reason }, 'dispatch to replica failed');
    }
  }

  reportSuccess(r: ReplicaView): void {
    r.consecutiveFailures = 0;
  }

  private loop(fn: () => Promise<void>, everyMs: number): void {
    const tick = async (): Promise<void> => {
      if (this.stopped) return;
      await fn().catch((err) => this.log.error({ err: (err as Error).message }, 'directory tick failed'));
      if (!this.stopped) this.timers.push(setTimeout(() => void tick(), everyMs));
    };
    this.timers.push(setTimeout(() => void tick(), everyMs));
  }

  private async pollManager(): Promise<void> {
    let reported: ManagerPool[];
    try {
      const res = await fetch(`${this.options.poolManagerUrl}/pools`, { signal: AbortSignal.timeout(this.options.probeTimeoutMs) });
      if (res.status !== 200) throw new Error(`pool-managerd answered ${res.status}`);
      reported = (await res.json()) as ManagerPool[];
    } catch (err) {
      const message = (err as Error).message;
      if (this.managerReachable || this.lastManagerError !== message) {
        this.log.warn({ err: message, known_pools: this.pools.size }, 'pool-managerd unreachable: serving with the last known replicas');
      }
      this.managerReachable = false;
      this.lastManagerError = message;
      return;
    }
    if (!this.managerReachable) this.log.info({ pools: reported.length }, 'pool-managerd reachable');
    this.managerReachable = true;
    this.lastManagerError = undefined;
    for (const p of reported) this.merge(p);
    this.notify();
  }

  /** Updates the pool in place, so the dispatcher's references (in-flight counts, breakers) stay valid. */
  private merge(p: ManagerPool): void {
    const previous = this.pools.get(p.pool_id);
    const replicas = p.replicas.map((r): ReplicaView => {
      const view = previous?.replicas.find((o) => o.replica_id === r.replica_id && o.url === r.url);
      if (!view) {
        return {
          pool_id: p.pool_id, replica_id: r.replica_id, url: r.url, managerState: r.state, restarts: r.restarts,
          driver_resets: r.driver_resets ?? 0, slots_total: r.slots_total, last_error: r.last_error,
          reachable: r.state === 'ready', inflight: 0, consecutiveFailures: 0, breakerOpenUntil: 0,
        };
      }
      // A replica newly reported ready (restarted) is trusted until our own probe says otherwise.
      if (view.managerState !== 'ready' && r.state === 'ready') view.reachable = true;
      view.managerState = r.state;
      view.restarts = r.restarts;
      view.driver_resets = r.driver_resets ?? 0;
      view.slots_total = r.slots_total;
      view.last_error = r.last_error;
      return view;
    });
    this.pools.set(p.pool_id, {
      pool_id: p.pool_id, engine: p.engine ?? 'llamacpp', managerState: p.state, draining: p.draining ?? false,
      last_error: p.last_error, replicas,
    });
  }

  private async probeReplicas(): Promise<void> {
    const all = [...this.pools.values()].flatMap((p) => p.replicas);
    let changed = false;
    await Promise.all(
      all.map(async (r) => {
        const ok = await probe(`${r.url}/health`, this.options.probeTimeoutMs);
        if (ok !== r.reachable) {
          changed = true;
          this.log.info({ pool_id: r.pool_id, replica_id: r.replica_id, reachable: ok }, ok ? 'replica reachable' : 'replica unreachable');
        }
        r.reachable = ok;
      }),
    );
    if (changed) this.notify();
  }

  private notify(): void {
    this.listeners.forEach((l) => l());
  }
}

async function probe(url: string, timeoutMs: number): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: { connection: 'close' } });
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}
