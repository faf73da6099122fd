import type pino from 'pino';
import { getText, probe } from '../common/http-get';
import { type ManagerPool, mergePool, type PoolView, type ReplicaView } from './pool-view';
import { SendOrder } from './send-order';

export type { PoolView, ReplicaView } from './pool-view';

export interface DirectoryOptions {
  poolManagerUrl: string;
  pollMs: number;
  probeMs: number;
  probeTimeoutMs: number;
  /** Consecutive failed probes after which a replica counts as unreachable. */
  probeFailureThreshold: number;
  breakerThreshold: number;
  breakerCooldownMs: number;
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
  /** Pools the orchestrator drains itself (ORCH-3031), whatever pool-managerd reports. */
  private readonly drained = new Set<string>();
  /** The availability last logged per replica (`pool/replica`). */
  private readonly availability = new Map<string, boolean>();
  /** Each replica's dispatches in send order, for its breaker. */
  private readonly sendOrders = new WeakMap<ReplicaView, SendOrder>();

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

  /** The build the engines of a pool (or of any pool) report through pool-managerd; `unknown` before any has. */
  engineVersion(poolId?: string): string {
    const ids = poolId ? [poolId] : this.poolIds();
    return ids.flatMap((id) => this.pool(id)?.replicas ?? []).find((r) => r.engine_version)?.engine_version ?? 'unknown';
  }

  pool(poolId: string): PoolView | undefined {
    return this.pools.get(poolId);
  }

  /** We reach the replica: fewer consecutive probe failures than the threshold. */
  isReachable(r: ReplicaView): boolean {
    return r.probeFailures < this.options.probeFailureThreshold;
  }

  /** A replica may take new work: pool-managerd says ready, we reach it, its breaker lets work through. */
  isServing(r: ReplicaView, now = Date.now()): boolean {
    if (r.managerState !== 'ready' || !this.isReachable(r)) return false;
    if (r.breaker === 'open' && r.breakerOpenUntil <= now) r.breaker = 'half-open';
    return r.breaker === 'closed' || (r.breaker === 'half-open' && !r.trialInFlight);
  }

  /** The replica's state as the orchestrator sees it, for health reports. */
  stateOf(r: ReplicaView, now = Date.now()): string {
    if (r.managerState !== 'ready') return r.managerState;
    if (!this.isReachable(r)) return 'unreachable';
    if (r.breaker === 'open' && r.breakerOpenUntil > now) return 'breaker-open';
    return 'ready';
  }

  /** Marks a pool drained (nothing dispatched to it, nothing admitted for it) or serving again. */
  setDrained(poolId: string, drained: boolean): void {
    if (drained) this.drained.add(poolId);
    else this.drained.delete(poolId);
    this.notify();
  }

  /** Replicas the pool manager reports ready and the orchestrator reaches, whether or not the pool is drained. */
  availableReplicas(poolId: string): ReplicaView[] {
    return (this.pools.get(poolId)?.replicas ?? []).filter((r) => r.managerState === 'ready' && this.isReachable(r));
  }

  /** The pool's model is not in place yet (staging, or staging failing): the pool is unready, not merely down. */
  awaitsModel(poolId: string): boolean {
    return this.pools.get(poolId)?.modelStaged === false;
  }

  isDraining(poolId: string): boolean {
    return this.drained.has(poolId) || this.pools.get(poolId)?.draining === true;
  }

  servingReplicas(poolId: string): ReplicaView[] {
    const pool = this.pools.get(poolId);
    if (!pool || this.isDraining(poolId)) return [];
    return pool.replicas.filter((r) => this.isServing(r));
  }

  /** The least-loaded serving replica with a free slot, then by replica id; `exclude` names replicas already tried. */
  pick(poolId: string, exclude: ReadonlySet<string>): ReplicaView | undefined {
    return this.servingReplicas(poolId)
      .filter((r) => !exclude.has(r.replica_id) && r.inflight < r.slots_total)
      .sort((a, b) => a.inflight - b.inflight || a.replica_id.localeCompare(b.replica_id))[0];
  }

  /** Marks the start of a dispatch and returns its place in the replica's send order; through a half-open breaker it is the one trial. */
  dispatchStarted(r: ReplicaView): number {
    r.inflight++;
    const seq = this.sendOrder(r).sent();
    if (r.breaker === 'half-open') {
      r.trialInFlight = true;
      r.trialSeq = seq;
    }
    return seq;
  }

