import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import type pino from 'pino';
import { exponentialDelayMs } from '../common/backoff';
import { ReplicaCapacity } from './capacity';
import type { PoolMetrics } from './metrics';
import { classifyExit, engineVersion, healthOk, isAlive, OomWatch, readLogTail, terminate } from './engine-checks';
import { diedUnseen, launchEngine, readPidFile } from './engine-process';
import type { PoolConfig, ReplicaConfig } from './config';
import { loadMemory, replicaFiles, type ReplicaState, type ReplicaStatus, saveMemory } from './replica-state';
import { type BreakerState, RestartBreaker } from './restart-breaker';
import type { SupervisionPolicy } from './supervision-policy';

export type { ReplicaState, ReplicaStatus } from './replica-state';
/**
 * Supervises one engine replica: spawns it, writes its pid file, polls `/health` until ready, learns of its exit at once from
 * the child's exit event, classifies the cause and restarts it with exponential backoff and jitter (ORCH-3038); after
 * `breakerThreshold` consecutive failures the breaker opens (`failed`) for a cool-down (OC-POOL-3011). A live engine found
 * through its pid file is adopted, never started twice.
 */
export class ReplicaSupervisor {
  /** A restart scheduled after a crash: its own timer, which only stop() and the restart clear. */
  private restartTimer?: NodeJS.Timeout;
  private state: ReplicaState = 'stopped';
  private child?: ChildProcess;
  private pid?: number;
  private restarts = 0;
  private driverResets = 0;
  private readonly breaker: RestartBreaker;
  private readonly capacity: ReplicaCapacity;
  private lastError?: string;
  private version?: string;
  private readySince = 0;
  private timer?: NodeJS.Timeout;
  private stopping = false;
  private spawnedAt = 0;
  private logOffset = 0;
  private readonly oom = new OomWatch();
  private openUntil = 0;
  private readonly files: { pidFile: string; stateFile: string; logFile: string };

  constructor(
    private readonly pool: PoolConfig,
    private readonly replica: ReplicaConfig,
    private readonly modelPath: () => string,
    runDir: string,
    private readonly policy: SupervisionPolicy,
    private readonly log: pino.Logger,
    private readonly metrics: PoolMetrics,
  ) {
    this.breaker = new RestartBreaker(policy);
    this.files = replicaFiles(runDir, pool.pool_id, replica.replica_id);
    // From the first status on (before the start adopts the engine), the slots a GPU out-of-memory left it.
    this.capacity = new ReplicaCapacity(loadMemory(this.files.stateFile)?.slots ?? pool.slots);
  }

