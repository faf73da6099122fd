import type { FastifyInstance } from 'fastify';
import type pino from 'pino';
import { ApiError, retryHeaders } from '../common/envelope';
import type { Dispatcher } from './dispatcher';
import { streamEvents } from './event-stream';
import type { OrchestratorMetrics } from './metrics';
import type { ReplicaDirectory } from './replicas';
import type { TaskRequest, TaskStore } from './store';
import type { TaskEvents } from './task-events';
import { taskRequestSchema } from './task-schema';

export interface ApiDeps {
  log: pino.Logger;
  store: TaskStore;
  directory: ReplicaDirectory;
  dispatcher: Dispatcher;
  events: TaskEvents;
  metrics: OrchestratorMetrics;
  isShuttingDown: () => boolean;
  admissionCapacity: number;
  admissionPolicy: 'reject' | 'drop-lru';
  retryAfterMs: number;
  heartbeatMs: number;
  cancelOnDisconnect: boolean;
  ctxMax: number;
  predictMsPerTask: number;
}

/** Registers the v2 data plane, pool health and the health/metrics extensions on `app`. */
export function registerRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const { store, directory, dispatcher, metrics } = deps;

  app.post<{ Body: TaskRequest }>('/v2/tasks', { schema: { body: taskRequestSchema } }, async (req, reply) => {
    const body = req.body;
    const existing = store.get(body.task_id);
    if (existing) return reply.code(202).send(admission(existing.task_id)); // idempotent by task_id
    const reject = (reason: string, err: ApiError): never => {
      metrics.tasksRejected.inc({ engine: body.engine, reason });
      throw err;
    };
    if (body.deadline_ms <= 0)
      reject(
        'DEADLINE_UNMET',
        new ApiError(400, { code: 'DEADLINE_UNMET', message: `deadline_ms must be > 0, got ${body.deadline_ms}`, retriable: false }),
      );
    if (body.ctx > deps.ctxMax) reject('INVALID_PARAMS', ApiError.invalid(`ctx ${body.ctx} exceeds the model's limit ${deps.ctxMax}`));
    const poolId = body.placement?.pin_pool_id ?? directory.poolIds()[0];
    if (deps.isShuttingDown())
      reject('POOL_UNREADY', ApiError.unavailable('POOL_UNREADY', 'orchestrator is shutting down', deps.retryAfterMs, poolId));
    if (!poolId || !directory.pool(poolId))
      reject(
        'POOL_UNAVAILABLE',
        ApiError.unavailable('POOL_UNAVAILABLE', `pool ${poolId ?? '(none)'} is not known yet`, deps.retryAfterMs, poolId),
      );
    if (directory.isDraining(poolId))
      reject('POOL_UNREADY', ApiError.unavailable('POOL_UNREADY', `pool ${poolId} is draining`, deps.retryAfterMs, poolId));
    // ORCH-3091: a pool whose model is not in place (staging, or staging failing: no space, missing artifact) is
    // unready, an advisory with a retry hint; a staged pool with no ready replica (crashed, GPU gone, breaker open) is
    // unavailable.
    if (directory.awaitsModel(poolId) && directory.servingReplicas(poolId).length === 0)
      reject(
        'POOL_UNREADY',
        ApiError.unavailable(
          'POOL_UNREADY',
          `pool ${poolId} has no model in place yet: ${directory.pool(poolId)?.last_error ?? 'staging'}`,
          deps.retryAfterMs,
          poolId,
        ),
      );
    if (directory.servingReplicas(poolId).length === 0) {
      reject('POOL_UNAVAILABLE', ApiError.unavailable('POOL_UNAVAILABLE', `no ready replica in pool ${poolId}`, deps.retryAfterMs, poolId));
    }
    if (store.count('queued') >= deps.admissionCapacity) {
      // ORCH-3005: the full-queue policy is explicit. drop-lru admits the new task in place of the oldest queued one.
      metrics.backpressure.inc({ engine: body.engine, policy: deps.admissionPolicy });
      const evicted = deps.admissionPolicy === 'drop-lru' ? dispatcher.evictOldestQueued() : undefined;
      if (evicted) {
        metrics.tasksRejected.inc({ engine: body.engine, reason: 'QUEUE_FULL_DROP_LRU' });
        deps.log.warn(
          { job_id: evicted.task_id, pool_id: evicted.pool_id, policy: 'drop-lru', replaced_by: body.task_id },
          'queue full: evicted the oldest queued task',
        );
      } else {
        const code = deps.admissionPolicy === 'reject' ? 'ADMISSION_REJECT' : 'QUEUE_FULL_DROP_LRU';
        reject(
          code,
          new ApiError(429, {
            code,
            message: `queue full (capacity ${deps.admissionCapacity})`,
            engine: body.engine,
            pool_id: poolId,
            retriable: true,
            retry_after_ms: deps.retryAfterMs,
            policy_label: deps.admissionPolicy,
          }),
        );
      }
    }
    // Durable before the 202: a crash after this line loses nothing.
    if (!store.tryInsert(body, poolId, Date.now())) return reply.code(202).send(admission(body.task_id));
    // Not yet on a replica: the build its pool's engines report (ORCH-3027), never a constant.
    const labels = { engine: body.engine, engine_version: directory.engineVersion(poolId), pool_id: poolId, replica_id: '' };
    metrics.tasksEnqueued.inc({ ...labels, priority: body.priority });
    const response = admission(body.task_id);
    // ORCH-3027 / OC-CTRL-2050: admission is logged with its queue position and ETA.
    deps.log.info(
      {
        job_id: body.task_id,
        session_id: body.session_id,
        engine: body.engine,
        engine_version: labels.engine_version,
        pool_id: poolId,
        queue_position: response.queue_position,
        predicted_start_ms: response.predicted_start_ms,
      },
      'task admitted',
    );
    dispatcher.pump();
    return reply.code(202).send(response);
  });

  const admission = (taskId: string) => {
    const position = store.queuePosition(taskId);
    return {
      task_id: taskId,
      queue_position: position,
      predicted_start_ms: position * deps.predictMsPerTask,
      backoff_ms: 0,
      streams: { sse: `/v2/tasks/${taskId}/events` },
    };
  };

  app.get<{ Params: { id: string } }>('/v2/tasks/:id', async (req) => {
    const task = store.get(req.params.id);
    if (!task) throw ApiError.notFound(`unknown task ${req.params.id}`);
    return {
      task_id: task.task_id,
      state: task.state,
      pool_id: task.pool_id,
      replica_id: task.replica_id,
      attempts: task.attempts,
      tokens_out: store.tokenCount(task.task_id),
      error: task.error,
      created_ms: task.created_ms,
      started_ms: task.started_ms,
      ended_ms: task.ended_ms,
    };
  });

  app.post<{ Params: { id: string } }>('/v2/tasks/:id/cancel', async (req, reply) => {
    if (!store.get(req.params.id)) throw ApiError.notFound(`unknown task ${req.params.id}`);
    dispatcher.cancel(req.params.id); // idempotent: a terminal task stays as it is
    return reply.code(204).send();
  });

  app.get<{ Params: { id: string } }>('/v2/tasks/:id/events', async (req, reply) => {
    const task = store.get(req.params.id);
    if (!task) throw ApiError.notFound(`unknown task ${req.params.id}`);
    const lastEventId = parseLastEventId(req.headers['last-event-id']);
    streamEvents(reply, task.task_id, lastEventId, deps);
  });

  app.get<{ Params: { id: string } }>('/v2/pools/:id/health', async (req) => {
    const health = poolHealth(req.params.id, deps);
    if (!health) throw ApiError.notFound(`unknown pool ${req.params.id}`);
    return health;
  });

  app.get('/v2/meta/capabilities', async () => ({
    api_version: '2.0.0',
    engines: [
      {
        engine: 'llamacpp',
        engine_version: directory.engineVersion(),
        ctx_max: deps.ctxMax,
        supported_workloads: ['completion'],
        features: {},
        rate_limits: {},
      },
    ],
  }));

  app.get('/v2/health', async () => {
    const pools = Object.fromEntries(directory.poolIds().map((id) => [id, poolHealth(id, deps)!.state]));
    const states = Object.values(pools);
    const serving = directory.poolIds().some((id) => directory.servingReplicas(id).length > 0) && !deps.isShuttingDown();
    const status = !serving ? 'unhealthy' : states.every((s) => s === 'ready') ? 'healthy' : 'degraded';
    return { status, live: true, ready: serving, pools, pool_manager_reachable: directory.poolManagerReachable };
  });

  app.get('/livez', async () => ({ live: true }));
  app.get('/readyz', async (_req, reply) => {
    const ready = !deps.isShuttingDown() && directory.poolIds().some((id) => directory.servingReplicas(id).length > 0);
    if (!ready) reply.headers(retryHeaders(deps.retryAfterMs));
    return reply.code(ready ? 200 : 503).send({ ready });
  });

  app.get('/metrics', async (_req, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()));
}