  /**
   * Records a failed dispatch (`seq` from `dispatchStarted`; none: one sent and failed now). `threshold` failures in
   * a row in send order (or a failed half-open trial) open the replica's breaker for the cool-down (ORCH-3040: shed
   * load instead of piling it onto a failing replica).
   */
  reportFailure(r: ReplicaView, reason: string, seq?: number): void {
    const order = this.sendOrder(r);
    r.consecutiveFailures = order.failed(seq ?? order.sent());
    const trialFailed = r.breaker === 'half-open';
    r.trialInFlight = false;
    if (trialFailed || (r.breaker === 'closed' && r.consecutiveFailures >= this.options.breakerThreshold)) {
      r.breaker = 'open';
      r.breakerOpenedAt = Date.now();
      r.breakerOpenUntil = r.breakerOpenedAt + this.options.breakerCooldownMs;
      this.onBreakerOpen?.(r);
      this.log.warn(
        {
          pool_id: r.pool_id,
          replica_id: r.replica_id,
          old_state: trialFailed ? 'half-open' : 'closed',
          new_state: 'open',
          failure_count: r.consecutiveFailures,
          cooldown_ms: this.options.breakerCooldownMs,
          reason,
        },
        'replica breaker open',
      );
    } else {
      this.log.warn(
        { pool_id: r.pool_id, replica_id: r.replica_id, failure_count: r.consecutiveFailures, reason },
        'dispatch to replica failed',
      );
    }
  }

  /**
   * Records a successful dispatch that started at `startedAt` (`seq` from `dispatchStarted`): the run of failures
   * ends and a half-open breaker closes. A dispatch that started before the breaker opened says nothing about the
   * replica since, and is ignored by the breaker. Any completed dispatch shows the replica reachable, whatever the
   * last probes said: a link that resets some new connections must not take a replica that serves out of rotation.
   */
  reportSuccess(r: ReplicaView, startedAt = Date.now(), seq?: number): void {
    if (r.probeFailures > 0) {
      const before = this.isReachable(r);
      r.probeFailures = 0;
      if (!before) {
        this.log.info(
          { pool_id: r.pool_id, replica_id: r.replica_id, reachable: true, probe_failures: 0, by: 'dispatch' },
          'replica reachable',
        );
        this.notify();
      }
    }
    if (seq !== undefined) this.sendOrder(r).succeeded(seq);
    if (r.breaker !== 'closed' && startedAt < r.breakerOpenedAt) return;
    if (r.breaker !== 'closed')
      this.log.info({ pool_id: r.pool_id, replica_id: r.replica_id, old_state: r.breaker, new_state: 'closed' }, 'replica breaker closed');
    r.consecutiveFailures = 0;
    r.breaker = 'closed';
    r.trialInFlight = false;
  }

  /**
   * Marks the end of a dispatch, whatever its result. A half-open breaker's trial that ended with no verdict on the
   * replica (a poison request the engine rejected, a busy engine, a cancel) gives the trial to the next dispatch:
   * otherwise the breaker stayed half-open with a trial "in flight" forever and the replica never served again (found
   * by the explorer, seed 1: a poison task was the trial after an engine's failing completions).
   */
  dispatchEnded(r: ReplicaView, seq?: number): void {
    r.inflight--;
    if (seq !== undefined) this.sendOrder(r).ended(seq);
    if (r.trialInFlight && seq !== undefined && r.trialSeq === seq) r.trialInFlight = false;
  }

  /** Called when a breaker opens (metrics). */
  onBreakerOpen?: (r: ReplicaView) => void;

  private sendOrder(r: ReplicaView): SendOrder {
    const order = this.sendOrders.get(r) ?? new SendOrder();
    this.sendOrders.set(r, order);
    return order;
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
      reported = JSON.parse(await getText(`${this.options.poolManagerUrl}/pools`, this.options.probeTimeoutMs)) as ManagerPool[];
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
    for (const p of reported) this.pools.set(p.pool_id, mergePool(this.pools.get(p.pool_id), p));
    this.notify();
  }

  private async probeReplicas(): Promise<void> {
    const all = [...this.pools.values()].flatMap((p) => p.replicas);
    let changed = false;
    await Promise.all(
      all.map(async (r) => {
        const ok = await probe(`${r.url}/health`, this.options.probeTimeoutMs);
        const before = this.isReachable(r);
        r.probeFailures = ok ? 0 : r.probeFailures + 1;
        // Logged now, not after the other probes: a dispatch may see this replica before they all end.
        this.logAvailability(r);
        if (this.isReachable(r) !== before) {
          changed = true;
          this.log.info(
            { pool_id: r.pool_id, replica_id: r.replica_id, reachable: !before, probe_failures: r.probeFailures },
            before ? 'replica unreachable' : 'replica reachable',
          );
        }
      }),
    );
    if (changed) this.notify();
  }

  /**
   * Logs every change of a replica's availability as the orchestrator sees it (pool manager says ready and its own
   * probes reach it), so its knowledge can be read back against its dispatches. Called before listeners dispatch.
   */
  private notify(): void {
    for (const r of [...this.pools.values()].flatMap((p) => p.replicas)) this.logAvailability(r);
    this.listeners.forEach((l) => l());
  }

  /** Logs the replica's availability if it changed; called at the moment a change is made, before any dispatch sees it. */
  private logAvailability(r: ReplicaView): void {
    const key = `${r.pool_id}/${r.replica_id}`;
    const available = r.managerState === 'ready' && this.isReachable(r);
    if (this.availability.get(key) === available) return;
    this.availability.set(key, available);
    this.log.info(
      { pool_id: r.pool_id, replica_id: r.replica_id, available, manager_state: r.managerState, reachable: this.isReachable(r) },
      'replica availability',
    );
  }
}
