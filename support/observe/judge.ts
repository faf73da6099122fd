import { timed } from '../core/time-split';
import type { Timeline } from '../core/timeline';
import { newTask, type OrchestratorClient } from '../orchestrator/client';
import type { Rerun } from './checks/determinism';
import { EnginesAgree, type Generation } from './checks/engines';
import { judgeHistory, type Verdict } from './checks/index';
import { type EvidencePatterns, readAvailability, readDispatchAttempts, readGenerations } from './evidence';
import { eventsOf, type TaskHistory, type TaskRecord, terminalOf, textOf } from './history';
import type { LivenessSample } from './liveness';
import { taskEnds } from './waits';
import type { Workload } from './workload';

/** What the After hook hands the checker: the scenario's client side, its stack's logs and the scenario's terms. */
export interface JudgeInput {
  history: TaskHistory;
  workload: Workload;
  timeline: Timeline;
  client: OrchestratorClient;
  samples: LivenessSample[];
  allowed: ReadonlySet<string>;
  generatesMaxTokens: boolean;
  answerBoundMs: number;
  patterns: EvidencePatterns;
  /** Replica id → its engine's log file. */
  engineLogs: Map<string, string>;
  /** Windows (epoch ms) in which the engines could not write their logs. */
  engineLogGaps: { from: number; to: number }[];
  orchestratorLog: string;
  /** Epoch ms from which the orchestrator's log could not be written, if a fault cut it. */
  orchestratorLogUntil?: number;
  /** How long to wait for open streams, reruns and log lines, ms. */
  patienceMs: number;
}

/** The fault windows of a scenario (epoch ms): from each injection to its heal, or open when never healed. */
export function faultWindows(timeline: Timeline): { from: number; to: number }[] {
  const windows: { from: number; to: number }[] = [];
  const open: { kind: unknown; description: unknown; from: number }[] = [];
  for (const e of timeline.all()) {
    if (e.kind !== 'fault') continue;
    if (e.name === 'fault.injected') open.push({ kind: e.data?.kind, description: e.data?.description, from: timeline.startedAt + e.at });
    if (e.name === 'fault.healed') {
      // Paired by kind and description: two faults of one kind on different targets heal apart.
      const k = open.findIndex((o) => o.kind === e.data?.kind && o.description === e.data?.description);
      if (k >= 0) windows.push({ from: open.splice(k, 1)[0].from, to: timeline.startedAt + e.at });
    }
  }
  return [...windows, ...open.map((o) => ({ from: o.from, to: Number.POSITIVE_INFINITY }))];
}

/** Completed (not canceled) tasks whose life overlapped a fault window: the ones whose streams a fault could disturb. */
export function disturbedTasks(records: TaskRecord[], windows: { from: number; to: number }[]): TaskRecord[] {
  return records.filter((r) => {
    const end = terminalOf(r);
    if (end?.event !== 'end' || end.data.canceled) return false;
    return windows.some((w) => r.submittedAt <= w.to && end.at >= w.from);
  });
}

/**
 * Gathers the evidence and runs the strict history checker: lets open streams end, runs every disturbed task again
 * undisturbed (concurrently) and compares, asks where the orchestrator says each task ran (diagnosis and the
 * cross-check against the engines), and reads the engines' and the orchestrator's logs (waiting, bounded, for the
 * engines to log every completed task).
 */
export async function judgeScenario(input: JudgeInput): Promise<Verdict[]> {
  const { workload, history } = input;
  await timed('After: settling the load', async () => {
    await workload.settle(input.patienceMs);
    await workload.resolveUnseen(Math.min(input.patienceMs, 2000));
  });
  const disturbed = disturbedTasks(history.all(), faultWindows(input.timeline));
  const clones = await timed('undisturbed reruns', () => rerunAll(workload, disturbed, Date.now() + 2 * input.patienceMs));
  const reruns: Rerun[] = disturbed.map((r, k) => {
    const end = terminalOf(clones[k]);
    const done = end?.event === 'end' && !end.data.canceled;
    return {
      taskId: r.taskId,
      disturbed: textOf(r),
      undisturbed: done ? textOf(clones[k]) : undefined,
      rerunOutcome: end ? end.event : `no end (${eventsOf(clones[k]).length} events)`,
    };
  });
  const records = history.all();
  const completed = records.filter((r) => terminalOf(r)?.event === 'end');
  const servedBy = new Map(
    await Promise.all(
      completed.map(async (r) => [r.taskId, (await input.client.status(r.taskId).catch(() => undefined))?.body.replica_id] as const),
    ),
  );
  const generations = input.patterns.engineGeneration && (await engineGenerations(input, records, servedBy));
  const attempts = input.patterns.dispatchStarted && readDispatchAttempts(input.orchestratorLog, input.patterns.dispatchStarted);
  const availability = input.patterns.replicaAvailability && readAvailability(input.orchestratorLog, input.patterns.replicaAvailability);
  return judgeHistory({
    records,
    allowed: input.allowed,
    generatesMaxTokens: input.generatesMaxTokens,
    samples: input.samples,
    answerBoundMs: input.answerBoundMs,
    reruns,
    generations,
    servedBy,
    engineLogGaps: input.engineLogGaps,
    attempts,
    availability,
    orchestratorLogUntil: input.orchestratorLogUntil,
  });
}

/**
 * The engines' generations, once what they logged agrees with what the clients received (logs are flushed
 * asynchronously), or as they are at the deadline: the check then says what is missing. The wait ends on the check's
 * own condition, so an engine that logs no seed (llama-server: decoded-token totals per replica) is not waited on
 * for seeds it never writes.
 */
async function engineGenerations(
  input: JudgeInput,
  records: TaskRecord[],
  servedBy: Map<string, string | undefined>,
): Promise<Generation[]> {
  const deadline = Date.now() + Math.min(input.patienceMs, 3000);
  for (;;) {
    const generations = readGenerations(input.engineLogs, input.patterns.engineGeneration!);
    if (EnginesAgree(records, generations, servedBy, input.engineLogGaps).valid === true || Date.now() >= deadline) return generations;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** How many reruns run at once: few enough not to fill a small queue, enough to finish within the patience. */
const RERUN_CONCURRENCY = 4;

/**
 * Runs each task's request again (new id), RERUN_CONCURRENCY at a time (each lane takes the next task as soon as its
 * last one ended), as a careful client: a refusal with a retry hint is retried after the hint, until `deadline`
 * (epoch ms). Returns the reruns' records in the order of `tasks`.
 */
async function rerunAll(workload: Workload, tasks: TaskRecord[], deadline: number): Promise<TaskRecord[]> {
  const out: TaskRecord[] = new Array(tasks.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    for (let k = next++; k < tasks.length; k = next++) out[k] = await rerun(workload, tasks[k], deadline);
  };
  await Promise.all(Array.from({ length: Math.min(RERUN_CONCURRENCY, tasks.length) }, lane));
  return out;
}

async function rerun(workload: Workload, task: TaskRecord, deadline: number): Promise<TaskRecord> {
  for (;;) {
    const clone = await workload.submit({ ...task.request, task_id: newTask().task_id });
    const refused = clone.admission && clone.admission.status !== 202;
    if (!refused || Date.now() >= deadline) {
      if (!refused) await taskEnds(clone, Math.max(0, deadline - Date.now())).catch(() => undefined);
      return clone;
    }
    const hintMs = Number(clone.admission?.body?.retry_after_ms) || 200;
    await new Promise((resolve) => setTimeout(resolve, Math.min(hintMs, Math.max(0, deadline - Date.now()))));
  }
}
