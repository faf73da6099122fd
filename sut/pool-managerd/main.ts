/**
 * pool-managerd: reads the pools config, stages models, spawns and supervises engine replicas, and reports pools and
 * replicas (with their advertised URLs) over HTTP. SIGTERM stops engines (SIGTERM, then SIGKILL after the grace) and
 * exits 0; a SIGKILL leaves engines running for the next start to adopt.
 */
import { envAddr, envStr } from '../common/env';
import { ApiError } from '../common/envelope';
import { createHttpApp } from '../common/http';
import { createLogger } from '../common/logger';
import { loadPoolsFile } from './config';
import { PoolMetrics } from './metrics';
import { Pool } from './pool';
import { discardPartials } from './provisioner';
import { policyFromEnv } from './supervision-policy';

const log = createLogger('pool-managerd');

async function main(): Promise<void> {
  const configFile = envStr('POOL_MANAGERD_CONFIG', '');
  if (!configFile) throw new Error('POOL_MANAGERD_CONFIG must name the pools config file');
  const config = loadPoolsFile(configFile);
  const policy = policyFromEnv();
  const discarded = await discardPartials(config.cache_dir);
  if (discarded.length) log.warn({ files: discarded }, 'discarded partial model files from an interrupted staging');
  const metrics = new PoolMetrics();
  const pools = new Map(config.pools.map((p) => [p.pool_id, new Pool(p, config.cache_dir, config.run_dir, policy, log, metrics)]));

  const app = createHttpApp({ logger: log, publicPaths: ['/health', '/metrics'] });
  const poolOr404 = (id: string): Pool => {
    const pool = pools.get(id);
    if (!pool) throw ApiError.notFound(`unknown pool ${id}`);
    return pool;
  };
  app.get('/health', async () => ({ status: 'ok', version: '0.1.0' }));
  app.get('/metrics', async (_req, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()));
  app.get('/pools', async () => [...pools.values()].map((p) => p.status()));
  app.get<{ Params: { id: string } }>('/pools/:id/status', async (req) => poolOr404(req.params.id).status());
  app.post<{ Params: { id: string } }>('/pools/:id/drain', async (req, reply) => {
    poolOr404(req.params.id).draining = true;
    return reply.code(202).send({ accepted: true });
  });
  app.post<{ Params: { id: string } }>('/pools/:id/reload', async (req, reply) => {
    const pool = poolOr404(req.params.id);
    const body = (req.body ?? {}) as { new_model_ref?: unknown; model_sha256?: unknown };
    if (typeof body.new_model_ref !== 'string' || !body.new_model_ref) throw ApiError.invalid('new_model_ref must be a non-empty string');
    const sha = typeof body.model_sha256 === 'string' ? body.model_sha256 : undefined;
    const rolledBack = await pool.reload(body.new_model_ref, sha, policy.startupTimeoutMs);
    if (rolledBack)
      return reply.code(409).send({ code: 'RELOAD_ROLLED_BACK', message: rolledBack, pool_id: pool.config.pool_id, retriable: false });
    return reply.code(200).send({ pool_id: pool.config.pool_id, model_ref: body.new_model_ref });
  });

  app.post<{ Params: { id: string; replica: string } }>('/pools/:id/replicas/:replica/restart', async (req, reply) => {
    const pool = poolOr404(req.params.id);
    const d = (req.body as { deadline_ms?: unknown } | undefined)?.deadline_ms ?? policy.shutdownGraceMs;
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0 || d > 600_000)
      throw ApiError.invalid('deadline_ms must be an integer number of ms between 0 and 600000');
    const done = await pool.restartReplica(req.params.replica, d);
    if (!done) throw ApiError.notFound(`unknown replica ${req.params.replica} of pool ${req.params.id}`);
    if (!done.restarting)
      return reply
        .code(409)
        .send({ code: 'REPLICA_NOT_SERVING', message: 'only a serving replica can be restarted gracefully', retriable: true });
    return reply.code(202).send({ pool_id: pool.config.pool_id, replica_id: req.params.replica, drained: done.drained });
  });

  const { host, port } = envAddr('POOL_MANAGERD_ADDR', '127.0.0.1:9200');
  await app.listen({ host, port });
  log.info({ addr: `${host}:${port}`, pools: [...pools.keys()] }, 'pool-managerd listening');
  void Promise.all([...pools.values()].map((p) => p.start()));

  let stopping = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping engines');
    await Promise.all([...pools.values()].map((p) => p.stop()));
    await app.close();
    log.info('pool-managerd stopped');
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err) => {
  log.fatal({ err: err.message }, 'pool-managerd failed to start');
  process.exit(1);
});
