import type { FastifyInstance } from 'fastify';
import { ApiError } from '../common/envelope';
import type { ApiDeps } from './api';

/** How long the orchestrator waits for pool-managerd to stage and switch a model, ms (ORCHD_RELOAD_TIMEOUT_MS). */
export interface ControlOptions {
  poolManagerUrl: string;
  reloadTimeoutMs: number;
  defaultDeadlineMs: number;
}

/**
 * The control plane (ORCH-3031, ORCH-3505): drain and reload a pool.
 * - drain `{deadline_ms}`: the pool admits nothing more (503 POOL_UNREADY with a retry hint), its in-flight tasks may
 *   finish until the deadline and are then ended with a retriable SSE error; its queued tasks stay queued.
 * - reload `{new_model_ref, model_sha256?, deadline_ms?}`: drain, then pool-managerd stages and preloads the new model
 *   and switches, or rolls back to the old one if anything fails; the pool serves again either way. 202 when it
 *   switched, 409 with the envelope when it rolled back.
 */
export function registerControlRoutes(app: FastifyInstance, deps: ApiDeps, options: ControlOptions): void {
  const { directory, dispatcher, log } = deps;
  const known = (poolId: string): void => {
    if (!directory.pool(poolId)) throw ApiError.notFound(`unknown pool ${poolId}`);
  };
  const deadlineOf = (body: unknown): number => {
    const d = (body as { deadline_ms?: unknown } | undefined)?.deadline_ms ?? options.defaultDeadlineMs;
    if (typeof d !== 'number' || !Number.isFinite(d) || d < 0)
      throw ApiError.invalid(`deadline_ms must be a non-negative number, got ${JSON.stringify(d)}`);
    return d;
  };

  app.post<{ Params: { id: string } }>('/v2/pools/:id/drain', async (req, reply) => {
    const poolId = req.params.id;
    known(poolId);
    const deadlineMs = deadlineOf(req.body);
    directory.setDrained(poolId, true);
    void managerCall(options, `/pools/${encodeURIComponent(poolId)}/drain`, {}, 2000).catch(() => undefined);
    log.info({ pool_id: poolId, deadline_ms: deadlineMs, in_flight: dispatcher.inflightOf(poolId) }, 'pool draining');
    void dispatcher.drainPool(poolId, deadlineMs);
    return reply.code(202).send({ pool_id: poolId, draining: true, deadline_ms: deadlineMs });
  });

  app.post<{ Params: { id: string } }>('/v2/pools/:id/reload', async (req, reply) => {
    const poolId = req.params.id;
    known(poolId);
    const body = (req.body ?? {}) as { new_model_ref?: unknown; model_sha256?: unknown };
    if (typeof body.new_model_ref !== 'string' || body.new_model_ref === '')
      throw ApiError.invalid('new_model_ref must be a non-empty string');
    if (body.model_sha256 !== undefined && (typeof body.model_sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(body.model_sha256)))
      throw ApiError.invalid('model_sha256, when given, must be 64 lowercase hex digits');
    const deadlineMs = deadlineOf(req.body);
    directory.setDrained(poolId, true);
    log.info({ pool_id: poolId, new_model_ref: body.new_model_ref, deadline_ms: deadlineMs }, 'reload: draining the pool');
    try {
      await dispatcher.drainPool(poolId, deadlineMs);
      const answer = await managerCall(
        options,
        `/pools/${encodeURIComponent(poolId)}/reload`,
        { new_model_ref: body.new_model_ref, model_sha256: body.model_sha256 },
        options.reloadTimeoutMs,
      );
      if (answer.status === 200) {
        log.info({ pool_id: poolId, model_ref: body.new_model_ref }, 'reload: switched to the new model');
        return reply.code(202).send({ pool_id: poolId, model_ref: body.new_model_ref, reloaded: true });
      }
      const reason = (answer.body as { message?: string }).message ?? `pool-managerd answered ${answer.status}`;
      log.warn({ pool_id: poolId, new_model_ref: body.new_model_ref, reason }, 'reload: rolled back to the old model');
      throw new ApiError(409, {
        code: 'RELOAD_ROLLED_BACK',
        message: `reload of pool ${poolId} rolled back: ${reason}`,
        pool_id: poolId,
        retriable: false,
      });
    } finally {
      // Serve again only once the orchestrator itself sees a replica back (its view is a poll behind the pool
      // manager's): undrained before that, new tasks would be refused as unavailable for a moment.
      const until = Date.now() + options.reloadTimeoutMs;
      while (directory.availableReplicas(poolId).length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      directory.setDrained(poolId, false);
      dispatcher.pump();
    }
  });
}

/** POST to pool-managerd with a JSON body; resolves its status and parsed body, or rejects after `timeoutMs`. */
async function managerCall(
  options: ControlOptions,
  route: string,
  body: unknown,
  timeoutMs: number,
): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${options.poolManagerUrl}${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  let parsed: unknown = {};
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = { message: text.slice(0, 200) };
  }
  return { status: res.status, body: parsed };
}
