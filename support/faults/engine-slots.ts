import { setTimeout as delay } from 'node:timers/promises';
import type { Evidence } from './fault';

/** One slot of an engine's `/slots` (llama-server's shape; the reference engine answers the same). */
interface Slot {
  is_processing: boolean;
  next_token?: { n_decoded?: number; n_remain?: number }[];
}

/**
 * A preflight from the engine's own `/slots`: confirmed once a slot is generating with at least `minRemain` tokens
 * still to come, polled every 20 ms for up to `withinMs` (0: one look); a mismatch names what the slots showed last.
 * For faults that act only on an engine at work (its streams ended, its CPU starved).
 */
export async function engineGenerating(engineUrl: string, minRemain: number, withinMs = 0): Promise<Evidence> {
  const deadline = Date.now() + withinMs;
  let observed: Record<string, unknown> = {};
  for (;;) {
    try {
      const res = await fetch(`${engineUrl}/slots`, { signal: AbortSignal.timeout(1000) });
      const slots = (await res.json()) as Slot[];
      const open = slots.filter((x) => x.is_processing && (x.next_token?.[0]?.n_remain ?? 0) >= minRemain).length;
      observed = { [`slots_generating_with_${minRemain}_tokens_to_come`]: open, slots, waited_ms: withinMs - (deadline - Date.now()) };
      if (open > 0) return { verdict: 'confirmed', observed };
    } catch (err) {
      observed = { slots_error: (err as Error).message };
    }
    if (Date.now() >= deadline) return { verdict: observed.slots_error ? 'inconclusive' : 'mismatch', observed };
    await delay(20);
  }
}
