import { ChildProcess, spawn } from 'node:child_process';
import { closeSync, fstatSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type pino from 'pino';
import { exponentialDelayMs } from '../common/backoff';
import type { PoolMetrics } from './metrics';
import { classifyExit, healthOk, isAlive, terminate } from './engine-checks';
import type { PoolConfig, ReplicaConfig } from './config';
import { type BreakerState, RestartBreaker } from './restart-breaker';
import type { SupervisionPolicy } from './supervision-policy';

export type ReplicaState = 'starting' | 'ready' | 'unready' | 'failed' | 'stopped';

/** What the supervisor knows about one replica, as `/pools` reports it. */
export interface ReplicaStatus {
  replica_id: string;
  url: string;
  state: ReplicaState;
  pid?: number;
  restarts: number;
  driver_resets: number;
  breaker: 'closed' | 'open' | 'half-open';
  slots_total: number;
  slots_free: number;
  last_error?: string;
}

/**
 * Supervises one engine replica: spawns it, writes its pid file, polls `/health` until ready, learns of its exit at
 * once from the child's exit event, classifies the cause and restarts it with exponential backoff and jitter
 * (ORCH-3038); after `breakerThreshold` consecutive failures the breaker opens (`failed`) for a cool-down
 * (OC-POOL-3011). A live engine found through its pid file is adopted, never started twice.
 */
export class ReplicaSupervisor {
  private state: ReplicaState = 'stopped';
  private child?: ChildProcess;
  private pid?: number;
  private restarts = 0;
  private driverResets = 0;
  private readonly breaker: RestartBreaker;
  private lastError?: string;
  private readySince = 0;
  private timer?: NodeJS.Timeout;
  private stopping = false;
  private spawnedAt = 0;
  private logOffset = 0;

  constructor(
    private readonly pool: PoolConfig,
    private readonly replica: ReplicaConfig,
    private readonly modelPath: () => string,
    private readonly runDir: string,
    private readonly policy: SupervisionPolicy,
    private readonly log: pino.Logger,
    private readonly metrics: PoolMetrics,
  ) {
    this.breaker = new RestartBreaker(policy);
  }

  private get labels(): { pool_id: string; replica_id: string } {
    return { pool_id: this.pool.pool_id, replica_id: this.replica.replica_id };
  }

  get pidFile(): string {
    return path.join(this.runDir, `${this.pool.pool_id}-${this.replica.replica_id}.pid`);
  }

  get logFile(): string {
    return path.join(this.runDir, `${this.pool.pool_id}-${this.replica.replica_id}.log`);
  }

  status(): ReplicaStatus {
    return {
      replica_id: this.replica.replica_id,
      url: this.replica.advertised_url,
      state: this.state,
      pid: this.pid,
      restarts: this.restarts,
      driver_resets: this.driverResets,
      breaker: this.breaker.state,
      slots_total: this.pool.slots,
      slots_free: this.state === 'ready' ? this.pool.slots : 0,
      last_error: this.lastError,
    };
  }

  /** Adopts a live engine named by the pid file, or spawns a new one. */
  async start(): Promise<void> {
    this.stopping = false;
    const adopted = await this.tryAdopt();
    if (!adopted) this.spawnEngine();
  }

  private async tryAdopt(): Promise<boolean> {
    let pid: number;
    try {
      pid = Number(JSON.parse(readFileSync(this.pidFile, 'utf8')).pid);
    } catch {
      return false;
    }
    if (!isAlive(pid) || !(await healthOk(this.replica.port))) return false;
    this.pid = pid;
    this.state = 'ready';
    this.readySince = Date.now();
    this.metrics.adopted.inc(this.labels);
    this.log.info({ replica_id: this.replica.replica_id, pid }, 'adopted live engine from pid file');
    this.watchAdopted(pid);
    return true;
  }

  /** An adopted engine is not our child: no exit event, so its liveness is polled. */
  private watchAdopted(pid: number): void {
    const tick = (): void => {
      if (this.stopping || this.pid !== pid) return;
      if (!isAlive(pid)) {
        this.onExit(null, null, 'adopted engine vanished');
        return;
      }
      this.timer = setTimeout(tick, this.policy.healthPollMs);
    };
    this.timer = setTimeout(tick, this.policy.healthPollMs);
  }

  private spawnEngine(): void {
    const argv = [
      ...this.pool.engine_command,
      '--host',
      '127.0.0.1',
      '--port',
      String(this.replica.port),
      '--model',
      this.modelPath(),
      '--parallel',
      String(this.pool.slots),
      '--ctx-size',
      String(this.pool.ctx),
    ];
    const out = openSync(this.logFile, 'a');
    // Classify a later exit only from what this run of the engine wrote.
    this.logOffset = fstatSync(out).size;
    const child = spawn(argv[0], argv.slice(1), {
      env: { ...process.env, ...this.pool.engine_env },
      stdio: ['ignore', out, out],
    });
    closeSync(out);
    this.child = child;
    this.pid = child.pid;
    this.state = 'starting';
    this.spawnedAt = Date.now();
    child.once('error', (err) => this.onExit(null, null, `spawn failed: ${err.message}`));
    child.once('exit', (code, signal) => this.onExit(code, signal));
    if (child.pid) writeFileSync(this.pidFile, JSON.stringify({ pid: child.pid, port: this.replica.port, started_ms: this.spawnedAt }));
    this.log.info(
      { pool_id: this.pool.pool_id, replica_id: this.replica.replica_id, pid: child.pid, restart_count: this.restarts },
      'engine spawned',
    );
    this.pollUntilReady(child.pid);
  }

  private pollUntilReady(pid: number | undefined): void {
    const tick = async (): Promise<void> => {
      if (this.stopping || this.pid !== pid || this.state !== 'starting') return;
      if (await healthOk(this.replica.port)) {
        if (this.pid !== pid || this.state !== 'starting') return;
        this.state = 'ready';
        this.readySince = Date.now();
        this.log.info({ replica_id: this.replica.replica_id, pid, startup_ms: this.readySince - this.spawnedAt }, 'engine ready');
        // OC-POOL-3011: a successful trial start closes the breaker.
        if (this.breaker.onReady()) this.logBreaker('closed', 'trial start succeeded');
        this.timer = setTimeout(() => void this.watchHealth(pid), this.policy.healthIntervalMs);
        return;
      }
      if (Date.now() - this.spawnedAt > this.policy.startupTimeoutMs) {
        this.lastError = `engine not ready within ${this.policy.startupTimeoutMs} ms`;
        this.child?.kill('SIGKILL');
        return;
      }
      this.timer = setTimeout(() => void tick(), this.policy.healthPollMs);
    };
    this.timer = setTimeout(() => void tick(), this.policy.healthPollMs);
  }

  /** While ready, a failing `/health` (a hung engine) marks the replica unready until it answers again. */
  private async watchHealth(pid: number | undefined): Promise<void> {
    if (this.stopping || this.pid !== pid || (this.state !== 'ready' && this.state !== 'unready')) return;
    const ok = await healthOk(this.replica.port);
    if (this.pid !== pid || this.stopping) return;
    if (!ok && this.state === 'ready') {
      this.state = 'unready';
      this.lastError = 'health check failed';
      this.log.warn({ replica_id: this.replica.replica_id, pid }, 'engine health failing: unready');
    } else if (ok && this.state === 'unready') {
      this.state = 'ready';
      this.log.info({ replica_id: this.replica.replica_id, pid }, 'engine health recovered: ready');
    }
    if (this.state === 'ready' && Date.now() - this.readySince > this.policy.stableMs) this.breaker.onStable();
    this.timer = setTimeout(() => void this.watchHealth(pid), this.policy.healthIntervalMs);
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null, note?: string): void {
    if (this.timer) clearTimeout(this.timer);
    const uptimeMs = Date.now() - this.spawnedAt;
    const exitedPid = this.pid;
    this.child = undefined;
    this.pid = undefined;
    rmSync(this.pidFile, { force: true });
    if (this.stopping) {
      this.state = 'stopped';
      return;
    }
    const cause = note ?? classifyExit(code, signal, this.logTail());
    const reason = cause.split(':')[0].split(' ')[0];
    if (reason === 'driver_reset') {
      // ORCH-3053: driver resets are surfaced distinctly, in state, metrics and logs.
      this.driverResets++;
      this.metrics.driverResets.inc(this.labels);
    }
    const decision = this.breaker.onExit(Date.now());
    this.lastError = cause;
    this.log.warn(
      {
        ...this.labels,
        pid: exitedPid,
        exit_code: code,
        signal,
        last_error: cause,
        crash_reason: reason,
        uptime_ms: uptimeMs,
        failure_count: this.breaker.consecutiveFailures,
      },
      'engine exited',
    );
    if (decision.kind === 'open') {
      if (decision.storm) this.metrics.restartStorms.inc(this.labels);
      this.openBreaker(decision.reason, decision.storm);
      return;
    }
    this.state = 'unready';
    const backoffMs = exponentialDelayMs(this.policy.backoff, decision.failures);
    this.metrics.restartsScheduled.inc({ ...this.labels, crash_reason: reason });
    this.metrics.backoff.observe({ pool_id: this.pool.pool_id }, backoffMs);
    this.log.info({ ...this.labels, backoff_ms: backoffMs, restart_count: this.restarts + 1 }, 'restart scheduled');
    this.timer = setTimeout(() => this.restart(), backoffMs);
  }

  private restart(): void {
    this.restarts++;
    this.breaker.onRestart(Date.now());
    this.spawnEngine();
  }

  /** OC-POOL-3011: no restarts while open; after the cool-down one trial start (half-open). */
  private openBreaker(reason: string, storm: boolean): void {
    this.state = 'failed';
    this.logBreaker('open', reason);
    this.metrics.breakerOpened.inc({ ...this.labels, reason: storm ? 'storm' : 'failures' });
    this.timer = setTimeout(() => {
      this.breaker.halfOpen();
      this.logBreaker('half-open', `cool-down of ${this.policy.breakerCooldownMs} ms over: one trial start`);
      this.restart();
    }, this.policy.breakerCooldownMs);
  }

  private logBreaker(state: BreakerState, reason: string): void {
    this.metrics.breakerState.set(this.labels, state === 'open' ? 1 : state === 'half-open' ? 0.5 : 0);
    this.log[state === 'open' ? 'error' : 'info'](
      { ...this.labels, new_state: state, failure_count: this.breaker.consecutiveFailures, reason },
      `circuit breaker ${state}`,
    );
  }

  private logTail(): string {
    try {
      return readFileSync(this.logFile).subarray(this.logOffset).toString('utf8').slice(-4096);
    } catch {
      return '';
    }
  }

  /** SIGTERM, then SIGKILL after the grace period; resolves once the engine is gone. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    const pid = this.pid;
    if (!pid) {
      this.state = 'stopped';
      return;
    }
    const killed = await terminate(pid, this.policy.shutdownGraceMs);
    if (killed)
      this.log.warn({ replica_id: this.replica.replica_id, pid, grace_ms: this.policy.shutdownGraceMs }, 'engine ignored SIGTERM: SIGKILL');
    rmSync(this.pidFile, { force: true });
    this.state = 'stopped';
  }
}
