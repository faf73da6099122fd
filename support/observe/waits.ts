import type { OrchestratorClient, PoolHealth } from '../orchestrator/client';
import { FaultNotApplicable, WaitTimedOut } from '../core/errors';
import { eventually, holds } from '../core/eventually';
import { eventsOf, outcomeOf, Outcome, terminalOf, TaskRecord } from '../history/history';

/**
 * Waits until the pool reports `state` and, per replica in `restartsDue`, at least that many restarts (the engines the
 * scenario ended have been started again); returns the time it took.
 */
export async function poolReaches(
  client: OrchestratorClient,
  poolId: string,
  state: string,
  withinMs: number,
  restartsDue: ReadonlyMap<string, number> = new Map(),
): Promise<number> {
  const due = [...restartsDue].map(([replica, n]) => `, replica ${replica} restarted (${n} restarts)`).join('');
  const { elapsedMs } = await eventually(
    `pool ${poolId} ${state}${due}`,
    async () => {
      const h = await client.poolHealth(poolId);
      const restarted = [...restartsDue].every(
        ([replica, n]) => (h.body.replicas?.find((r) => r.replica_id === replica)?.restarts ?? -1) >= n,
      );
      return { ok: h.status === 200 && h.body.state === state && restarted, seen: describePool(h.body) };
    },
    { withinMs, everyMs: 10 },
  );
  return elapsedMs;
}

/** Waits until a replica is ready again after at least `restarts` restarts (1: one restart); returns the time it took. */
export async function replicaRestarted(
  client: OrchestratorClient,
  poolId: string,
  replicaId: string,
  withinMs: number,
  restarts = 1,
): Promise<number> {
  const { elapsedMs } = await eventually(
    `replica ${replicaId} restarted${restarts > 1 ? ` ${restarts} times` : ''} and ready`,
    async () => {
      const h = await client.poolHealth(poolId);
      const r = h.body.replicas?.find((x) => x.replica_id === replicaId);
      return { ok: r?.state === 'ready' && r.restarts >= restarts, seen: describePool(h.body) };
    },
    { withinMs, everyMs: 10 },
  );
  return elapsedMs;
}

export function describePool(h: PoolHealth | undefined): string {
  if (!h?.replicas) return JSON.stringify(h);
  return `state=${h.state}, replicas=[${h.replicas.map((r) => `${r.replica_id}:${r.state}/restarts=${r.restarts}${r.last_error ? `/${r.last_error}` : ''}`).join(', ')}]`;
}

/** Waits until the client has received at least `count` tokens of a task. */
export async function tokensReceived(record: TaskRecord, count: number, withinMs: number): Promise<void> {
  await eventually(
    `task ${record.taskId} streaming (${count} token${count === 1 ? '' : 's'} received)`,
    async () => {
      const tokens = eventsOf(record).filter((e) => e.event === 'token').length;
      return {
        ok: tokens >= count,
        seen: `${tokens} tokens, events: ${
          eventsOf(record)
            .map((e) => e.event)
            .slice(-5)
            .join(',') || 'none'
        }, admission: ${record.admission?.status ?? record.transportError}`,
      };
    },
    { withinMs, everyMs: 5 },
  );
}

/** Waits until the client has seen the task's terminal event; returns its outcome. */
export async function taskEnds(record: TaskRecord, withinMs: number): Promise<Outcome> {
  await eventually(
    `task ${record.taskId} reaches a terminal event`,
    async () => ({
      ok: terminalOf(record) !== undefined,
      seen: `events: ${
        eventsOf(record)
          .map((e) => e.event)
          .slice(-5)
          .join(',') || 'none'
      }`,
    }),
    { withinMs, everyMs: 10 },
  );
  return outcomeOf(record);
}

/** Waits until the orchestrator reports the pool manager reachable (or not). */
export async function poolManagerReachability(client: OrchestratorClient, reachable: boolean, withinMs: number): Promise<number> {
  const { elapsedMs } = await eventually(
    `the orchestrator reports the pool manager ${reachable ? 'reachable' : 'unreachable'}`,
    async () => {
      const h = await client.health();
      return { ok: h.body.pool_manager_reachable === reachable, seen: JSON.stringify(h.body) };
    },
    { withinMs, everyMs: 10 },
  );
  return elapsedMs;
}

