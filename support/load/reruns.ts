import { eventsOf, isAdmitted, type Rerun, type TaskRecord, terminalOf, textOf } from '../history/history';
import { taskEnds } from '../observe/waits';
import { submitCarefully } from './tasks';
import type { Workload } from './workload';

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
  // Any refusal is retried after its hint (200 ms without one): the rerun is the suite's own, not the scenario's client.
  const clone = await submitCarefully(workload, task.request, deadline, (r) => Number(r.admission?.body?.retry_after_ms) || 200);
  if (isAdmitted(clone)) await taskEnds(clone, Math.max(0, deadline - Date.now())).catch(() => undefined);
  return clone;
}

/**
 * Runs every task of `disturbed` again, undisturbed (a new id, the same request), and pairs each with its rerun's
 * text: what the identical-text check compares.
 */
export async function rerunDisturbed(workload: Workload, disturbed: TaskRecord[], deadline: number): Promise<Rerun[]> {
  const clones = await rerunAll(workload, disturbed, deadline);
  return disturbed.map((r, k) => {
    const end = terminalOf(clones[k]);
    const done = end?.event === 'end' && !end.data.canceled;
    return {
      taskId: r.taskId,
      disturbed: textOf(r),
      undisturbed: done ? textOf(clones[k]) : undefined,
      rerunOutcome: end ? end.event : `no end (${eventsOf(clones[k]).length} events)`,
    };
  });
}
