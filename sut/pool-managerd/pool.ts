import { mkdirSync } from 'node:fs';
import type pino from 'pino';
import { exponentialDelayMs } from '../common/backoff';
import { envInt } from '../common/env';
import { probeGpus } from '../common/gpu';
import type { PoolConfig } from './config';
import { engineGpuProblem, engineIdle } from './engine-checks';
import type { PoolMetrics } from './metrics';
import { stageModel } from './provisioner';
import type { SupervisionPolicy } from './supervision-policy';
import { type ReplicaStatus, ReplicaSupervisor } from './supervisor';

export type PoolState = 'ready' | 'degraded' | 'unready' | 'draining' | 'failed';

export interface PoolStatus {
  pool_id: string;
  state: PoolState;
  model_ref: string;
  engine: string;
  /** The GPU devices the pool uses, or `cpu`: what it runs on, said plainly. */
  devices: number[] | 'cpu';
  draining: boolean;
  /** The pool's model is staged in the cache (false while staging, or while staging keeps failing: ORCH-3091). */
  model_staged: boolean;
  last_error?: string;
  replicas: ReplicaStatus[];
}

/**
 * One pool: preflight (GPU devices present, ORCH-1102), provisioning (model staged into the cache) and then one
 * supervisor per replica. A failed preflight leaves the pool `unready` with `last_error` naming the cause and is
 * retried with backoff, never a crash (OC-POOL-3002, OC-POOL-3003).
 */
export class Pool {
  private readonly supervisors: ReplicaSupervisor[];
  private modelPath = '';
  private modelRef: string;
  private lastError?: string;
  private preflightAttempts = 0;
  private timer?: NodeJS.Timeout;
  private stopped = false;
  /** The engine's device listing of the start under way, if any: a stop kills it and waits for its end. */
  private listing?: { abort: AbortController; done: Promise<unknown> };
  draining = false;

  constructor(
    readonly config: PoolConfig,
    private readonly cacheDir: string,
    runDir: string,
    private readonly policy: SupervisionPolicy,
    private readonly log: pino.Logger,
    metrics: PoolMetrics,
  ) {
    mkdirSync(runDir, { recursive: true });
    this.modelRef = config.model_ref;
    this.supervisors = config.replicas.map((r) => new ReplicaSupervisor(config, r, () => this.modelPath, runDir, policy, log, metrics));
  }

  /** Runs preflight and provisioning, then starts (or adopts) every replica; retries preflight with backoff. */
  async start(): Promise<void> {
    this.stopped = false;
    try {
      this.preflight();
      // The engine's own device listing costs an engine start (about 100 ms): it runs beside the staging.
      const abort = new AbortController();
      const engineSees = engineGpuProblem(this.config, abort.signal);
      this.listing = { abort, done: engineSees.catch(() => undefined) };
      this.log.info({ pool_id: this.config.pool_id, model_ref: this.modelRef }, 'staging model');
      const staged = await stageModel(this.modelRef, this.cacheDir, this.config.model_sha256, envInt('POOL_STAGE_BYTES_PER_SEC', 0));
      const problem = await engineSees;
      if (problem) throw new Error(problem);
      this.modelPath = staged.path;
      this.lastError = undefined;
      this.log.info({ pool_id: this.config.pool_id, model: staged.path, bytes: staged.sizeBytes }, 'model staged');
    } catch (err) {
      this.lastError = (err as Error).message;
      this.preflightAttempts++;
      const backoffMs = exponentialDelayMs(this.policy.backoff, this.preflightAttempts);
      this.log.warn(
        { pool_id: this.config.pool_id, last_error: this.lastError, backoff_ms: backoffMs },
        'preflight failed: pool unready, retrying',
      );
      if (!this.stopped) this.timer = setTimeout(() => void this.start(), backoffMs);
      return;
    }
    await Promise.all(this.supervisors.map((s) => s.start()));
  }

  /** ORCH-1102: a GPU pool needs its devices present (and, see start, an engine that sees GPUs); a CPU pool says so. */
  private preflight(): void {
    if (this.config.devices === 'cpu') return;
    const devices = probeGpus().map((d) => d.index);
    const missing = this.config.devices.filter((d) => !devices.includes(d));
    if (missing.length > 0)
      throw new Error(`GPU device(s) ${missing.join(',')} not present (found: [${devices.join(',')}]); no CPU fallback`);
  }

