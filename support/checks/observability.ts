import { readFileSync } from 'node:fs';
import { eventsOf, TaskRecord, terminalOf } from '../history/history';
import { metricSum } from '../orchestrator/metrics';

/** ORCH-3027: the fields a task's log lines must carry between them. */
export const TASK_LOG_FIELDS = [
  'job_id',
  'session_id',
  'engine',
  'engine_version',
  'pool_id',
  'replica_id',
  'queue_position',
  'predicted_start_ms',
  'tokens_in',
  'tokens_out',
  'decode_time_ms',
];

/** Answers the client got without an `X-Correlation-Id` (OC-CTRL-2052): admissions and event streams. */
export function answersWithoutCorrelationId(records: TaskRecord[]): string[] {
  const missing: string[] = [];
  for (const r of records) {
    if (r.admission && r.admission.status !== 204 && !r.admission.headers['x-correlation-id'])
      missing.push(`${r.taskId}: admission (HTTP ${r.admission.status})`);
    r.streams.forEach((s, k) => {
      if (s.end?.status === 200 && !s.end.correlationId) missing.push(`${r.taskId}: event stream read ${k + 1}`);
    });
  }
  return missing;
}

/** The JSON lines of a log file (a pino log), parsed. */
function jsonLines(logFile: string): Record<string, unknown>[] {
  return readFileSync(logFile, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** For each task, the ORCH-3027 fields none of its JSON log lines carries (only tasks with a gap are listed). */
export function logFieldGaps(logFile: string, taskIds: string[]): { task: string; missing: string[] }[] {
  const lines = jsonLines(logFile);
  return taskIds
    .map((task) => {
      const own = lines.filter((l) => l.job_id === task);
      return { task, missing: TASK_LOG_FIELDS.filter((f) => !own.some((l) => l[f] !== undefined)) };
    })
    .filter((g) => g.missing.length > 0);
}

/**
 * ORCH-3027 by value, not presence: for each task that ended, the `tokens_out` of its last log line that carries one
 * must be the number of tokens its client received (a log that counts what the engine made, not what reached the
 * client, or a constant, disagrees). Returns the mismatches.
 */
export function logValueMismatches(logFile: string, records: TaskRecord[]): string[] {
  const lines = jsonLines(logFile);
  const problems: string[] = [];
  for (const r of records) {
    if (!terminalOf(r)) continue;
    const logged = lines.filter((l) => l.job_id === r.taskId && typeof l.tokens_out === 'number').at(-1)?.tokens_out;
    const received = eventsOf(r).filter((e) => e.event === 'token').length;
    if (logged !== received) problems.push(`${r.taskId}: log says tokens_out ${logged}, the client received ${received}`);
  }
  return problems;
}

/**
 * ORCH-3027: the `engine_version` of each ended task's last log line is the build that the engine of its replica
 * reports for itself, not a constant; its earlier lines (admission, before any replica) name a build that an engine
 * of the pool reports. Returns the mismatches.
 */
export function engineVersionMismatches(logFile: string, records: TaskRecord[], builds: Map<string, string | undefined>): string[] {
  const lines = jsonLines(logFile);
  const problems: string[] = [];
  const known = new Set([...builds.values()].filter((b): b is string => b !== undefined));
  for (const r of records) {
    const own = lines.filter((l) => l.job_id === r.taskId && l.engine_version !== undefined);
    for (const l of own)
      if (!known.has(String(l.engine_version)))
        problems.push(
          `${r.taskId}: a log line (${l.msg}) says engine_version ${l.engine_version}; the engines say ${[...known].join(', ') || 'nothing'}`,
        );
    const last = own.at(-1);
    if (!last || typeof last.replica_id !== 'string') continue;
    const build = builds.get(last.replica_id);
    if (!build || last.engine_version !== build)
      problems.push(
        `${r.taskId}: log says engine_version ${last.engine_version}, the engine of ${last.replica_id} says ${build ?? 'nothing'}`,
      );
  }
  return problems;
}

/**
 * ORCH-3028: what the metrics must show for what the client saw: every admission counted, every admitted task
 * started at least once, every token the client received counted out, and the prompt tokens of every task that
 * streamed counted in (`promptTokens`: each task's prompt as an engine of the pool tokenizes it; with stream failover
 * off a task is evaluated by one engine once it streams, as a dispatch that fails before its first token evaluated
 * nothing the engine reported). Returns the mismatches.
 */
export function metricsMismatches(metricsText: string, admitted: TaskRecord[], promptTokens: Map<string, number>): string[] {
  const problems: string[] = [];
  const enqueued = metricSum(metricsText, 'tasks_enqueued_total');
  const started = metricSum(metricsText, 'tasks_started_total');
  const tokensOut = metricSum(metricsText, 'tokens_out_total');
  const received = admitted.reduce((n, r) => n + eventsOf(r).filter((e) => e.event === 'token').length, 0);
  if (enqueued !== admitted.length) problems.push(`tasks_enqueued_total ${enqueued}, admitted ${admitted.length}`);
  if (started < admitted.length) problems.push(`tasks_started_total ${started} < admitted ${admitted.length}`);
  if (tokensOut !== received) problems.push(`tokens_out_total ${tokensOut}, tokens received ${received}`);
  const streamed = admitted.filter((r) => eventsOf(r).some((e) => e.event === 'token'));
  const tokensIn = metricSum(metricsText, 'tokens_in_total');
  const sent = streamed.reduce((n, r) => n + (promptTokens.get(r.request.prompt ?? '') ?? Number.NaN), 0);
  if (tokensIn !== sent)
    problems.push(
      `tokens_in_total ${tokensIn}, the prompts of the ${streamed.length} tasks that streamed hold ${sent} tokens by the engine's tokenizer`,
    );
  for (const name of ['queue_depth', 'tasks_canceled_total', 'tasks_rejected_total']) {
    if (!metricsText.includes(`# TYPE ${name} `)) problems.push(`${name} not exported`);
  }
  return problems;
}

/**
 * ORCH-3028 under any schedule of faults, where a task may be retried on another replica, or fail before any replica
 * took it: every admission counted once (`tasks_enqueued_total`), every task that streamed started at least once,
 * every token the clients received counted once (`tokens_out_total`: with stream failover off a token is sent once),
 * and at least the prompt tokens of the tasks that streamed evaluated (`tokens_in_total`: a retried prompt is
 * evaluated again). Returns the mismatches.
 */
export function metricsBoundsMismatches(metricsText: string, admitted: TaskRecord[], promptTokens: Map<string, number>): string[] {
  const problems: string[] = [];
  const streamed = admitted.filter((r) => eventsOf(r).some((e) => e.event === 'token'));
  const enqueued = metricSum(metricsText, 'tasks_enqueued_total');
  if (enqueued !== admitted.length) problems.push(`tasks_enqueued_total ${enqueued}, admitted ${admitted.length}`);
  const started = metricSum(metricsText, 'tasks_started_total');
  if (started < streamed.length) problems.push(`tasks_started_total ${started} < the ${streamed.length} tasks that streamed`);
  const tokensOut = metricSum(metricsText, 'tokens_out_total');
  const received = admitted.reduce((n, r) => n + eventsOf(r).filter((e) => e.event === 'token').length, 0);
  if (tokensOut !== received) problems.push(`tokens_out_total ${tokensOut}, tokens received ${received}`);
  const tokensIn = metricSum(metricsText, 'tokens_in_total');
  const sent = streamed.reduce((n, r) => n + (promptTokens.get(r.request.prompt ?? '') ?? Number.NaN), 0);
  if (!(tokensIn >= sent))
    problems.push(`tokens_in_total ${tokensIn} < the ${sent} prompt tokens of the ${streamed.length} tasks that streamed`);
  return problems;
}

/** Per reason, what the client saw: refusals of its submissions by code, and evictions by drop-lru on its streams. */
export function rejectionsSeen(records: TaskRecord[]): Record<string, number> {
  const seen: Record<string, number> = {};
  const add = (code: unknown): void => {
    seen[String(code)] = (seen[String(code)] ?? 0) + 1;
  };
  for (const r of records) {
    const status = r.admission?.status;
    if (status !== undefined && status >= 400) add(r.admission?.body?.code);
    const end = terminalOf(r);
    if (end?.event === 'error' && end.data.code === 'QUEUE_FULL_DROP_LRU') add(end.data.code);
  }
  return seen;
}

/**
 * ORCH-3028 by value, not presence: `tasks_rejected_total` per reason is what the client saw refused (or evicted),
 * and `tasks_canceled_total` is the cancels it had answered 204 that took effect (reason `client`; a cancel of a task
 * already ended is answered 204 too, and cancels nothing) and the streams it went away from
 * (reason `disconnect`, SSE-1003). Returns the mismatches.
 */
export function refusalAndCancelCountMismatches(metricsText: string, records: TaskRecord[]): string[] {
  const problems: string[] = [];
  const seen = rejectionsSeen(records);
  const reasons = new Set([...Object.keys(seen), ...labelValues(metricsText, 'tasks_rejected_total', 'reason')]);
  for (const reason of reasons) {
    const counted = metricSum(metricsText, 'tasks_rejected_total', { reason });
    if (counted !== (seen[reason] ?? 0))
      problems.push(`tasks_rejected_total{reason="${reason}"} ${counted}, the client saw ${seen[reason] ?? 0}`);
  }
  // A cancel is idempotent (CONTRACT.md): one answered 204 for a task that had already ended cancels nothing. A cancel
  // that took effect ends the task's stream with `end{canceled:true}`.
  const cancels = {
    client: records.filter((r) => r.canceledAt !== undefined && tookEffect(r)).length,
    disconnect: records.filter((r) => r.leftAt !== undefined).length,
  };
  for (const [reason, n] of Object.entries(cancels)) {
    const counted = metricSum(metricsText, 'tasks_canceled_total', { reason });
    if (counted !== n)
      problems.push(
        `tasks_canceled_total{reason="${reason}"} ${counted}, the client ${reason === 'client' ? 'had 204 for' : 'went away from'} ${n}`,
      );
  }
  return problems;
}

/** The task ended canceled: its stream's end says so. */
function tookEffect(r: TaskRecord): boolean {
  const end = terminalOf(r);
  return end?.event === 'end' && end.data.canceled === true;
}

/** The values one label takes on a metric's samples. */
function labelValues(metricsText: string, name: string, label: string): string[] {
  const re = new RegExp(`^${name}\\{[^}]*\\b${label}="([^"]*)"`, 'gm');
  return [...metricsText.matchAll(re)].map((m) => m[1]);
}

/**
 * ORCH-3028 by value: `queue_depth` (summed over its labels) is the number of admitted tasks waiting for a slot, as
 * the client counts them: admitted, not ended, beyond the pool's `slots` (every slot busy while tasks wait).
 */
export function queueDepthMismatch(metricsText: string, records: TaskRecord[], slots: number, expected: number): string | undefined {
  const open = records.filter((r) => r.admission?.status === 202 && !terminalOf(r)).length;
  const waiting = Math.max(0, open - slots);
  const gauge = metricSum(metricsText, 'queue_depth');
  const seen = `the client has ${open} tasks open for ${slots} slots: ${waiting} waiting`;
  if (waiting !== expected) return `precondition: ${expected} tasks waiting, but ${seen}`;
  return gauge === waiting ? undefined : `queue_depth ${gauge}, ${seen}`;
}
