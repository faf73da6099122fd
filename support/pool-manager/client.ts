/** One replica as the pool manager reports it (`GET /pools/{id}/status`). */
export interface ManagedReplica {
  replica_id: string;
  url: string;
  state: string;
  pid?: number;
  restarts: number;
  driver_resets: number;
  breaker?: 'closed' | 'open' | 'half-open';
  last_error?: string;
}

export interface ManagedPool {
  pool_id: string;
  state: string;
  model_ref: string;
  last_error?: string;
  replicas: ManagedReplica[];
}

/** The pool manager's HTTP API, read directly (not through the orchestrator): pool status and metrics. */
export class PoolManagerClient {
  constructor(
    readonly baseUrl: string,
    private readonly timeoutMs = 2000,
  ) {}

  async pool(poolId: string): Promise<ManagedPool> {
    const res = await fetch(`${this.baseUrl}/pools/${encodeURIComponent(poolId)}/status`, { signal: AbortSignal.timeout(this.timeoutMs) });
    if (res.status !== 200) throw new Error(`pool manager answered HTTP ${res.status} for pool ${poolId}`);
    return (await res.json()) as ManagedPool;
  }

  async replica(poolId: string, replicaId: string): Promise<ManagedReplica> {
    const replica = (await this.pool(poolId)).replicas.find((r) => r.replica_id === replicaId);
    if (!replica) throw new Error(`pool manager reports no replica ${replicaId} in pool ${poolId}`);
    return replica;
  }

  async metrics(): Promise<string> {
    const res = await fetch(`${this.baseUrl}/metrics`, { signal: AbortSignal.timeout(this.timeoutMs) });
    return res.text();
  }
}
