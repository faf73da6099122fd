import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { eventually } from '../../support/core/eventually';
import { Timeline } from '../../support/core/timeline';
import { CpuSaturateFault } from '../../support/faults/cpu-saturate';
import { FaultLedger } from '../../support/faults/ledger';
import { createFault } from '../../support/faults/registry';
import { goodput } from '../../support/load/goodput';
import { rollThroughReplicas } from '../../support/faults/sequences/rolling-kill';
import { restartDelays } from '../../support/observe/supervision';
import { poolReaches, replicaRestarted } from '../../support/observe/waits';
import { newTask, OrchestratorClient } from '../../support/orchestrator/client';
import type { TargetProfile } from '../../support/stack/profile';
import { StartedStack } from '../../support/stack/stack';
import type { ToxiproxyService } from '../../support/stack/toxiproxy';
import { crashRepeatedly } from '../../support/faults/sequences/crash-loop';
import { Crash } from '../../support/history/crashes';

/** The stack-level measures of the benchmark: start-up, crash detection and recovery, restart delays, goodput. */

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : Math.round((s[s.length / 2 - 1] + s[s.length / 2]) / 2);
};

/** Baseline: wall time of starting and ending a bare Node process, ms. */
export function nodeBaselineMs(): number {
  const started = process.hrtime.bigint();
  execFileSync('node', ['-e', '0']);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

export async function startStack(
  profile: TargetProfile,
  benchDir: string,
  toxiproxy: ToxiproxyService,
  run: string,
  replicas: number,
  tunes: Record<string, string> = {},
): Promise<{ stack: StartedStack; readyMs: number; phases: Record<string, number> }> {
  const started = Date.now();
  const stack = await StartedStack.start(
    profile,
    { replicas, tunes, dir: path.join(benchDir, run), proxyPrefix: `llorch_bench_${process.pid}_${run}_` },
    toxiproxy,
  );
  const componentsUp = Date.now();
  await poolReaches(new OrchestratorClient(stack.orchestratorUrl), stack.profile.pool.id, 'ready', profile.startupTimeoutMs);
  const phases = Object.fromEntries(stack.startup.map((p) => [p.phase, p.ms]));
  phases['engines ready, seen by the orchestrator'] = Date.now() - componentsUp;
  return { stack, readyMs: Date.now() - started, phases };
}

/** Kills r1's engine; returns detection (from the pool manager's log) and restart-to-ready times, ms. */
export async function crashAndRestart(stack: StartedStack): Promise<{ detectMs: number; readyMs: number }> {
  const { pid, killedAt } = await killEngine(stack, 'r1');
  await replicaRestarted(new OrchestratorClient(stack.orchestratorUrl), stack.profile.pool.id, 'r1', 30_000);
  const readyMs = Date.now() - killedAt;
  // The pool manager's own record of noticing: its first "engine exited" line for r1 after the kill.
  const exitLine = readFileSync(path.join(stack.request.dir, 'pool-manager.log'), 'utf8')
    .split('\n')
    .filter((l) => l.includes('"engine exited"') && l.includes('"replica_id":"r1"'))
    .map((l) => JSON.parse(l) as { time: string; pid: number })
    .find((l) => Date.parse(l.time) >= killedAt - 5);
  if (!exitLine) throw new Error(`the pool manager logged no exit of r1's engine (pid ${pid}) after the kill`);
  const detectMs = Date.parse(exitLine.time) - killedAt;
  return { detectMs, readyMs };
}

/** Kills r1's engine 3 times through the fault ledger, each as soon as its successor exists; returns observed restart delays, ms. */
export async function restartSeries(stack: StartedStack): Promise<number[]> {
  const crashes: Crash[] = [];
  const faults = new FaultLedger(new Timeline());
  await crashRepeatedly(faults, stack.engineTarget('r1'), stack.poolManager, stack.profile.pool.id, 'r1', 3, crashes);
  await faults.healAll();
  return restartDelays(stack.poolManager, stack.profile.pool.id, crashes, 10_000);
}

/** SIGKILLs one replica's engine through a fault ledger (verified gone); returns when it was killed, epoch ms. */
export async function killEngine(stack: StartedStack, replicaId: string): Promise<{ pid: number; killedAt: number }> {
  const evidence = await new FaultLedger(new Timeline()).apply(createFault('process.kill', stack.engineTarget(replicaId)));
  return { pid: evidence.observed.pid as number, killedAt: evidence.observed.killed_at as number };
}

/** SIGKILLs the orchestrator, starts it again, and times start → the first task completed. */
export async function orchestratorRestartToServing(stack: StartedStack): Promise<number> {
  stack.component('orchestrator').signal('SIGKILL');
  await stack.component('orchestrator').exited;
  const started = Date.now();
  await stack.startComponent('orchestrator');
  const client = new OrchestratorClient(stack.orchestratorUrl);
  await eventually(
    'a task completes after the restart',
    async () => {
      const t = newTask({ max_tokens: 2 });
      if ((await client.submit(t)).status !== 202) return { ok: false, seen: 'refused' };
      let done = false;
      await client.events(
        t.task_id,
        (e) => {
          if (e.event === 'end') done = true;
        },
        new AbortController().signal,
      );
      return { ok: done, seen: 'no end' };
    },
    { withinMs: 10_000, everyMs: 5 },
  );
  return Date.now() - started;
}

/** Goodput (completed tokens per second, 12 clients) of 3 replicas, then with one killed and kept down. */
export async function goodputOneKilled(
  stack: StartedStack,
  loadMs: number,
): Promise<{ base: Awaited<ReturnType<typeof goodput>>; degraded: Awaited<ReturnType<typeof goodput>> }> {
  const client = new OrchestratorClient(stack.orchestratorUrl);
  const base = await goodput(client, loadMs, 12);
  await killEngine(stack, 'r1');
  await poolReaches(client, stack.profile.pool.id, 'degraded', 5000);
  return { base, degraded: await goodput(client, loadMs, 12) };
}

/** Goodput while each replica is killed in turn (the next once the pool is ready again), against the same stack's baseline. */
export async function goodputRolling(stack: StartedStack, loadMs: number): Promise<{ base: number; rolling: number; failed: number }> {
  const client = new OrchestratorClient(stack.orchestratorUrl);
  const base = await goodput(client, loadMs, 12);
  const faults = new FaultLedger(new Timeline());
  const [rolling] = await Promise.all([goodput(client, loadMs * 2, 12), rollThroughReplicas(faults, stack, client, () => [], 10_000)]);
  await faults.healAll();
  return { base: base.tokensPerS, rolling: rolling.tokensPerS, failed: base.failed + rolling.failed };
}

/** Goodput with one engine starved to 10 % of a core (root only), against the same stack's baseline. */
export async function goodputCpuStarved(
  stack: StartedStack,
  loadMs: number,
  name: string,
): Promise<{ base: number; starved: number; failed: number }> {
  const client = new OrchestratorClient(stack.orchestratorUrl);
  const base = await goodput(client, loadMs, 12);
  const faults = new FaultLedger(new Timeline());
  try {
    // Starved under load: the quota only shows (as throttling) while the engine wants more than its share.
    const [, starved] = await Promise.all([
      faults.apply(new CpuSaturateFault(stack.engineTarget('r1'), name, 10)),
      goodput(client, loadMs, 12),
    ]);
    return { base: base.tokensPerS, starved: starved.tokensPerS, failed: base.failed + starved.failed };
  } finally {
    await faults.healAll();
  }
}

/** Tokens per second of one stream on one replica, alone (a 64-token task). */
export async function tokensPerSecondOneStream(stack: StartedStack): Promise<number> {
  const client = new OrchestratorClient(stack.orchestratorUrl);
  const t = newTask({ max_tokens: 64, seed: 7 });
  await client.submit(t);
  let first = 0;
  let last = 0;
  let n = 0;
  await client.events(
    t.task_id,
    (e) => {
      if (e.event !== 'token') return;
      n++;
      last = Date.now();
      first ||= last;
    },
    new AbortController().signal,
  );
  return n > 1 ? Math.round(((n - 1) * 1000) / (last - first)) : 0;
}
