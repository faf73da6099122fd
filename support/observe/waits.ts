import type { Envelope, OrchestratorClient, PoolHealth, TaskRequest } from '../orchestrator/client';
import { ConditionBroken } from '../core/errors';
import { eventually, holds } from '../core/eventually';
import { eventsOf, outcomeOf, Outcome, terminalOf, TaskRecord } from './history';
import type { Workload } from './workload';

/** Waits until the pool reports `state`; returns the time it took. */
export async function poolReaches(client: OrchestratorClient, poolId: string, state: string, withinMs: number): Promise<number> {
  const { elapsedMs } = await eventually(
    `pool ${poolId} ${state}`,
    async () => {
      const h = await client.poolHealth(poolId);
      return { ok: h.status === 200 && h.body.state === state, seen: describePool(h.body) };
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

/**
 * Recovery probe: submits a fresh task, as a client honouring retry hints would, until one is admitted; that task must
 * then complete — an admitted task that fails is not hidden by trying again. Refusals along the way stay in the
 * history (and are judged there). Returns the time from the first try to the completion.
 */
export async function aTaskCompletes(workload: Workload, make: () => TaskRequest, withinMs: number): Promise<number> {
  const started = Date.now();
  const { value: record } = await eventually(
    'a new task is admitted',
    async () => {
      const r = await workload.submit(make());
      return {
        ok: r.admission?.status === 202,
        seen: `refused: ${r.admission?.status ?? r.transportError} ${r.admission?.body?.code ?? ''}`,
        value: r,
      };
    },
    { withinMs, everyMs: 50 },
  );
  const outcome = await taskEnds(record!, Math.max(100, withinMs - (Date.now() - started)));
  const terminal = terminalOf(record!);
  if (outcome !== 'completed')
    throw new ConditionBroken(
      `a new task completes: task ${record!.taskId} was admitted and then ${outcome}${terminal?.event === 'error' ? ` (${terminal.data.code}: ${terminal.data.message})` : ''}`,
    );
  return Date.now() - started;
}

/** What a refusal must carry: an envelope with `code`, retriable, a retry hint in body and headers. */
export function refusalProblems(record: TaskRecord, code: string, fastMs: number): string[] {
  const a = record.admission;
  if (!a) return [`no answer (${record.transportError})`];
  const body = a.body as Partial<Envelope>;
  const problems: string[] = [];
  if (a.status === 202) problems.push('the task was admitted');
  if (body.code !== code) problems.push(`code ${body.code}, expected ${code}`);
  if (body.retriable !== true) problems.push(`retriable=${body.retriable}`);
  if (!(Number(body.retry_after_ms) > 0)) problems.push(`retry_after_ms=${body.retry_after_ms}`);
  if (!(Number(a.headers['retry-after']) >= 1)) problems.push(`Retry-After=${a.headers['retry-after']}`);
  if (a.elapsedMs > fastMs) problems.push(`answered in ${a.elapsedMs} ms, more than ${fastMs} ms`);
  return problems;
}

/** What a backpressure refusal must carry (ORCH-2007): 429, the code, Retry-After, X-Backoff-Ms, policy_label, retriable. */
export function backpressureProblems(record: TaskRecord, code: string, fastMs: number): string[] {
  const a = record.admission;
  if (!a) return [`no answer (${record.transportError})`];
  const body = a.body as Partial<Envelope>;
  const problems = refusalProblems(record, code, fastMs);
  if (a.status !== 429) problems.push(`HTTP ${a.status}, expected 429`);
  if (!(Number(a.headers['x-backoff-ms']) > 0)) problems.push(`X-Backoff-Ms=${a.headers['x-backoff-ms']}`);
  if (!body.policy_label) problems.push('no policy_label');
  return problems;
}

/** Submits fresh tasks until one is refused with `code` and a retry hint (the orchestrator had to notice first). */
export async function tasksRefused(
  workload: Workload,
  make: () => TaskRequest,
  code: string,
  fastMs: number,
  withinMs: number,
): Promise<number> {
  const { elapsedMs } = await eventually(
    `new tasks refused as ${code} with a retry hint`,
    async () => {
      const record = await workload.submit(make());
      const problems = refusalProblems(record, code, fastMs);
      return { ok: problems.length === 0, seen: `HTTP ${record.admission?.status ?? record.transportError}: ${problems.join(', ')}` };
    },
    { withinMs, everyMs: 50 },
  );
  return elapsedMs;
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