  /**
   * ORCH-3031: switches the pool to another model, atomically. Stages it (size and, when given, sha256 checked) while
   * the old engines keep running; then restarts every replica on it and waits until all are ready. A failure at any
   * point rolls back: the old engines are untouched when staging fails, and restarted on the old model when the new
   * one does not load. Returns why it rolled back, or undefined when it switched.
   */
  async reload(newModelRef: string, sha256: string | undefined, readyWithinMs: number): Promise<string | undefined> {
    this.draining = true;
    try {
      let staged: { path: string };
      try {
        staged = await stageModel(newModelRef, this.cacheDir, sha256, 0);
      } catch (err) {
        return `staging ${newModelRef} failed: ${(err as Error).message}`;
      }
      const old = { path: this.modelPath, ref: this.modelRef };
      this.log.info({ pool_id: this.config.pool_id, from: old.ref, to: newModelRef }, 'reload: restarting replicas on the new model');
      const failure = await this.restartOn(staged.path, newModelRef, readyWithinMs);
      if (!failure) return undefined;
      this.log.warn({ pool_id: this.config.pool_id, model_ref: newModelRef, reason: failure }, 'reload: new model failed, rolling back');
      const back = await this.restartOn(old.path, old.ref, readyWithinMs);
      return back ? `${failure}; the rollback failed too: ${back}` : failure;
    } finally {
      this.draining = false;
    }
  }

  /** Stops every replica, starts it on `modelPath`, and waits until all are ready; returns why not, if they are not. */
  private async restartOn(modelPath: string, modelRef: string, readyWithinMs: number): Promise<string | undefined> {
    await Promise.all(this.supervisors.map((s) => s.stop()));
    this.modelPath = modelPath;
    this.modelRef = modelRef;
    const restartsBefore = this.supervisors.map((s) => s.status().restarts);
    await Promise.all(this.supervisors.map((s) => s.start()));
    const deadline = Date.now() + readyWithinMs;
    for (;;) {
      const statuses = this.supervisors.map((s) => s.status());
      if (statuses.every((r) => r.state === 'ready')) return undefined;
      const crashed = statuses.find((r, k) => r.restarts > restartsBefore[k] || r.state === 'failed');
      if (crashed) return `replica ${crashed.replica_id} did not load the model: ${crashed.last_error ?? crashed.state}`;
      if (Date.now() > deadline)
        return `replicas not ready within ${readyWithinMs} ms: ${statuses.map((r) => `${r.replica_id}=${r.state}`).join(', ')}`;
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  status(): PoolStatus {
    const replicas = this.supervisors.map((s) => s.status());
    const ready = replicas.filter((r) => r.state === 'ready').length;
    let state: PoolState;
    if (this.draining) state = 'draining';
    else if (ready === replicas.length) state = 'ready';
    else if (ready > 0) state = 'degraded';
    else if (replicas.every((r) => r.state === 'failed')) state = 'failed';
    else state = 'unready';
    const lastError = this.lastError ?? replicas.find((r) => r.state !== 'ready' && r.last_error)?.last_error;
    return {
      pool_id: this.config.pool_id,
      state,
      model_ref: this.modelRef,
      engine: this.config.engine,
      devices: this.config.devices,
      draining: this.draining,
      model_staged: this.modelPath !== '',
      last_error: lastError,
      replicas,
    };
  }

  /**
   * A graceful restart of one replica, the pool manager's job since an engine need not drain on SIGTERM (llama-server
   * does not): out of rotation first, its in-flight work may run until `deadlineMs` (the engine's own `/slots` all
   * idle), then SIGTERM and SIGKILL after the grace period (POOL_SHUTDOWN_GRACE_MS), and a fresh start. Resolves
   * once the old engine is gone, with whether its work had finished by the deadline; undefined for an unknown replica.
   */
  async restartReplica(replicaId: string, deadlineMs: number): Promise<{ drained: boolean; restarting: boolean } | undefined> {
    const k = this.config.replicas.findIndex((r) => r.replica_id === replicaId);
    if (k < 0) return undefined;
    const supervisor = this.supervisors[k];
    if (!supervisor.drain()) return { drained: false, restarting: false };
    const drained = await engineIdle(this.config.replicas[k].port, deadlineMs);
    this.log.info({ pool_id: this.config.pool_id, replica_id: replicaId, drained, deadline_ms: deadlineMs }, 'graceful restart: stopping');
    await supervisor.stop();
    void supervisor.startAgain();
    return { drained, restarting: true };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.listing?.abort.abort();
    await this.listing?.done;
    await Promise.all(this.supervisors.map((s) => s.stop()));
  }
}