  private get labels(): { pool_id: string; replica_id: string } {
    return { pool_id: this.pool.pool_id, replica_id: this.replica.replica_id };
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
      slots_total: this.capacity.slots,
      slots_free: this.state === 'ready' ? this.capacity.slots : 0,
      engine_version: this.version,
      last_error: this.lastError,
    };
  }

  /** Adopts a live engine named by the pid file; else counts a dead one there as a crash never seen (CHAOS-003); else spawns. */
  async start(): Promise<void> {
    this.stopping = false;
    const openFor = this.restoreMemory();
    if (await this.tryAdopt()) return;
    if (openFor > 0) this.openBreaker('breaker still open from before the pool manager restarted', false, openFor);
    else if (!diedUnseen(this.files.pidFile)) this.spawnEngine();
    else {
      this.state = 'ready';
      this.onExit(null, null, 'unobserved: the engine died while no pool manager watched it');
    }
  }

  /** Restores what a previous pool-managerd remembered; returns how long a breaker it left open stays open, ms. */
  private restoreMemory(): number {
    const m = loadMemory(this.files.stateFile);
    if (!m) return 0;
    this.restarts = m.restarts;
    this.driverResets = m.driverResets;
    this.lastError = m.lastError;
    this.breaker.restore(m.breaker);
    const fields = { ...this.labels, restarts: m.restarts, breaker: m.breaker.state, failure_count: m.breaker.consecutiveFailures };
    this.log.info(fields, 'restored supervision history');
    return m.breaker.state === 'open' ? Math.max(0, m.openUntil - Date.now()) : 0;
  }

  private rememberAll(): void {
    const { restarts, driverResets, openUntil, lastError } = this;
    const memory = { restarts, driverResets, breaker: this.breaker.snapshot(), openUntil, lastError, slots: this.capacity.slots };
    if (!saveMemory(this.files.stateFile, memory)) this.log.warn({ ...this.labels, file: this.files.stateFile }, 'history not saved');
  }

  private async tryAdopt(): Promise<boolean> {
    const pid = readPidFile(this.files.pidFile);
    if (pid === undefined || !isAlive(pid) || !(await healthOk(this.replica.port))) return false;
    this.pid = pid;
    this.state = 'ready';
    this.readySince = Date.now();
    this.version = await engineVersion(this.replica.port);
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
    const launched = launchEngine(this.pool, this.replica, this.capacity.slots, this.modelPath(), this.files);
    const { child } = launched;
    // Classify a later exit only from what this run of the engine wrote.
    this.logOffset = launched.logOffset;
    this.child = child;
    this.pid = child.pid;
    this.state = 'starting';
    this.spawnedAt = launched.startedAt;
    this.oom.spawned(child.pid);
    // Only the current engine's end counts: a stopped engine's exit event may arrive after its successor was spawned
    // (a reload stops and starts at once), and must not be taken for the successor's (found by the soak).
    const current = (): boolean => this.child === child;
    child.once('error', (err) => current() && this.onExit(null, null, `spawn failed: ${err.message}`));
    child.once('exit', (code, signal) => current() && this.onExit(code, signal));
    if (!launched.pidFileWritten)
      this.log.warn({ ...this.labels, pid: child.pid, file: this.files.pidFile }, 'pid file not written (disk full?)');
    this.log.info({ ...this.labels, pid: child.pid, restart_count: this.restarts }, 'engine spawned');
    this.pollUntilReady(child.pid);
  }

  private pollUntilReady(pid: number | undefined): void {
    const tick = async (): Promise<void> => {
      if (this.stopping || this.pid !== pid || this.state !== 'starting') return;
      if (await healthOk(this.replica.port)) {
        const version = await engineVersion(this.replica.port);
        if (this.pid !== pid || this.state !== 'starting') return;
        this.state = 'ready';
        this.version = version;
        this.readySince = Date.now();
        this.log.info({ replica_id: this.replica.replica_id, pid, startup_ms: this.readySince - this.spawnedAt }, 'engine ready');
        // OC-POOL-3011: a successful trial start closes the breaker.
        if (this.breaker.onReady()) this.logBreaker('closed', 'trial start succeeded');
        this.rememberAll();
        this.timer = setTimeout(() => void this.watchHealth(pid), this.policy.healthIntervalMs);
        return;
      }
      // The engine may have exited during the await: this poll is over (found by a CI run of the reload rollback).
      if (this.stopping || this.pid !== pid || this.state !== 'starting') return;
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
    this.oom.note(pid);
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
    rmSync(this.files.pidFile, { force: true });
    if (this.stopping) {
      this.state = 'stopped';
      return;
    }
    const oomKilled = this.oom.killed();
    const tail = readLogTail(this.files.logFile, this.logOffset);
    const exitCause = note ?? classifyExit(code, signal, tail, oomKilled);
    // OC-POOL-3002: an engine that dies before it ever became ready failed its preload, and the pool says so.
    const cause = this.state === 'starting' ? `preload failed: ${exitCause}` : exitCause;
    const reason = exitCause.split(':')[0].split(' ')[0];
    // ORCH-3053: OOM kills, ECC errors and driver resets are surfaced distinctly, in state, metrics and logs.
    this.metrics.countExitCause(this.labels, reason);
    if (reason === 'driver_reset') this.driverResets++;
    if (reason === 'oom_vram') this.log.warn({ ...this.labels, ...this.capacity.afterVramOom(tail) }, 'slots re-estimated');
    const decision = this.breaker.onExit(Date.now());
    this.lastError = cause;
    this.rememberAll();
    const exited = { ...this.labels, pid: exitedPid, exit_code: code, signal, last_error: cause, crash_reason: reason };
    this.log.warn({ ...exited, uptime_ms: uptimeMs, failure_count: this.breaker.consecutiveFailures }, 'engine exited');
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
    this.restartTimer = setTimeout(() => this.restart(), backoffMs);
  }

  private restart(): void {
    this.restartTimer = undefined;
    if (this.stopping) return;
    this.restarts++;
    this.breaker.onRestart(Date.now());
    this.rememberAll();
    this.spawnEngine();
  }

  /** OC-POOL-3011: no restarts while open; after the cool-down one trial start (half-open). */
  private openBreaker(reason: string, storm: boolean, forMs = this.policy.breakerCooldownMs): void {
    this.state = 'failed';
    this.openUntil = Date.now() + forMs;
    this.logBreaker('open', reason);
    this.metrics.breakerOpened.inc({ ...this.labels, reason: storm ? 'storm' : 'failures' });
    this.rememberAll();
    this.timer = setTimeout(() => {
      this.breaker.halfOpen();
      this.logBreaker('half-open', `cool-down of ${this.policy.breakerCooldownMs} ms over: one trial start`);
      this.restart();
    }, forMs);
  }

  private logBreaker(state: BreakerState, reason: string): void {
    this.metrics.breakerState.set(this.labels, state === 'open' ? 1 : state === 'half-open' ? 0.5 : 0);
    const fields = { ...this.labels, new_state: state, failure_count: this.breaker.consecutiveFailures, reason };
    this.log[state === 'open' ? 'error' : 'info'](fields, `circuit breaker ${state}`);
  }

  /** Out of rotation for a deliberate restart: `draining` in `/pools`, so the orchestrator sends nothing new. */
  drain(): boolean {
    if (this.state !== 'ready' && this.state !== 'unready') return false;
    this.state = 'draining';
    return true;
  }

  /** A deliberate restart after {@link stop}: counted as a restart, never as a failure (no backoff, breaker untouched). */
  async startAgain(): Promise<void> {
    this.restarts++;
    this.rememberAll();
    await this.start();
  }

  /** SIGTERM, then SIGKILL after the grace period; resolves once the engine is gone. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.timer);
    clearTimeout(this.restartTimer);
    const pid = this.pid;
    if (pid) {
      if (await terminate(pid, this.policy.shutdownGraceMs))
        this.log.warn({ ...this.labels, pid, grace_ms: this.policy.shutdownGraceMs }, 'engine ignored SIGTERM: SIGKILL');
      // The process is gone; its exit event may still be on its way and is no longer ours to handle.
      this.child = undefined;
      this.pid = undefined;
      rmSync(this.files.pidFile, { force: true });
    }
    this.state = 'stopped';
  }
}
