import { BOUNDS } from './bounds';
import { type Verdict, verdictOf } from './verdict';

/** A task the client saw still waiting for a replica past the queue timeout (support/observe/queue-watch.ts). */
export interface OverdueSighting {
  taskId: string;
  /** Ms from its admission's answer to the status request that was answered "queued", no replica having taken it. */
  waitedMs: number;
}

/**
 * CHAOS-004, judged by what a client asking after its task saw: a task no replica took is never still queued past
 * the queue timeout plus the slack of the orchestrator's own clock (it ends with a retriable error when the timeout
 * passes). Each task is named once, with the longest wait seen.
 */
export function QueueTimeoutKept(sightings: OverdueSighting[], queueTimeoutMs: number): Verdict {
  const longest = new Map<string, number>();
  for (const s of sightings) longest.set(s.taskId, Math.max(longest.get(s.taskId) ?? 0, s.waitedMs));
  const problems = [...longest].map(
    ([taskId, ms]) =>
      `${taskId}: still queued, no replica having taken it, ${ms} ms after its admission (queue timeout ${queueTimeoutMs} ms + ${BOUNDS.queueTimeoutSlackMs} ms)`,
  );
  return verdictOf('QueueTimeoutKept', problems, `no task seen queued past the queue timeout of ${queueTimeoutMs} ms`);
}
