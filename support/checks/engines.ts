import { eventsOf, isAdmitted, type TaskRecord, terminalOf } from '../history/history';
import { type Verdict, verdictOf } from './verdict';

/** One generation an engine reports in its own log: which replica, the request's seed (when it logs it), how many tokens. */
export interface Generation {
  replica: string;
  seed?: number;
  tokens: number;
}

/**
 * Evidence from the other side: what the engines themselves generated agrees with what clients received. Every
 * completed task has a generation of its seed with at least the tokens its client received, on a replica where the
 * orchestrator says it ran (`servedBy`, from the status endpoint).
 */
export function EnginesAgree(
  records: TaskRecord[],
  generations: Generation[],
  servedBy: Map<string, string | undefined>,
  logGaps: { from: number; to: number }[] = [],
): Verdict {
  if (generations.some((g) => g.seed === undefined)) return EnginesAgreeInTotal(records, generations, servedBy, logGaps);
  const bySeed = new Map<number, Generation[]>();
  for (const g of generations) bySeed.set(g.seed!, [...(bySeed.get(g.seed!) ?? []), g]);
  const problems: string[] = [];
  let completed = 0;
  let received = 0;
  let unlogged = 0;
  for (const r of records.filter(isAdmitted)) {
    const tokens = eventsOf(r).filter((e) => e.event === 'token').length;
    received += tokens;
    const end = terminalOf(r);
    if (end?.event !== 'end' || end.data.canceled) continue;
    // A task that may have been logged while the engines could not write their log cannot be judged here.
    if (mayBeUnlogged(r, end.at, logGaps)) {
      unlogged++;
      continue;
    }
    completed++;
    const seen = bySeed.get(Number(r.request.seed)) ?? [];
    const whole = seen.filter((g) => g.tokens >= tokens);
    if (whole.length === 0) {
      problems.push(
        `${r.taskId}: the client received ${tokens} tokens but no engine logged a generation of seed ${r.request.seed} that long (seen: ${JSON.stringify(seen)})`,
      );
      continue;
    }
    const replica = servedBy.get(r.taskId);
    if (replica && !whole.some((g) => g.replica === replica))
      problems.push(
        `${r.taskId}: the orchestrator says replica ${replica} served it, the engines say ${whole.map((g) => g.replica).join(', ')}`,
      );
  }
  // No total over all tasks: an engine killed mid-generation never logs what it had streamed.
  return verdictOf(
    'EnginesAgree',
    problems,
    `${completed} completed tasks found in the engines' own logs (${received} tokens received in all)${unlogged ? `; ${unlogged} ended while the engines could not log, not judged here` : ''}`,
  );
}

/**
 * The same evidence, for engines whose logs do not name a request's seed (llama-server logs only how many tokens
 * each generation decoded): per replica, the engine must have logged at least as many decoded tokens as the clients
 * received from the completed tasks the orchestrator says that replica served. Weaker than the per-task form — it
 * cannot catch a task attributed to the wrong one of two generations — and said so in its detail.
 */
export function EnginesAgreeInTotal(
  records: TaskRecord[],
  generations: Generation[],
  servedBy: Map<string, string | undefined>,
  logGaps: { from: number; to: number }[] = [],
): Verdict {
  const received = new Map<string, number>();
  let unattributed = 0;
  for (const r of records.filter(isAdmitted)) {
    const end = terminalOf(r);
    if (end?.event !== 'end' || end.data.canceled || mayBeUnlogged(r, end.at, logGaps)) continue;
    const replica = servedBy.get(r.taskId);
    const tokens = eventsOf(r).filter((e) => e.event === 'token').length;
    if (!replica) unattributed++;
    else received.set(replica, (received.get(replica) ?? 0) + tokens);
  }
  const problems: string[] = [];
  for (const [replica, got] of received) {
    const logged = generations.filter((g) => g.replica === replica).reduce((n, g) => n + g.tokens, 0);
    if (logged < got)
      problems.push(`replica ${replica}: clients received ${got} tokens of completed tasks, its engine logged only ${logged} decoded`);
  }
  if (unattributed) problems.push(`${unattributed} completed tasks with no replica in their status`);
  return verdictOf(
    'EnginesAgree',
    problems,
    `per replica, the engines logged at least the tokens clients received (totals only: the engine logs no seed)`,
  );
}

/**
 * A task whose engine may have logged it inside a gap: it ended after the gap began and was submitted before the gap
 * ended. An engine logs a generation before its client sees the end, so a task seen ending just after the heal may
 * have been logged before it; one submitted after the heal was logged after it.
 */
function mayBeUnlogged(r: TaskRecord, endAt: number, gaps: { from: number; to: number }[]): boolean {
  return gaps.some((g) => endAt >= g.from && r.submittedAt <= g.to);
}
