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

/** The pool manager's HTTP API, used directly (not through the orchestrator): pool status, metrics, a replica's graceful restart. */
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

  /**
   * Asks for a graceful restart of one replica (`POST /pools/{id}/replicas/{replica}/restart {deadline_ms}`): the pool
   * manager takes it out of rotation, lets its in-flight work run until the deadline, stops and starts it. Answers
   * once the old engine is gone; `waitMs` bounds that wait (the deadline plus the stop's grace).
   */
  async restartReplica(poolId: string, replicaId: string, deadlineMs: number, waitMs: number): Promise<{ status: number; body: unknown }> {
    const url = `${this.baseUrl}/pools/${encodeURIComponent(poolId)}/replicas/${encodeURIComponent(replicaId)}/restart`;
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ deadline_ms: deadlineMs }),
      signal: AbortSignal.timeout(waitMs),
    });
    return { status: res.status, body: await res.json().catch(() => undefined) };
  }

  async metrics(): Promise<string> {
    const res = await fetch(`${this.baseUrl}/metrics`, { signal: AbortSignal.timeout(this.timeoutMs) });
    return res.text();
  }
}
