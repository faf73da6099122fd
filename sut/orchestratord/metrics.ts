import client from 'prom-client';

/** The orchestrator's Prometheus metrics: llama-orch's names and labels (§5.1) plus resilience counters. */
export class OrchestratorMetrics {
  readonly registry = new client.Registry();
  private readonly r = [this.registry];
  readonly tasksEnqueued = new client.Counter({
    name: 'tasks_enqueued_total',
    help: 'Tasks admitted',
    labelNames: ['engine', 'engine_version', 'pool_id', 'replica_id', 'priority'],
    registers: this.r,
  });
  readonly tasksStarted = new client.Counter({
    name: 'tasks_started_total',
    help: 'Tasks dispatched to a replica',
    labelNames: ['engine', 'engine_version', 'pool_id', 'replica_id', 'priority'],
    registers: this.r,
  });
  readonly tasksCanceled = new client.Counter({
    name: 'tasks_canceled_total',
    help: 'Tasks canceled',
    labelNames: ['engine', 'engine_version', 'pool_id', 'replica_id', 'reason'],
    registers: this.r,
  });
  readonly tasksRejected = new client.Counter({
    name: 'tasks_rejected_total',
    help: 'Tasks refused at admission',
    labelNames: ['engine', 'reason'],
    registers: this.r,
  });
  readonly queueDepth = new client.Gauge({
    name: 'queue_depth',
    help: 'Queued tasks',
    labelNames: ['engine', 'engine_version', 'pool_id', 'priority'],
    registers: this.r,
  });
  readonly tokensIn = new client.Counter({
    name: 'tokens_in_total',
    help: 'Prompt tokens',
    labelNames: ['engine', 'engine_version', 'pool_id', 'replica_id'],
    registers: this.r,
  });
  readonly tokensOut = new client.Counter({
    name: 'tokens_out_total',
    help: 'Generated tokens streamed',
    labelNames: ['engine', 'engine_version', 'pool_id', 'replica_id'],
    registers: this.r,
  });
  readonly backpressure = new client.Counter({
    name: 'admission_backpressure_events_total',
    help: 'Backpressure replies',
    labelNames: ['engine', 'policy'],
    registers: this.r,
  });
  readonly firstToken = new client.Histogram({
    name: 'latency_first_token_ms',
    help: 'Admission to first token, ms',
    labelNames: ['engine', 'engine_version', 'pool_id', 'priority'],
    buckets: [50, 100, 150, 200, 300, 500, 750, 1000, 1500, 2000, 3000],
    registers: this.r,
  });
  readonly decode = new client.Histogram({
    name: 'latency_decode_ms',
    help: 'First token to end, ms',
    labelNames: ['engine', 'engine_version', 'pool_id', 'priority'],
    buckets: [250, 500, 1000, 1500, 2000, 3000, 4000, 6000, 8000, 12000],
    registers: this.r,
  });
  readonly dispatchRetries = new client.Counter({
    name: 'orchd_dispatch_retries_total',
    help: 'Dispatches retried on another replica before the first token',
    labelNames: ['pool_id', 'reason'],
    registers: this.r,
  });
  readonly taskFailures = new client.Counter({
    name: 'orchd_task_failures_total',
    help: 'Tasks ended with an error',
    labelNames: ['pool_id', 'code'],
    registers: this.r,
  });
  readonly timeouts = new client.Counter({
    name: 'orchd_timeouts_total',
    help: 'Dispatch timeouts',
    labelNames: ['pool_id', 'kind'],
    registers: this.r,
  });
  readonly failovers = new client.Counter({
    name: 'orchd_failovers_total',
    help: 'Streams resumed on another replica after a mid-stream failure',
    labelNames: ['pool_id'],
    registers: this.r,
  });
  readonly breakerOpened = new client.Counter({
    name: 'orchd_replica_breaker_open_total',
    help: 'Replica circuit breakers opened',
    labelNames: ['pool_id', 'replica_id'],
    registers: this.r,
  });
  readonly recovered = new client.Counter({
    name: 'orchd_tasks_recovered_total',
    help: 'Tasks found in the store at start-up',
    labelNames: ['state'],
    registers: this.r,
  });
}
