import { SuiteError } from '../core/errors';
import { eventually } from '../core/eventually';
import { logFieldGaps, queueDepthMismatch } from '../checks/observability';
import type { TaskRecord } from '../history/history';

/**
 * Each replica's engine build as the engine itself reports it (`/props` build_info), from `engineUrls` (replica → URL);
 * waits up to `withinMs` for an engine that is restarting to answer.
 */
export async function engineBuilds(engineUrls: Map<string, string>, withinMs: number): Promise<Map<string, string | undefined>> {
  const out = new Map<string, string | undefined>();
  for (const [replica, url] of engineUrls) out.set(replica, (await engineProps(replica, url, withinMs)).build_info);
  return out;
}

/** What an engine says of itself (`/props`, as llama-server's), once it answers, within `withinMs`. */
export async function engineProps(replica: string, url: string, withinMs: number): Promise<{ build_info?: string; total_slots?: number }> {
  const { value } = await eventually(
    `the engine of ${replica} answers its properties`,
    async () => {
      const res = await fetch(`${url}/props`, { signal: AbortSignal.timeout(1000) });
      return {
        ok: res.status === 200,
        seen: `HTTP ${res.status}`,
        value: (await res.json()) as { build_info?: string; total_slots?: number },
      };
    },
    { withinMs, everyMs: 50 },
  );
  return value ?? {};
}

/** Waits (bounded) until every task's log lines carry the ORCH-3027 fields: a log reaches its file a moment late. */
export async function taskLogsComplete(logFile: string, taskIds: string[], withinMs: number): Promise<void> {
  await eventually(
    "ORCH-3027 fields in every task's log lines",
    async () => {
      const gaps = logFieldGaps(logFile, taskIds);
      return { ok: gaps.length === 0, seen: JSON.stringify(gaps) };
    },
    { withinMs, everyMs: 20 },
  );
}

/**
 * How many tokens each prompt holds by the pool's own tokenizer: an engine's `/tokenize` (llama-server's endpoint, and
 * the reference engine's), asked of the first of `engineUrls` that answers (an engine a scenario killed does not).
 */
export async function promptTokensByEngine(engineUrls: string[], prompts: string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const errors: string[] = [];
  for (const prompt of new Set(prompts)) {
    for (const url of engineUrls) {
      try {
        const res = await fetch(`${url}/tokenize`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          // With its special tokens (a BOS), as a completion's prompt is tokenized.
          body: JSON.stringify({ content: prompt, add_special: true }),
          signal: AbortSignal.timeout(2000),
        });
        const body = (await res.json()) as { tokens?: unknown[] };
        if (res.ok && Array.isArray(body.tokens)) {
          out.set(prompt, body.tokens.length);
          break;
        }
        errors.push(`${url}: HTTP ${res.status}`);
      } catch (err) {
        errors.push(`${url}: ${(err as Error).message}`);
      }
    }
    if (!out.has(prompt)) throw new SuiteError(`No engine of the pool tokenized a prompt: ${errors.join('; ')}`);
  }
  return out;
}

/**
 * Waits (bounded) until the orchestrator's `queue_depth` shows what the client counts as waiting, `expected` tasks:
 * the gauge is set at the orchestrator's next dispatch round, a moment after the queue changed. Fails with the last
 * mismatch seen (or the unmet precondition, when the client does not have `expected` tasks waiting).
 */
export async function queueDepthSettles(
  metrics: () => Promise<string>,
  records: () => TaskRecord[],
  slots: number,
  expected: number,
  withinMs: number,
): Promise<void> {
  await eventually(
    `queue_depth ${expected}, as the client counts the tasks waiting`,
    async () => {
      const mismatch = queueDepthMismatch(await metrics(), records(), slots, expected);
      return { ok: mismatch === undefined, seen: mismatch ?? 'agrees' };
    },
    { withinMs, everyMs: 50 },
  );
}
