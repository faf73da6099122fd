import { type OrchestratorClient } from '../orchestrator/client';
import { readEngineTasks } from '../checks/evidence';
import { eventsOf, outcomeOf, type TaskRecord, terminalOf } from '../history/history';
import { lastInjectionAt, measureDetection } from './measures';
import { eventually } from '../core/eventually';
import type { Timeline } from '../core/timeline';
import { taskEnds } from './waits';

/** Which replica served each task, as the status endpoint says (the orchestrator's own account). */
export async function replicasServing(client: OrchestratorClient, records: TaskRecord[]): Promise<{ task: string; replica?: string }[]> {
  return Promise.all(records.map(async (r) => ({ task: r.taskId, replica: (await client.status(r.taskId)).body.replica_id })));
}

/** The status answer for every task of `records`. */
export async function knownStatuses(
  client: OrchestratorClient,
  records: TaskRecord[],
): Promise<{ task: string; status: number; state?: string }[]> {
  return Promise.all(
    records.map(async (r) => {
      const a = await client.status(r.taskId);
      return { task: r.taskId, status: a.status, state: a.body.state };
    }),
  );
}

/** Waits for a task's end; returns its error event (if it failed) and how long after the latest fault it arrived. */
export async function taskEndsAfterFault(
  record: TaskRecord,
  timeline: Timeline,
  withinMs: number,
): Promise<{ afterFaultMs: number; afterLastTokenMs: number; error?: Record<string, unknown> }> {
  await taskEnds(record, withinMs);
  const terminal = terminalOf(record)!;
  measureDetection(timeline, `task ${terminal.event}`, terminal.at);
  const lastToken = eventsOf(record)
    .filter((e) => e.event === 'token' && e.at <= terminal.at)
    .at(-1);
  const afterLastTokenMs = terminal.at - (lastToken?.at ?? record.submittedAt);
  timeline.measure('terminal_after_last_token_ms', afterLastTokenMs);
  return {
    afterFaultMs: terminal.at - (lastInjectionAt(timeline) ?? record.submittedAt),
    afterLastTokenMs,
    error: terminal.event === 'error' ? terminal.data : undefined,
  };
}

/**
 * Which of `records` the engine of `replica` itself says it generated (by the task's seed, from the engines' logs):
 * where a task ran, according to the engine side rather than the orchestrator's `replica_id`.
 */
export function servedByEngineOf(records: TaskRecord[], engineLogs: Map<string, string>, pattern: RegExp, replica: string): TaskRecord[] {
  const seeds = new Set(
    readEngineTasks(engineLogs, pattern)
      .filter((t) => t.replica === replica)
      .map((t) => t.seed),
  );
  return records.filter((r) => seeds.has(Number(r.request.seed)));
}

/**
 * Waits until some task of `records()` (read again on each look: a steady load keeps adding tasks) has completed and
 * is found, by its seed, in the log of `replica`'s engine; returns those found. A task the client saw complete may
 * still be in flight in the engine's log, and under a steady load the task that reaches a replica may be the next
 * one: so the look is repeated until `withinMs`, then it throws with what it last saw.
 */
export async function tasksServedByEventually(
  records: () => TaskRecord[],
  engineLogs: Map<string, string>,
  pattern: RegExp,
  replica: string,
  withinMs: number,
): Promise<TaskRecord[]> {
  let served: TaskRecord[] = [];
  await eventually(
    `some completed task in the log of the engine of ${replica}`,
    async () => {
      const completed = records().filter((r) => outcomeOf(r) === 'completed');
      served = servedByEngineOf(completed, engineLogs, pattern, replica);
      return { ok: served.length > 0, seen: `${completed.length} tasks completed, ${served.length} of them in that log` };
    },
    { withinMs, everyMs: 100 },
  );
  return served;
}

/**
 * Waits until every completed task of `records` is found, by its seed, in some engine's log (an engine may write its
 * log a moment after the stream ended), so a verdict about where tasks ran reads complete evidence; throws naming
 * the tasks no engine owns up to.
 */
export async function engineLogsAccountFor(
  records: TaskRecord[],
  engineLogs: Map<string, string>,
  pattern: RegExp,
  withinMs: number,
): Promise<void> {
  const completed = records.filter((r) => outcomeOf(r) === 'completed');
  await eventually(
    'every completed task in some engine log',
    async () => {
      const seeds = new Set(readEngineTasks(engineLogs, pattern).map((t) => t.seed));
      const missing = completed.filter((r) => !seeds.has(Number(r.request.seed))).map((r) => r.taskId);
      return { ok: missing.length === 0, seen: `not in any engine log: ${missing.join(', ') || 'none'}` };
    },
    { withinMs, everyMs: 50 },
  );
}