/** Waits until the pool's health reports `slots` slots in all (its capacity, as the client sees it). */
export async function poolCapacity(client: OrchestratorClient, poolId: string, slots: number, withinMs: number): Promise<void> {
  await eventually(
    `pool ${poolId} reports ${slots} slots in all`,
    async () => {
      const { metrics } = (await client.poolHealth(poolId)).body;
      return { ok: metrics?.slots_total === slots, seen: `metrics ${JSON.stringify(metrics)}` };
    },
    { withinMs, everyMs: 10 },
  );
}

/** Every `last_error` the pool's health reports: the pool's own, then each replica's. */
export async function poolErrors(client: OrchestratorClient, poolId: string): Promise<(string | undefined)[]> {
  const health = (await client.poolHealth(poolId)).body;
  return [health.last_error, ...health.replicas.map((r) => r.last_error)];
}

/** The task stays canceled with no token, both as the client saw it and as the status endpoint says, for `forMs`. */
export async function taskStaysCanceled(client: OrchestratorClient, record: TaskRecord, forMs: number): Promise<void> {
  await holds(
    `task ${record.taskId} stays canceled without a token`,
    async () => {
      const tokens = eventsOf(record).filter((e) => e.event === 'token').length;
      const status = (await client.status(record.taskId)).body;
      return {
        ok: tokens === 0 && status.state === 'canceled' && status.tokens_out === 0,
        seen: `client has ${tokens} tokens; status ${status.state}, tokens_out ${status.tokens_out}`,
      };
    },
    { forMs, everyMs: 50 },
  );
}

/**
 * Waits until the status endpoint says the task is `state`: for a task whose client went away (SSE-1003), its end is
 * known only there. Returns the state last seen.
 */
export async function statusBecomes(client: OrchestratorClient, record: TaskRecord, state: string, withinMs: number): Promise<void> {
  await eventually(
    `task ${record.taskId} is ${state} by its status`,
    async () => {
      const status = (await client.status(record.taskId)).body;
      return { ok: status.state === state, seen: `status ${status.state}, tokens_out ${status.tokens_out}` };
    },
    { withinMs, everyMs: 20 },
  );
}

/** Waits until the pool's health reports a `last_error` (its own or a replica's) matching `pattern`. */
export async function poolSays(client: OrchestratorClient, poolId: string, pattern: RegExp, withinMs: number): Promise<void> {
  await eventually(
    `the pool reports an error matching ${pattern}`,
    async () => {
      const errors = await poolErrors(client, poolId);
      return { ok: errors.some((e) => pattern.test(String(e))), seen: `last errors: ${JSON.stringify(errors)}` };
    },
    { withinMs, everyMs: 20 },
  );
}

/** Waits until the pool's health reports `last_error` matching `pattern` for one replica (the orchestrator polls its pool manager). */
export async function replicaSays(
  client: OrchestratorClient,
  poolId: string,
  replicaId: string,
  pattern: RegExp,
  withinMs: number,
): Promise<void> {
  await eventually(
    `replica ${replicaId} reports an error matching ${pattern}`,
    async () => {
      const r = (await client.poolHealth(poolId)).body.replicas.find((x) => x.replica_id === replicaId);
      return { ok: pattern.test(String(r?.last_error)), seen: `replica ${replicaId}: ${JSON.stringify(r)}` };
    },
    { withinMs, everyMs: 20 },
  );
}

/**
 * The moment a fault that promises something to the tasks in flight waits for: the client has a task streaming (a
 * token received, no end yet, not left or canceled) with at least `minToCome` of its tokens still to come, within
 * `withinMs`. Else throws FaultNotApplicable (infeasible, for the explorer), saying what the client had.
 */
export async function someTaskStreaming(records: () => TaskRecord[], minToCome: number, withinMs: number): Promise<void> {
  const toCome = (r: TaskRecord) => r.request.max_tokens - eventsOf(r).filter((e) => e.event === 'token').length;
  const streaming = (r: TaskRecord) =>
    eventsOf(r).some((e) => e.event === 'token') && !terminalOf(r) && r.leftAt === undefined && r.canceledAt === undefined;
  try {
    await eventually(
      `a task streaming with ${minToCome} tokens to come`,
      async () => {
        const open = records().filter(streaming);
        return {
          ok: open.some((r) => toCome(r) >= minToCome),
          seen: `${open.length} streaming, ${open.map(toCome).join('/') || 'none'} to come`,
        };
      },
      { withinMs, everyMs: 5 },
    );
  } catch (err) {
    if (!(err instanceof WaitTimedOut)) throw err;
    throw new FaultNotApplicable(`Fault not applied: ${err.message}`);
  }
}
