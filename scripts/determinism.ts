/**
 * Measures what the identical-rerun verdict assumes of a target's engines: that the same request (prompt, seed,
 * length) gives the same text whatever else the engine is doing. For each of N prompts it runs the task alone on an
 * idle engine, then again while a second, longer task occupies the engine's other slot (llama.cpp batches the two),
 * and counts the pairs whose texts differ. Usage: `npm run determinism -- [--profile profiles/llamacpp.json]
 * [--pairs 50] [--tokens 24]`. Prints the figure and writes reports/determinism.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { poolReaches } from '../support/observe/waits';
import { newTask, OrchestratorClient, type TaskRequest } from '../support/orchestrator/client';
import { reapAll } from '../support/processes/reaper';
import { loadProfile } from '../support/stack/profile';
import { StartedStack } from '../support/stack/stack';
import { ToxiproxyService } from '../support/stack/toxiproxy';

process.once('exit', () => reapAll());

/** Runs one task to its end; returns its text (the tokens in order) or throws with how it ended. */
async function textOf(client: OrchestratorClient, request: TaskRequest): Promise<string> {
  const admission = await client.submit(request);
  if (admission.status !== 202) throw new Error(`task refused: HTTP ${admission.status} ${JSON.stringify(admission.body)}`);
  const tokens: string[] = [];
  let last = '';
  await client.events(
    request.task_id,
    (e) => {
      last = e.event;
      if (e.event === 'token') tokens.push(String(e.data.t));
    },
    AbortSignal.timeout(60_000),
  );
  if (last !== 'end') throw new Error(`task ${request.task_id} ended with ${last}`);
  return tokens.join('');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      profile: { type: 'string', default: 'profiles/llamacpp.json' },
      pairs: { type: 'string', default: '50' },
      tokens: { type: 'string', default: '24' },
    },
  });
  const pairs = Number(values.pairs);
  const tokens = Number(values.tokens);
  const root = path.resolve(__dirname, '..');
  const dir = path.join(root, 'reports', 'determinism', String(Date.now()));
  const profile = loadProfile(path.resolve(root, values.profile!));
  const toxiproxy = await ToxiproxyService.start(dir);
  const stack = await StartedStack.start(
    profile,
    { replicas: 1, slots: 2, dir, proxyPrefix: `llorch_determinism_${process.pid}_` },
    toxiproxy,
  );
  try {
    const client = new OrchestratorClient(stack.orchestratorUrl);
    await poolReaches(client, profile.pool.id, 'ready', profile.startupTimeoutMs);
    const differing: { prompt: string; alone: string; beside: string }[] = [];
    for (let i = 0; i < pairs; i++) {
      const prompt = `Question ${i}: describe, in a few words, fault number ${i * 7 + 3} of a distributed system.`;
      const make = (): TaskRequest => newTask({ prompt, seed: 1000 + i, max_tokens: tokens });
      const alone = await textOf(client, make());
      const busy = textOf(client, newTask({ prompt: `Filler ${i}: write a long story.`, seed: 5000 + i, max_tokens: tokens * 4 }));
      const beside = await textOf(client, make());
      await busy;
      if (alone !== beside) differing.push({ prompt, alone, beside });
    }
    const report = { profile: profile.name, pairs, tokens, differing: differing.length, examples: differing.slice(0, 5) };
    mkdirSync(path.join(root, 'reports'), { recursive: true });
    writeFileSync(path.join(root, 'reports', 'determinism.json'), JSON.stringify(report, null, 2));
    console.log(
      `determinism (${profile.name}): ${differing.length} of ${pairs} pairs differ between the engine idle and the engine busy with a second task (${tokens} tokens each)`,
    );
  } finally {
    await stack.stop();
    await toxiproxy.stop();
  }
}

main().catch((err) => {
  console.error(`determinism: ${(err as Error).message}`);
  reapAll();
  process.exit(1);
});
