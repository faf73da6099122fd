import { DROPPED, isAdmitted, type TaskRecord, terminalOf } from '../history/history';
import { type Verdict, verdictOf } from './verdict';

export { DROPPED };

/** A task's clock in the orchestrator's own status (epoch ms): created, first dispatched, ended. */
export interface TaskClock {
  created: number;
  started?: number;
  ended?: number;
}

/** A batch task makes room before an interactive one; within a class, the oldest first. */
const rank = (r: TaskRecord): number => (r.request.priority === 'batch' ? 0 : 1);

/**
 * ORCH-3005 under drop-lru: a full queue makes room by dropping the task that waited longest (a batch task before an
 * interactive one). A dropped task D was the wrong one when another task Q, created before it, was still queued when D
 * was dropped — neither dispatched nor ended by then — and Q's class goes first, or is D's. Judged on the
 * orchestrator's own clocks (each task's status): they are its admission of which task it held longer, and the
 * client's view of two streams cannot order two drops a millisecond apart. Fails (cannot decide) for a dropped task
 * whose status was not read.
 */
export function DropsOldestFirst(records: TaskRecord[], clocks: ReadonlyMap<string, TaskClock>): Verdict {
  const admitted = records.filter(isAdmitted);
  const dropped = admitted.filter((r) => terminalOf(r)?.event === 'error' && terminalOf(r)?.data.code === DROPPED);
  const problems: string[] = [];
  for (const d of dropped) {
    const at = clocks.get(d.taskId)?.ended;
    const created = clocks.get(d.taskId)?.created;
    if (at === undefined || created === undefined) {
      problems.push(`${d.taskId}: dropped, but its status gives no time of its drop`);
      continue;
    }
    const queuedThen = (q: TaskRecord): boolean => {
      const c = clocks.get(q.taskId);
      return (
        q !== d &&
        c !== undefined &&
        c.created < created &&
        !(c.started !== undefined && c.started <= at) &&
        !(c.ended !== undefined && c.ended <= at)
      );
    };
    const before = admitted.find((q) => queuedThen(q) && rank(q) <= rank(d));
    if (before)
      problems.push(
        `${d.taskId} (${d.request.priority}) was dropped at ${new Date(at).toISOString()} while ${before.taskId} (${before.request.priority}), created ${created - clocks.get(before.taskId)!.created} ms before it, was still queued`,
      );
  }
  return verdictOf('DropsOldestFirst', problems, `${dropped.length} tasks dropped from the full queue, each the one that waited longest`);
}
