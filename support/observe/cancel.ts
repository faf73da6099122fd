import { eventually } from '../core/eventually';
import type { OrchestratorClient } from '../orchestrator/client';
import { eventsOf, type TaskRecord } from '../history/history';

/**
 * What the orchestrator kept of a canceled task, read back from the outside after the cancel was answered: the
 * tokens its client had then, the status endpoint's `tokens_out`, and the tokens a client gets when it reads the
 * stream again from the start (what a `Last-Event-ID` resume would see). A stack that acknowledges the cancel but lets
 * the engine go on stores tokens the client never saw; both readings show them. For a client that went away, what it
 * had is all it received before the orchestrator closed the stream.
 */
export async function keptAfterCancel(
  client: OrchestratorClient,
  record: TaskRecord,
  withinMs: number,
): Promise<{ atCancel: number; statusTokens: number; replayedTokens: number }> {
  // A client that went away (SSE-1003) reads on until the orchestrator closes its side: all it received is what it had.
  if (record.leftAt !== undefined)
    await eventually(
      `the orchestrator closes the stream of task ${record.taskId} that its client left`,
      async () => ({ ok: record.streams.at(-1)?.end !== undefined, seen: `${eventsOf(record).length} events received, stream still open` }),
      { withinMs, everyMs: 10 },
    );
  const canceledAt = record.canceledAt ?? Number.POSITIVE_INFINITY;
  const atCancel = eventsOf(record).filter((e) => e.event === 'token' && e.at <= canceledAt).length;
  const statusTokens = (await client.status(record.taskId)).body.tokens_out;
  const replay: string[] = [];
  await client.events(record.taskId, (e) => replay.push(e.event), AbortSignal.timeout(withinMs));
  return { atCancel, statusTokens, replayedTokens: replay.filter((e) => e === 'token').length };
}

/**
 * Waits until an engine's own `/slots` shows no slot processing (llama-server's and the reference engine's endpoint):
 * the engine's word that the canceled work stopped. Returns the ms it took from `sinceMs` (epoch).
 */
export async function engineSlotsFree(engineUrl: string, sinceMs: number, withinMs: number): Promise<number> {
  await eventually(
    `engine ${engineUrl} reports every slot idle`,
    async () => {
      const res = await fetch(`${engineUrl}/slots`, { signal: AbortSignal.timeout(1000) });
      const slots = (await res.json()) as { id: number; is_processing: boolean }[];
      const busy = slots.filter((s) => s.is_processing).map((s) => s.id);
      return { ok: busy.length === 0, seen: `busy slots: [${busy.join(', ')}]` };
    },
    { withinMs, everyMs: 20 },
  );
  return Date.now() - sinceMs;
}

/**
 * Waits until an engine's own `/slots` shows a slot that has generated at least `tokens` tokens of its task (its
 * `next_token[0].n_decoded`, as llama-server reports it): the engine's word that it is streaming a task right now, its
 * first tokens already sent (a precondition of a fault meant to meet a stream mid-way, not a dispatch before its first
 * token). Returns how many slots were streaming; fails after `withinMs`.
 */
export async function engineStreaming(engineUrl: string, who: string, withinMs: number, tokens = 2): Promise<number> {
  const { value } = await eventually(
    `the engine of ${who} streams a task (a slot with ${tokens} tokens decoded or more, by its /slots)`,
    async () => {
      const res = await fetch(`${engineUrl}/slots`, { signal: AbortSignal.timeout(1000) });
      const slots = (await res.json()) as { is_processing: boolean; next_token?: { n_decoded?: number }[] }[];
      const busy = slots.filter((s) => s.is_processing);
      const streaming = busy.filter((s) => (s.next_token?.[0]?.n_decoded ?? 0) >= tokens).length;
      return { ok: streaming > 0, seen: `busy slots: ${busy.length}, of which ${streaming} with ${tokens}+ tokens`, value: streaming };
    },
    { withinMs, everyMs: 5 },
  );
  return value ?? 0;
}
