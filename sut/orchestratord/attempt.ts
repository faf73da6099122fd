import { type DispatchError, type DispatchTimeouts, streamCompletion } from './engine-client';
import type { OrchestratorMetrics } from './metrics';
import type { ReplicaView } from './replicas';
import type { TaskRow, TaskStore } from './store';
import type { TaskEvents } from './task-events';

/** How one attempt ended: the engine finished the stream, or it failed (with a divergence found during failover). */
export type AttemptResult = { ok: true; decodeMs: number } | { ok: false; err: DispatchError; divergence?: string };

/** What an attempt writes to: the durable token store, the live subscribers and the metrics. */
export interface TokenSinks {
  store: TaskStore;
  events: TaskEvents;
  metrics: OrchestratorMetrics;
}

/**
 * One dispatch of a task to one replica: streams its completion and sinks every new token into the store, to
 * subscribers and to the metrics. When resuming after a failover (`resumeFrom` > 0) the tokens the client already
 * has are compared with what this replica produces, not sent again; a replica that diverges aborts the attempt.
 * Nothing is sunk once `isCanceled()` (ORCH-3026: no token after a cancel).
 */
export async function runAttempt(
  sinks: TokenSinks,
  task: TaskRow,
  replica: ReplicaView,
  resumeFrom: number,
  timeouts: DispatchTimeouts,
  controller: AbortController,
  isCanceled: () => boolean,
): Promise<AttemptResult> {
  const { store, events, metrics } = sinks;
  const version = replica.engine_version ?? 'unknown';
  const labels = { engine: task.request.engine, engine_version: version, pool_id: task.pool_id, replica_id: replica.replica_id };
  const timing = { engine: labels.engine, engine_version: version, pool_id: task.pool_id, priority: task.priority };
  let frame = 0;
  let firstTokenAt = 0;
  let divergence: string | undefined;
  const onToken = (t: string): void => {
    if (isCanceled() || divergence) return;
    const i = frame++;
    if (i < resumeFrom) {
      // Failover: the client already has this token; a deterministic replica must produce the same one.
      const stored = store.tokensAfter(task.task_id, i - 1)[0];
      if (stored?.t !== t) {
        divergence = `replica ${replica.replica_id} produced ${JSON.stringify(t)} at index ${i} where ${JSON.stringify(stored?.t)} was streamed`;
        controller.abort();
      }
      return;
    }
    if (i === 0) metrics.firstToken.observe(timing, Date.now() - task.created_ms);
    firstTokenAt ||= Date.now();
    store.addToken(task.task_id, i, t);
    metrics.tokensOut.inc(labels);
    events.publish(task.task_id, { event: 'token', i, t });
  };
  const request = {
    url: replica.url,
    prompt: task.request.prompt ?? '',
    maxTokens: task.request.max_tokens,
    seed: task.request.seed ?? seedOf(task.task_id),
  };
  try {
    // ORCH-3028: tokens_in_total counts the prompt tokens each replica evaluated, by the engine's own tokenizer.
    const onPrompt = (n: number): void => {
      metrics.tokensIn.inc(labels, n);
      store.setTokensIn(task.task_id, n);
    };
    await streamCompletion(request, timeouts, onToken, controller.signal, onPrompt);
    const decodeMs = firstTokenAt ? Date.now() - firstTokenAt : 0;
    metrics.decode.observe(timing, decodeMs);
    return { ok: true, decodeMs };
  } catch (err) {
    return { ok: false, err: err as DispatchError, divergence };
  }
}

/** A task without a seed gets one derived from its id (upstream: `hash(task_id)`), so retries stay deterministic. */
export function seedOf(taskId: string): number {
  let h = 0;
  for (const c of taskId) h = (Math.imul(h, 31) + c.charCodeAt(0)) | 0;
  return Math.abs(h);
}
