/**
 * orchestratord: admits tasks into a durable queue, dispatches them to ready engine replicas learned from
 * pool-managerd, streams tokens to clients as SSE, and degrades explicitly under faults. SIGTERM drains: no new
 * admissions (503 with a retry hint), in-flight tasks finish within the grace, queued ones stay in the store, exit 0.
 */
import { envAddr, envInt, envStr } from '../common/env';
import { createHttpApp } from '../common/http';
import { createLogger } from '../common/logger';
import { registerRoutes } from './api';
import { registerControlRoutes } from './control';
import { Dispatcher } from './dispatcher';
import { OrchestratorMetrics } from './metrics';
import { ReplicaDirectory } from './replicas';
import { TaskStore } from './store';
import { TaskEvents } from './task-events';

const log = createLogger('orchestratord');

async function main(): Promise<void> {
  const policy = envStr('ORCHD_ADMISSION_POLICY', 'reject');
  if (policy !== 'reject' && policy !== 'drop-lru')
    throw new Error(`Expected \`ORCHD_ADMISSION_POLICY\` to be reject or drop-lru, got \`${policy}\``);
  const capacity = envInt('ORCHD_ADMISSION_CAPACITY', 8);
  if (capacity === 0) throw new Error('Expected `ORCHD_ADMISSION_CAPACITY` to be > 0, got `0`');
  const retryAfterMs = envInt('ORCHD_RETRY_AFTER_MS', 1000);
  const connectMs = envInt('ORCHD_CONNECT_TIMEOUT_MS', 2000);

  const store = new TaskStore(envStr('ORCHD_DB', '.orchd/tasks.db'));
  const events = new TaskEvents();
  const metrics = new OrchestratorMetrics();
  const directory = new ReplicaDirectory(
    {
      poolManagerUrl: envStr('POOL_MANAGERD_URL', 'http://127.0.0.1:9200'),
      pollMs: envInt('ORCHD_POOL_POLL_MS', 500),
      probeMs: envInt('ORCHD_REPLICA_PROBE_MS', 500),
      probeTimeoutMs: connectMs,
      probeFailureThreshold: Math.max(1, envInt('ORCHD_PROBE_FAILURES', 3)),
      breakerThreshold: envInt('ORCHD_BREAKER_THRESHOLD', 3),
      breakerCooldownMs: envInt('ORCHD_BREAKER_COOLDOWN_MS', 5000),
    },
    log,
  );
  const dispatcher = new Dispatcher(
    store,
    directory,
    events,
    metrics,
    {
      timeouts: {
        connectMs,
        firstTokenMs: envInt('ORCHD_FIRST_TOKEN_TIMEOUT_MS', 10_000),
        idleMs: envInt('ORCHD_IDLE_TIMEOUT_MS', 5000),
        wallMs: envInt('ORCHD_WALL_TIMEOUT_MS', 300_000),
      },
      retryMaxAttempts: envInt('ORCHD_RETRY_MAX_ATTEMPTS', 3),
      retryBaseMs: envInt('ORCHD_RETRY_BASE_MS', 50),
      retryCapMs: envInt('ORCHD_RETRY_CAP_MS', 1000),
      queueTimeoutMs: envInt('ORCHD_QUEUE_TIMEOUT_MS', 30_000),
      retryAfterMs,
      migrationLimit: envInt('ORCHD_MIGRATION_LIMIT', 0),
      migrationWaitMs: envInt('ORCHD_MIGRATION_WAIT_MS', 5000),
    },
    log,
  );
  directory.onBreakerOpen = (r) => metrics.breakerOpened.inc({ pool_id: r.pool_id, replica_id: r.replica_id });
  dispatcher.recover();
  // Before the API opens: a restored task whose queue timeout passed while the orchestrator was down ends now (CHAOS-004),
  // and the queue is watched from here on, not only once the pool manager has answered (no replica is known yet, so
  // nothing is dispatched). Found by the explorer: a status served in that window still said queued, 2.4 s after a 2 s timeout.
  dispatcher.pump();

  let shuttingDown = false;
  const app = createHttpApp({ logger: log, bodyLimitBytes: envInt('ORCHD_BODY_LIMIT_BYTES', 1024 * 1024) });
  const deps = {
    log,
    store,
    directory,
    dispatcher,
    events,
    metrics,
    isShuttingDown: () => shuttingDown,
    admissionCapacity: capacity,
    admissionPolicy: policy as 'reject' | 'drop-lru',
    retryAfterMs,
    heartbeatMs: envInt('ORCHD_SSE_HEARTBEAT_MS', 5000),
    cancelOnDisconnect: envInt('ORCHD_CANCEL_ON_DISCONNECT', 1) === 1,
    ctxMax: envInt('ORCHD_CTX_MAX', 32768),
    predictMsPerTask: envInt('ORCHD_PREDICT_MS_PER_TASK', 100),
  };
  registerRoutes(app, deps);
  registerControlRoutes(app, deps, {
    poolManagerUrl: envStr('POOL_MANAGERD_URL', 'http://127.0.0.1:9200'),
    reloadTimeoutMs: envInt('ORCHD_RELOAD_TIMEOUT_MS', 60_000),
    defaultDeadlineMs: envInt('ORCHD_DRAIN_DEADLINE_MS', 30_000),
  });

  const { host, port } = envAddr('ORCHD_ADDR', '127.0.0.1:8080');
  await app.listen({ host, port });
  log.info({ addr: `${host}:${port}`, queued: store.count('queued') }, 'orchestratord listening');
  await directory.start();
  dispatcher.pump();

  const shutdown = async (signal: string): Promise<void> => {
    if (shuttingDown) return;
    shuttingDown = true;
    dispatcher.pause();
    const graceMs = envInt('ORCHD_SHUTDOWN_GRACE_MS', 10_000);
    log.info(
      { signal, in_flight: dispatcher.inflight, queued: store.count('queued'), grace_ms: graceMs },
      'draining: refusing new tasks, finishing in-flight ones',
    );
    const cut = await dispatcher.drainRunning(graceMs);
    directory.stop();
    // Let the terminal frames just written reach their sockets before connections are force-closed.
    await new Promise((resolve) => setImmediate(resolve));
    await app.close();
    log.info({ cut, queued_kept: store.count('queued') }, 'orchestratord stopped');
    store.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err) => {
  log.fatal({ err: (err as Error).message }, 'orchestratord failed to start');
  process.exit(1);
});
