import { eventually } from '../core/eventually';
import type { OrchestratorClient } from '../orchestrator/client';
import { eventsOf, type TaskRecord } from './history';

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
