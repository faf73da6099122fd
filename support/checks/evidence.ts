import { readFileSync } from 'node:fs';
import type { AvailabilityChange, DispatchAttempt } from './dispatch';
import type { Generation } from './engines';
import type { TaskClock } from './queue-drops';
import type { OverdueSighting } from './queue-timeout';
import { Rerun, TaskRecord } from '../history/history';
import { LivenessSample } from '../history/liveness';

/**
 * How a target's logs show what the history checker reads from them, as regular expressions with named groups; from
 * the target profile's `evidence`, since every target logs in its own words.
 */
export interface EvidencePatterns {
  /** One generation an engine finished or abandoned: group `tokens`, and `seed` when the engine logs it. */
  engineGeneration?: RegExp;
  /** A task an engine took (started generating), by the request's seed: group `seed`. */
  engineTask?: RegExp;
  /** A dispatch attempt the orchestrator started: groups `replica` and `time` (ISO or epoch ms). */
  dispatchStarted?: RegExp;
  /** A change of a replica's availability in the orchestrator's view: groups `replica`, `time`, `available` (true/false). */
  replicaAvailability?: RegExp;
}

/** Every generation in the engines' logs, per replica (`logs`: replica id → its engine log file). */
export function readGenerations(logs: Map<string, string>, pattern: RegExp): Generation[] {
  const out: Generation[] = [];
  for (const [replica, file] of logs) {
    for (const line of readLines(file)) {
      const g = pattern.exec(line)?.groups;
      if (g?.tokens !== undefined) out.push({ replica, seed: g.seed === undefined ? undefined : Number(g.seed), tokens: Number(g.tokens) });
    }
  }
  return out;
}

/** Every task the engines' logs say they took, per replica, by seed (`pattern` has a `seed` group). */
export function readEngineTasks(logs: Map<string, string>, pattern: RegExp): { replica: string; seed: number }[] {
  const out: { replica: string; seed: number }[] = [];
  for (const [replica, file] of logs)
    for (const line of readLines(file)) {
      const seed = pattern.exec(line)?.groups?.seed;
      if (seed !== undefined) out.push({ replica, seed: Number(seed) });
    }
  return out;
}

/** Every dispatch attempt in the orchestrator's log. */
export function readDispatchAttempts(file: string, pattern: RegExp): DispatchAttempt[] {
  const out: DispatchAttempt[] = [];
  for (const [seq, line] of readLines(file).entries()) {
    const g = pattern.exec(line)?.groups;
    if (!g?.replica || !g.time) continue;
    const at = /^\d+$/.test(g.time) ? Number(g.time) : Date.parse(g.time);
    out.push({ replica: g.replica, at, reason: line.slice(0, 200), seq });
  }
  return out;
}

/** Every availability change in the orchestrator's log. */
export function readAvailability(file: string, pattern: RegExp): AvailabilityChange[] {
  const out: AvailabilityChange[] = [];
  for (const [seq, line] of readLines(file).entries()) {
    const g = pattern.exec(line)?.groups;
    if (!g?.replica || !g.time || !g.available) continue;
    out.push({
      replica: g.replica,
      at: /^\d+$/.test(g.time) ? Number(g.time) : Date.parse(g.time),
      available: g.available === 'true',
      seq,
    });
  }
  return out;
}

function readLines(file: string): string[] {
  try {
    return readFileSync(file, 'utf8').split('\n');
  } catch {
    return [];
  }
}

/** How many dispatches the orchestrator's log shows for a task (lines of `pattern` that name the task). */
export function dispatchesOf(orchestratorLog: string, pattern: RegExp, taskId: string): number {
  let text = '';
  try {
    text = readFileSync(orchestratorLog, 'utf8');
  } catch {
    return 0;
  }
  return text.split('\n').filter((l) => l.includes(taskId) && pattern.test(l)).length;
}

/** How many dispatches the orchestrator's log shows in all. */
export function dispatchCount(orchestratorLog: string, pattern: RegExp): number {
  try {
    return readFileSync(orchestratorLog, 'utf8')
      .split('\n')
      .filter((l) => pattern.test(l)).length;
  } catch {
    return 0;
  }
}

/** Everything the history checker judges a scenario on: the client's history first, then the other side's evidence. */
export interface ScenarioEvidence {
  records: TaskRecord[];
  /** Error codes the scenario's faults (and operations) allow. */
  allowed: ReadonlySet<string>;
  /** The queue timeout the stack ran with, ms: a task no replica took by then fails POOL_UNAVAILABLE, whatever the faults. */
  queueTimeoutMs?: number;
  /** Tasks the client saw still queued past the queue timeout (support/observe/queue-watch.ts). */
  overdue?: OverdueSighting[];
  /** Each admitted task's clocks in its status, read where a task was dropped from a full queue. */
  clocks?: Map<string, TaskClock>;
  /** The engines always generate `max_tokens` (no early stop), so a shorter `end` is a truncation. */
  generatesMaxTokens: boolean;
  samples: LivenessSample[];
  answerBoundMs: number;
  reruns: Rerun[];
  /** What the engines logged; undefined when the target profile gives no pattern to read it. */
  generations?: Generation[];
  servedBy: Map<string, string | undefined>;
  /** Windows (epoch ms) in which the engines could not log: tasks ending in them are not judged on engine evidence. */
  engineLogGaps?: { from: number; to: number }[];
  /** Dispatch attempts and availability changes the orchestrator logged; undefined when the profile gives no pattern. */
  attempts?: DispatchAttempt[];
  availability?: AvailabilityChange[];
  /** Epoch ms from which the orchestrator's log could not be written (a log.unwritable fault): its evidence ends there. */
  orchestratorLogUntil?: number;
}