/** Pool health from the orchestrator's point of view: a replica it cannot reach is not ready, whatever pool-managerd says. */
function poolHealth(poolId: string, deps: ApiDeps) {
  const pool = deps.directory.pool(poolId);
  if (!pool) return undefined;
  const now = Date.now();
  const replicas = pool.replicas.map((r) => ({
    replica_id: r.replica_id,
    state: deps.directory.stateOf(r, now),
    restarts: r.restarts,
    driver_resets: r.driver_resets,
    last_error: r.last_error,
  }));
  const ready = replicas.filter((r) => r.state === 'ready').length;
  let state: string;
  if (deps.directory.isDraining(poolId) || deps.isShuttingDown()) state = 'draining';
  else if (ready === replicas.length) state = 'ready';
  else if (ready > 0) state = 'degraded';
  else if (pool.managerState === 'failed') state = 'failed';
  else state = 'unready';
  const serving = deps.directory.servingReplicas(poolId);
  return {
    live: true,
    ready: ready > 0 && state !== 'draining',
    draining: state === 'draining',
    state,
    replicas,
    last_error: pool.last_error,
    metrics: {
      queue_depth: deps.store.count('queued'),
      slots_total: pool.replicas.reduce((n, r) => n + r.slots_total, 0),
      slots_free: serving.reduce((n, r) => n + Math.max(0, r.slots_total - r.inflight), 0),
    },
  };
}

function parseLastEventId(header: string | string[] | undefined): number | undefined {
  if (typeof header !== 'string' || !/^\d+$/.test(header.trim())) return undefined;
  return Number(header.trim());
}
