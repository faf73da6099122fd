import { EnginesAgree, type Generation } from '../checks/engines';
import { DROPPED, type TaskClock } from '../checks/queue-drops';
import type { OverdueSighting } from '../checks/queue-timeout';
import { type EvidencePatterns, readAvailability, readDispatchAttempts, readGenerations, ScenarioEvidence } from '../checks/evidence';
import type { Rerun, TaskRecord } from '../history/history';
import { isAdmitted, terminalOf } from '../history/history';
import type { LivenessSample } from '../history/liveness';
import type { OrchestratorClient } from '../orchestrator/client';
import { SuiteError } from '../core/errors';

/** What a scenario recorded, and where its stack's logs are: what the evidence is gathered from. */
export interface EvidenceSources {
  /** The scenario's tasks, once its load has settled. */
  records: TaskRecord[];
  reruns: Rerun[];
  client: OrchestratorClient;
  samples: LivenessSample[];
  allowed: ReadonlySet<string>;
  /** The queue timeout the stack ran with, ms. */
  queueTimeoutMs: number;
  /** Tasks the client saw still queued past it. */
  overdue: OverdueSighting[];
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
  /** How long to wait for log lines, ms. */
  patienceMs: number;
}

/**
 * Everything the checker judges, recorded before it judges: asks where the orchestrator says each task ran (diagnosis
 * and the cross-check against the engines), and reads the engines' and the orchestrator's logs (waiting, bounded, for
 * the engines to log every completed task).
 */
export async function gatherEvidence(src: EvidenceSources): Promise<ScenarioEvidence> {
  const completed = src.records.filter((r) => terminalOf(r)?.event === 'end');
  const servedBy = new Map(
    await Promise.all(
      completed.map(async (r) => [r.taskId, (await src.client.status(r.taskId).catch(() => undefined))?.body.replica_id] as const),
    ),
  );
  const { engineGeneration, dispatchStarted, replicaAvailability } = src.patterns;
  const dropped = src.records.some((r) => terminalOf(r)?.event === 'error' && terminalOf(r)?.data.code === DROPPED);
  return {
    clocks: dropped ? await taskClocks(src.client, src.records.filter(isAdmitted)) : undefined,
    records: src.records,
    allowed: src.allowed,
    queueTimeoutMs: src.queueTimeoutMs,
    overdue: src.overdue,
    generatesMaxTokens: src.generatesMaxTokens,
    samples: src.samples,
    answerBoundMs: src.answerBoundMs,
    reruns: src.reruns,
    generations: engineGeneration && (await engineGenerations(src, servedBy, engineGeneration)),
    servedBy,
    engineLogGaps: src.engineLogGaps,
    attempts: dispatchStarted && readDispatchAttempts(src.orchestratorLog, dispatchStarted),
    availability: replicaAvailability && readAvailability(src.orchestratorLog, replicaAvailability),
    orchestratorLogUntil: src.orchestratorLogUntil,
  };
}

/**
 * The engines' generations, once what they logged agrees with what the clients received (logs are flushed
 * asynchronously), or as they are at the deadline: the check then says what is missing. The wait ends on the check's
 * own condition, so an engine that logs no seed (llama-server: decoded-token totals per replica) is not waited on
 * for seeds it never writes.
 */
async function engineGenerations(src: EvidenceSources, servedBy: Map<string, string | undefined>, pattern: RegExp): Promise<Generation[]> {
  const deadline = Date.now() + Math.min(src.patienceMs, 3000);
  for (;;) {
    const generations = readGenerations(src.engineLogs, pattern);
    if (EnginesAgree(src.records, generations, servedBy, src.engineLogGaps).valid === true || Date.now() >= deadline) return generations;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Waits until the engines' logs hold every task completed so far (EnginesAgree passes on them) and returns the epoch
 * ms at which the confirming look began: a line of any task that ended before it was on disk by then, so a fault that
 * takes the engines' log away from that moment on (its disk filled) cannot lose it. The moment the fault is applied
 * is no such bound: an engine logs a generation before its last token reaches the client, on a thread of its own
 * (llama-server), so a task seen ending just before the fault may have its line written just after it (found in CI:
 * 10 tokens of r1 unlogged, a task ended before the fill). Fails, saying what is missing, past `patienceMs`.
 */
export async function engineLogsCaughtUp(src: {
  records: () => TaskRecord[];
  client: OrchestratorClient;
  engineLogs: Map<string, string>;
  pattern: RegExp;
  patienceMs: number;
}): Promise<number> {
  const deadline = Date.now() + src.patienceMs;
  const servedBy = new Map<string, string | undefined>();
  for (;;) {
    const at = Date.now();
    const ended = src.records().filter((r) => (terminalOf(r)?.at ?? Number.POSITIVE_INFINITY) < at);
    for (const r of ended.filter((t) => terminalOf(t)?.event === 'end' && !servedBy.has(t.taskId)))
      servedBy.set(r.taskId, (await src.client.status(r.taskId).catch(() => undefined))?.body.replica_id);
    const verdict = EnginesAgree(ended, readGenerations(src.engineLogs, src.pattern), servedBy);
    if (verdict.valid === true) return at;
    if (Date.now() >= deadline)
      throw new SuiteError(
        `The engines' logs did not catch up with the ${ended.length} tasks ended so far within ${src.patienceMs} ms: ${verdict.detail}`,
      );
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Each task's clocks in its status (created, first dispatched, ended); a task whose status cannot be read is left out. */
async function taskClocks(client: OrchestratorClient, records: TaskRecord[]): Promise<Map<string, TaskClock>> {
  const clocks = new Map<string, TaskClock>();
  await Promise.all(
    records.map(async (r) => {
      const s = (await client.status(r.taskId).catch(() => undefined))?.body;
      if (typeof s?.created_ms === 'number') clocks.set(r.taskId, { created: s.created_ms, started: s.started_ms, ended: s.ended_ms });
    }),
  );
  return clocks;
}
