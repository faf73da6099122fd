import { EnginesAgree, type Generation } from '../checks/engines';
import { type EvidencePatterns, readAvailability, readDispatchAttempts, readGenerations, ScenarioEvidence } from '../checks/evidence';
import type { Rerun, TaskRecord } from '../history/history';
import { terminalOf } from '../history/history';
import type { LivenessSample } from '../history/liveness';
import type { OrchestratorClient } from '../orchestrator/client';

/** What a scenario recorded, and where its stack's logs are: what the evidence is gathered from. */
export interface EvidenceSources {
  /** The scenario's tasks, once its load has settled. */
  records: TaskRecord[];
  reruns: Rerun[];
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
  return {
    records: src.records,
    allowed: src.allowed,
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
