import { newTask, type OrchestratorClient } from '../orchestrator/client';

/**
 * Closed-loop load for `ms` (bounded in time; every loop ends at the deadline): `concurrency` clients each submit a
 * 20-token task and read its stream, then the next. Returns completed tokens per second and the tasks that did not
 * complete (refused or failed).
 */
export async function goodput(
  client: OrchestratorClient,
  ms: number,
  concurrency: number,
): Promise<{ tokensPerS: number; completed: number; failed: number }> {
  const deadline = Date.now() + ms;
  let tokens = 0;
  let completed = 0;
  let failed = 0;
  let seed = 0;
  const worker = async (): Promise<void> => {
    while (Date.now() < deadline) {
      const t = newTask({ max_tokens: 20, seed: ++seed });
      const answer = await client.submit(t);
      if (answer.status !== 202) {
        failed++;
        continue;
      }
      let n = 0;
      let ok = false;
      await client.events(
        t.task_id,
        (e) => {
          if (e.event === 'token') n++;
          if (e.event === 'end') ok = true;
        },
        new AbortController().signal,
      );
      if (ok) {
        completed++;
        tokens += n;
      } else failed++;
    }
  };
  const started = Date.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { tokensPerS: Math.round((tokens * 1000) / (Date.now() - started)), completed, failed };
}
