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
  /** The engine's build as the pool manager learned it from the engine (`/props` build_info); absent until known. */
  engine_version?: string;
  last_error?: string;
  /** Consecutive failed probes of the replica's `/health` by the orchestrator itself. */
  probeFailures: number;
  inflight: number;
  /** Consecutive failed dispatches; the breaker opens at the threshold. */
  consecutiveFailures: number;
  breaker: 'closed' | 'open' | 'half-open';
  breakerOpenedAt: number;
  breakerOpenUntil: number;
  /** A half-open breaker lets one trial dispatch through at a time. */
  trialInFlight: boolean;
  /** The send-order number of the half-open breaker's trial dispatch, while it is in flight. */
  trialSeq?: number;
}

export interface PoolView {
  pool_id: string;
  engine: string;
  managerState: string;
  draining: boolean;
  /** The pool manager has the pool's model in place (absent in its report: assumed so). */
  modelStaged: boolean;
  last_error?: string;
  replicas: ReplicaView[];
}

/** A pool as pool-managerd's `/pools` reports it. */
export interface ManagerPool {
  pool_id: string;
  state: string;
  engine?: string;
  draining?: boolean;
  model_staged?: boolean;
  last_error?: string;
  replicas: {
    replica_id: string;
    url: string;
    state: string;
    restarts: number;
    driver_resets?: number;
    slots_total: number;
    engine_version?: string;
    last_error?: string;
  }[];
}

/**
 * The pool as pool-managerd reports it now, joined with what the orchestrator knew of it: known replicas are updated
 * in place, so the dispatcher's references (in-flight counts, breakers) stay valid.
 */
export function mergePool(previous: PoolView | undefined, p: ManagerPool): PoolView {
  const replicas = p.replicas.map((r): ReplicaView => {
    const view = previous?.replicas.find((o) => o.replica_id === r.replica_id && o.url === r.url);
    if (!view) {
      return {
        pool_id: p.pool_id,
        replica_id: r.replica_id,
        url: r.url,
        managerState: r.state,
        restarts: r.restarts,
        driver_resets: r.driver_resets ?? 0,
        slots_total: r.slots_total,
        engine_version: r.engine_version,
        last_error: r.last_error,
        probeFailures: 0,
        inflight: 0,
        consecutiveFailures: 0,
        breaker: 'closed',
        breakerOpenedAt: 0,
        breakerOpenUntil: 0,
        trialInFlight: false,
      };
    }
    // A replica newly reported ready (restarted) is trusted until our own probes say otherwise.
    if (view.managerState !== 'ready' && r.state === 'ready') view.probeFailures = 0;
    view.managerState = r.state;
    view.restarts = r.restarts;
    view.driver_resets = r.driver_resets ?? 0;
    view.slots_total = r.slots_total;
    // A pool manager that has not read the engine's build yet (restarted, adopting it) reports none: that is not a new
    // build, and the tasks the replica serves meanwhile keep the one it had (found by the explorer, seed 2).
    view.engine_version = r.engine_version ?? view.engine_version;
    view.last_error = r.last_error;
    return view;
  });
  return {
    pool_id: p.pool_id,
    engine: p.engine ?? 'llamacpp',
    managerState: p.state,
    draining: p.draining ?? false,
    modelStaged: p.model_staged ?? true,
    last_error: p.last_error,
    replicas,
  };
}
