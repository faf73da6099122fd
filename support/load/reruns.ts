import { eventsOf, isAdmitted, type Rerun, type TaskRecord, terminalOf, textOf } from '../history/history';
import { taskEnds } from '../observe/waits';
import { submitCarefully } from './tasks';
import { textKeyOf, type UndisturbedTexts } from './undisturbed-texts';
import type { Workload } from './workload';

/**
 * Runs each task's request again (new id), `lanes` at a time (each lane takes the next task as soon as its last one
 * ended), as a careful client: a refusal with a retry hint is retried after the hint, until `deadline` (epoch ms).
 * Returns the reruns' records in the order of `tasks`.
 */
async function rerunAll(workload: Workload, tasks: TaskRecord[], deadline: number, lanes: number): Promise<TaskRecord[]> {
  const out: TaskRecord[] = new Array(tasks.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    for (let k = next++; k < tasks.length; k = next++) out[k] = await rerun(workload, tasks[k], deadline);
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, lanes), tasks.length) }, lane));
  return out;
}

async function rerun(workload: Workload, task: TaskRecord, deadline: number): Promise<TaskRecord> {
  // Any refusal is retried after its hint (200 ms without one): the rerun is the suite's own, not the scenario's client.
  // So is a rerun that never began, given up in the queue with a retriable error and no token (its queue timeout, or
  // dropped from a full queue): it wrote no text to compare (found by the explorer, seed 23: a pool of one replica
  // whose queue times out in 1 s could not run four reruns of 1.3 s at once).
  for (;;) {
    const clone = await submitCarefully(workload, task.request, deadline, (r) => Number(r.admission?.body?.retry_after_ms) || 200);
    if (!isAdmitted(clone)) return clone;
    await taskEnds(clone, Math.max(0, deadline - Date.now())).catch(() => undefined);
    const end = terminalOf(clone);
    const neverBegan = end?.event === 'error' && end.data.retriable === true && !eventsOf(clone).some((e) => e.event === 'token');
    if (!neverBegan || Date.now() >= deadline) return clone;
    await new Promise((resolve) =>
      setTimeout(resolve, Math.min(Number(end.data.retry_after_ms) || 200, Math.max(0, deadline - Date.now()))),
    );
  }
}

/** Where a scenario's reruns read and keep undisturbed texts (support/load/undisturbed-texts.ts). */
export interface RerunMemo {
  /** The target's identity (targetIdentity). */
  target: string;
  /** False where the target's profile says the seed decides no text (`seedDecidesText`). */
  seedDecidesText?: boolean;
  texts: UndisturbedTexts;
  scenarioDir: string;
}

/**
 * Pairs every task of `disturbed` with the text of an undisturbed run of the same request: the identical-text check
 * compares them. The reruns run `lanes` at a time. With `memo` (the target's identity, see undisturbed-texts.ts), a
 * request this worker already reran on the same target takes that text; of the others, one rerun per text key runs
 * (a new id, the same request), its text serves every task of the key and is kept for the next scenarios; a key
 * whose rerun did not complete has its other tasks rerun each.
 */
export async function rerunDisturbed(
  workload: Workload,
  disturbed: TaskRecord[],
  deadline: number,
  lanes: number,
  memo?: RerunMemo,
): Promise<Rerun[]> {
  const keyOf = (r: TaskRecord): string | undefined => memo && textKeyOf(memo.target, r.request, memo.seedDecidesText);
  const known = disturbed.map((r) => memo?.texts.get(memo.target, r.request, memo.seedDecidesText));
  const missing = disturbed.filter((_, k) => !known[k]);
  // One rerun per key first (every task without a memo: no key); then each task of a key whose rerun did not complete.
  const firstOfKey = new Map<string, TaskRecord>();
  const first = missing.filter((r) => {
    const key = keyOf(r);
    if (key === undefined) return true;
    if (firstOfKey.has(key)) return false;
    firstOfKey.set(key, r);
    return true;
  });
  const ran = new Map<TaskRecord, TaskRecord>();
  const runAll = async (tasks: TaskRecord[]) => {
    const clones = await rerunAll(workload, tasks, deadline, lanes);
    tasks.forEach((r, k) => ran.set(r, clones[k]));
  };
  await runAll(first);
  const completed = (clone: TaskRecord | undefined): boolean => {
    const end = clone && terminalOf(clone);
    return end?.event === 'end' && !end.data.canceled;
  };
  const servedBy = (r: TaskRecord): TaskRecord | undefined => {
    const key = keyOf(r);
    return key === undefined ? undefined : firstOfKey.get(key);
  };
  await runAll(missing.filter((r) => !ran.has(r) && !completed(ran.get(servedBy(r)!))));
  return disturbed.map((r, k) => {
    const memoized = known[k];
    if (memoized)
      return {
        taskId: r.taskId,
        disturbed: textOf(r),
        undisturbed: memoized.text,
        rerunOutcome: 'end',
        undisturbedFrom: memoized.from,
        earlier: true,
      };
    const clone = ran.get(r) ?? ran.get(servedBy(r)!)!;
    const end = terminalOf(clone);
    const done = completed(clone);
    const from = `rerun ${clone.taskId}${memo ? ` in ${memo.scenarioDir}` : ''}`;
    if (done && memo) memo.texts.set(memo.target, r.request, { text: textOf(clone), from }, memo.seedDecidesText);
    return {
      taskId: r.taskId,
      disturbed: textOf(r),
      undisturbed: done ? textOf(clone) : undefined,
      rerunOutcome: end ? end.event : `no end (${eventsOf(clone).length} events)`,
      undisturbedFrom: from,
    };
  });
}
