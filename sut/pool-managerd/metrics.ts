import client from 'prom-client';

/** pool-managerd's Prometheus metrics (llama-orch §5.1's pool-manager names), all labelled by pool and replica. */
export class PoolMetrics {
  readonly registry = new client.Registry();
  private readonly r = [this.registry];
  readonly restartsScheduled = new client.Counter({
    name: 'restart_scheduled_total',
    help: 'Engine restarts scheduled, by crash reason',
    labelNames: ['pool_id', 'replica_id', 'crash_reason'],
    registers: this.r,
  });
  readonly eccErrors = new client.Counter({
    name: 'ecc_errors_total',
    help: 'Engine exits classified as uncorrectable GPU ECC errors (ORCH-3053)',
    labelNames: ['pool_id', 'replica_id'],
    registers: this.r,
  });
  readonly driverResets = new client.Counter({
    name: 'driver_resets_total',
    help: 'Engine exits classified as GPU driver resets (ORCH-3053)',
    labelNames: ['pool_id', 'replica_id'],
    registers: this.r,
  });
  readonly oomKills = new client.Counter({
    name: 'engine_oom_total',
    help: 'Engine exits classified as out of memory, host (kernel OOM kill) or VRAM (ORCH-3039)',
    labelNames: ['pool_id', 'replica_id', 'kind'],
    registers: this.r,
  });
  readonly breakerOpened = new client.Counter({
    name: 'circuit_breaker_open_total',
    help: 'Replica circuit breakers opened',
    labelNames: ['pool_id', 'replica_id', 'reason'],
    registers: this.r,
  });
  readonly breakerState = new client.Gauge({
    name: 'circuit_breaker_state',
    help: '0 closed, 0.5 half-open, 1 open',
    labelNames: ['pool_id', 'replica_id'],
    registers: this.r,
  });
  readonly restartStorms = new client.Counter({
    name: 'restart_storm_total',
    help: 'Restart storms cut short by the sliding window',
    labelNames: ['pool_id', 'replica_id'],
    registers: this.r,
  });
  readonly backoff = new client.Histogram({
    name: 'backoff_delay_ms',
    help: 'Delay before an engine restart, ms',
    labelNames: ['pool_id'],
    buckets: [10, 50, 100, 250, 500, 1000, 2000, 5000, 10000, 30000, 60000],
    registers: this.r,
  });
  readonly adopted = new client.Counter({
    name: 'engines_adopted_total',
    help: 'Live engines adopted from pid files at start',
    labelNames: ['pool_id', 'replica_id'],
    registers: this.r,
  });

  /** Counts an engine's exit by its cause where the cause has a counter of its own (ORCH-3053: surfaced distinctly). */
  countExitCause(labels: { pool_id: string; replica_id: string }, reason: string): void {
    if (reason.startsWith('oom')) this.oomKills.inc({ ...labels, kind: reason });
    if (reason === 'ecc_error') this.eccErrors.inc(labels);
    if (reason === 'driver_reset') this.driverResets.inc(labels);
  }
}
