import type { Envelope } from '../orchestrator/client';
import { TaskRecord, terminalOf } from '../history/history';

/** What a refusal must carry: an envelope with `code`, retriable, a retry hint in body and headers. */
export function refusalProblems(record: TaskRecord, code: string, fastMs: number): string[] {
  const a = record.admission;
  if (!a) return [`no answer (${record.transportError})`];
  const body = a.body as Partial<Envelope>;
  const problems: string[] = [];
  if (a.status === 202) problems.push('the task was admitted');
  if (body.code !== code) problems.push(`code ${body.code}, expected ${code}`);
  if (body.retriable !== true) problems.push(`retriable=${body.retriable}`);
  if (!(Number(body.retry_after_ms) > 0)) problems.push(`retry_after_ms=${body.retry_after_ms}`);
  if (!(Number(a.headers['retry-after']) >= 1)) problems.push(`Retry-After=${a.headers['retry-after']}`);
  if (a.elapsedMs > fastMs) problems.push(`answered in ${a.elapsedMs} ms, more than ${fastMs} ms`);
  return problems;
}

/** What a backpressure refusal must carry (ORCH-2007): 429, the code, Retry-After, X-Backoff-Ms, policy_label, retriable. */
export function backpressureProblems(record: TaskRecord, code: string, fastMs: number): string[] {
  const a = record.admission;
  if (!a) return [`no answer (${record.transportError})`];
  const body = a.body as Partial<Envelope>;
  const problems = refusalProblems(record, code, fastMs);
  if (a.status !== 429) problems.push(`HTTP ${a.status}, expected 429`);
  if (!(Number(a.headers['x-backoff-ms']) > 0)) problems.push(`X-Backoff-Ms=${a.headers['x-backoff-ms']}`);
  if (!body.policy_label) problems.push('no policy_label');
  return problems;
}

/** Why a poison task did not fail at once with `code`, not retriable (empty when it did). */
export function poisonProblems(record: TaskRecord, code: string, fastMs: number): string[] {
  const end = terminalOf(record);
  if (!end) return [`${record.taskId}: no end seen`];
  const data = end.data as { code?: string; retriable?: boolean };
  if (end.event !== 'error' || data.code !== code || data.retriable !== false)
    return [`${record.taskId}: ended ${end.event} ${JSON.stringify(end.data)}, expected ${code} not retriable`];
  const ms = end.at - record.submittedAt;
  return ms > fastMs ? [`${record.taskId}: failed ${ms} ms after its submission (bound ${fastMs} ms)`] : [];
}

/**
 * Why a request the contract does not allow was not refused before any stream (OC-CTRL-2034) with a 400, `code`, not
 * retriable, its message naming `field`, within `fastMs` (empty when it was).
 */
export function malformedRefusalProblems(record: TaskRecord, code: string, field: string, fastMs: number): string[] {
  const a = record.admission;
  if (!a) return [`${record.taskId}: no answer (${record.transportError})`];
  const body = a.body as Partial<Envelope>;
  const problems: string[] = [];
  if (a.status !== 400) problems.push(`HTTP ${a.status}, expected 400`);
  if (body.code !== code) problems.push(`code ${body.code}, expected ${code}`);
  if (body.retriable !== false) problems.push(`retriable=${body.retriable}, expected false`);
  if (!String(body.message ?? '').includes(field)) problems.push(`message ${JSON.stringify(body.message)} does not name ${field}`);
  if (a.elapsedMs > fastMs) problems.push(`answered in ${a.elapsedMs} ms, more than ${fastMs} ms`);
  return problems.map((p) => `${record.taskId} (${field} broken): ${p}`);
}
