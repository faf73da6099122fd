import { eventsOf, type Rerun, type TaskRecord, terminalOf, textOf } from '../history/history';
import { taskEnds } from '../observe/waits';
import { newTask } from '../orchestrator/client';
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
