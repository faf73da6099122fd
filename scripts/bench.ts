/**
 * Benchmarks the budgets of ARCHITECTURE.md, as medians of several runs, each beside a baseline measured in the same
 * process (the cost of starting a bare Node process), so figures compare across machines:
 *   - stack start-to-ready (orchestrator, pool manager, 3 engines, proxies);
 *   - engine crash detection by the pool manager (SIGKILL → its "engine exited" log line);
 *   - restart-to-ready of the killed replica (with the profile's test backoff);
 *   - goodput with 1 of 3 replicas killed, against the 3-replica baseline;
 *   - the chaos suite's wall time (`cucumber-js -p ci`, run as a child).
 * Usage: npm run bench -- [--runs 5] [--suite-runs 3] [--load-ms 3000]. Writes reports/bench.json.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { eventually } from '../support/core/eventually';
import { newTask, OrchestratorClient } from '../support/orchestrator/client';
import { reapAll } from '../support/processes/reaper';
import { loadProfile } from '../support/stack/profile';
import { StartedStack } from '../support/stack/stack';
import { ToxiproxyService } from '../support/stack/toxiproxy';
import { poolReaches, replicaRestarted } from '../support/observe/waits';
import { goodput } from '../support/observe/goodput';
import { Crash, crashRepeatedly, restartDelays } from '../support/observe/supervision';
import { FaultLedger } from '../support/faults/ledger';
import { createFault } from '../support/faults/registry';
import { Timeline } from '../support/core/timeline';

process.once('exit', () => reapAll());
const root = path.resolve(__dirname, '..');
const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    'suite-runs': { type: 'string', default: '3' },
    'load-ms': { type: 'string', default: '3000' },
  },
});
const runs = Number(values.runs);
const profile = loadProfile(path.join(root, 'profiles', 'reference.json'));
const benchDir = path.join(root, 'reports', 'bench');

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : Math.round((s[s.length / 2 - 1] + s[s.length / 2]) / 2);
};

/** Baseline: wall time of starting and ending a bare Node process, ms. */
function nodeBaselineMs(): number {
  const started = process.hrtime.bigint();
  execFileSync('node', ['-e', '0']);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

async function startStack(
  toxiproxy: ToxiproxyService,
  run: string,
  replicas: number,
  tunes: Record<string, string> = {},
): Promise<{ stack: StartedStack; readyMs: number }> {
  const started = Date.now();
  const stack = await StartedStack.start(
    profile,
    { replicas, tunes, dir: path.join(benchDir, run), proxyPrefix: `llorch_bench_${process.pid}_${run}_` },
    toxiproxy,
  );
  await poolReaches(new OrchestratorClient(stack.orchestratorUrl), profile.pool.id, 'ready', 15_000);
  return { stack, readyMs: Date.now() - started };
}

/** Kills r1's engine; returns detection (from the pool manager's log) and restart-to-ready times, ms. */
async function crashAndRestart(stack: StartedStack): Promise<{ detectMs: number; readyMs: number }> {
  const { pid, killedAt } = await killEngine(stack, 'r1');
  await replicaRestarted(new OrchestratorClient(stack.orchestratorUrl), profile.pool.id, 'r1', 10_000);
  const readyMs = Date.now() - killedAt;
  const exitLine = readFileSync(path.join(stack.request.dir, 'pool-manager.log'), 'utf8')
    .split('\n')
    .filter((l) => l.includes('"engine exited"') && l.includes(`"pid":${pid}`))[0];
  const detectMs = Date.parse(JSON.parse(exitLine).time) - killedAt;
  return { detectMs, readyMs };
}

/** Kills r1's engine 3 times through the fault ledger, each as soon as its successor exists; returns observed restart delays, ms. */
async function restartSeries(stack: StartedStack): Promise<number[]> {
  const crashes: Crash[] = [];
  const faults = new FaultLedger(new Timeline());
  await crashRepeatedly(faults, stack.engineTarget('r1'), stack.poolManager, profile.pool.id, 'r1', 3, crashes);
  await faults.healAll();
  return restartDelays(stack.poolManager, profile.pool.id, crashes, 10_000);
}

/** SIGKILLs one replica's engine through a fault ledger (verified gone); returns when it was killed, epoch ms. */
async function killEngine(stack: StartedStack, replicaId: string): Promise<{ pid: number; killedAt: number }> {
  const evidence = await new FaultLedger(new Timeline()).apply(createFault('process.kill', stack.engineTarget(replicaId)));
  return { pid: evidence.observed.pid as number, killedAt: evidence.observed.killed_at as number };
}

/** SIGKILLs the orchestrator, starts it again, and times start → the first task completed. */
async function orchestratorRestartToServing(stack: StartedStack): Promise<number> {
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

/** Each scenario's measures (`evidence.json` attachments) in a run's messages. */
function scenarioMeasures(file: string): [string, Record<string, number>][] {
  const names = new Map<string, string>();
  const testCases = new Map<string, string>();
  const started = new Map<string, string>();
  const out: [string, Record<string, number>][] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line) continue;
    const e = JSON.parse(line);
    if (e.pickle) names.set(e.pickle.id, e.pickle.name);
    if (e.testCase) testCases.set(e.testCase.id, e.testCase.pickleId);
    if (e.testCaseStarted) started.set(e.testCaseStarted.id, testCases.get(e.testCaseStarted.testCaseId)!);
    if (e.attachment?.fileName === 'evidence.json')
      out.push([names.get(started.get(e.attachment.testCaseStartedId)!)!, JSON.parse(e.attachment.body).measures]);
  }
  return out;
}

async function main(): Promise<void> {
  mkdirSync(benchDir, { recursive: true });
  const toxiproxy = await ToxiproxyService.start(benchDir);
  const rows: Record<string, number[]> = {
    baseline_node_start_ms: [],
    stack_ready_ms: [],
    crash_detect_ms: [],
    restart_to_ready_ms: [],
    orchestrator_restart_to_serving_ms: [],
    restart_delay_1_ms: [],
    restart_delay_2_ms: [],
    restart_delay_3_ms: [],
    restart_delay_max_error_pct: [],
    goodput_3_replicas_tps: [],
    goodput_1_of_3_killed_tps: [],
    goodput_ratio_x1000: [],
  };
  let lostOrFailed = 0;
  try {
    for (let i = 0; i < runs; i++) {
      rows.baseline_node_start_ms.push(Math.round(nodeBaselineMs()));
      const { stack, readyMs } = await startStack(toxiproxy, `start-${i}`, 3);
      rows.stack_ready_ms.push(readyMs);
      const crash = await crashAndRestart(stack);
      rows.crash_detect_ms.push(crash.detectMs);
      rows.restart_to_ready_ms.push(crash.readyMs);
      rows.orchestrator_restart_to_serving_ms.push(await orchestratorRestartToServing(stack));
      await stack.stop();
      // Restart-delay accuracy against the configured series 100, 200, 400 ms (±10 % jitter by design).
      const series = await startStack(toxiproxy, `series-${i}`, 1, { 'restart-initial-ms': '100' });
      const delays = await restartSeries(series.stack);
      [100, 200, 400].forEach((_expected, k) => rows[`restart_delay_${k + 1}_ms`].push(delays[k]));
      rows.restart_delay_max_error_pct.push(
        Math.round(Math.max(...delays.map((d, k) => (100 * Math.abs(d - [100, 200, 400][k])) / [100, 200, 400][k]))),
      );
      await series.stack.stop();
    }
    const loadMs = Number(values['load-ms']);
    for (let i = 0; i < Math.min(runs, 3); i++) {
      // The killed replica stays down for the whole measurement: its restart is a minute away.
      const { stack } = await startStack(toxiproxy, `goodput-${i}`, 3, { 'restart-initial-ms': '60000' });
      const base = await goodput(new OrchestratorClient(stack.orchestratorUrl), loadMs, 12);
      await killEngine(stack, 'r1');
      await poolReaches(new OrchestratorClient(stack.orchestratorUrl), profile.pool.id, 'degraded', 2000);
      const degraded = await goodput(new OrchestratorClient(stack.orchestratorUrl), loadMs, 12);
      lostOrFailed += base.failed + degraded.failed;
      rows.goodput_3_replicas_tps.push(base.tokensPerS);
      rows.goodput_1_of_3_killed_tps.push(degraded.tokensPerS);
      rows.goodput_ratio_x1000.push(Math.round((1000 * degraded.tokensPerS) / base.tokensPerS));
      await stack.stop();
    }
  } finally {
    await toxiproxy.stop();
  }
  const suiteRuns = Number(values['suite-runs']);
  const suite: number[] = [];
  const recovery = new Map<string, { detect: number[]; recover: number[] }>();
  for (let i = 0; i < suiteRuns; i++) {
    const started = Date.now();
    const r = spawnSync('npx', ['cucumber-js', '-p', 'ci'], { cwd: root, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`suite run ${i} failed:\n${r.stdout}\n${r.stderr}`);
    suite.push(Date.now() - started);
    for (const [scenario, m] of scenarioMeasures(path.join(root, 'reports', 'messages.ndjson'))) {
      const entry = recovery.get(scenario) ?? { detect: [], recover: [] };
      if (m.time_to_detect_ms !== undefined) entry.detect.push(m.time_to_detect_ms);
      if (m.time_to_recover_ms !== undefined) entry.recover.push(m.time_to_recover_ms);
      recovery.set(scenario, entry);
    }
  }
  const baseline = median(rows.baseline_node_start_ms);
  const report = {
    machine: { cores: require('node:os').cpus().length, node: process.version },
    runs,
    medians: Object.fromEntries(Object.entries(rows).map(([k, v]) => [k, median(v)])),
    ratios_to_node_start: {
      stack_ready: +(median(rows.stack_ready_ms) / baseline).toFixed(1),
      restart_to_ready: +(median(rows.restart_to_ready_ms) / baseline).toFixed(1),
    },
    suite_wall_ms: { runs: suite, median: suite.length ? median(suite) : undefined },
    recovery_by_scenario: Object.fromEntries(
      [...recovery].map(([k, v]) => [
        k,
        { time_to_detect_ms: v.detect.length ? median(v.detect) : null, time_to_recover_ms: v.recover.length ? median(v.recover) : null },
      ]),
    ),
    goodput_failed_or_refused_tasks: lostOrFailed,
    samples: rows,
    budgets: { stack_ready_ms: 1500, crash_detect_ms: 100, restart_to_ready_ms: 1000, suite_wall_ms: 90_000, goodput_ratio: 0.6 },
  };
  writeFileSync(path.join(root, 'reports', 'bench.json'), JSON.stringify(report, null, 2));
  const m = report.medians;
  console.log(`bench (${runs} runs, medians; baseline bare node start ${baseline} ms)`);
  console.log(
    `  stack start-to-ready (3 replicas, proxies)  ${m.stack_ready_ms} ms   (budget 1500; ${report.ratios_to_node_start.stack_ready}× node start)`,
  );
  console.log(`  engine crash detection                      ${m.crash_detect_ms} ms   (budget 100)`);
  console.log(
    `  killed replica back to ready                ${m.restart_to_ready_ms} ms   (budget 1000; ${report.ratios_to_node_start.restart_to_ready}× node start)`,
  );
  console.log(`  orchestrator SIGKILL → restart → serving    ${m.orchestrator_restart_to_serving_ms} ms`);
  console.log(
    `  restart delays (configured 100/200/400 ms)  ${m.restart_delay_1_ms} / ${m.restart_delay_2_ms} / ${m.restart_delay_3_ms} ms   (max error ${m.restart_delay_max_error_pct} %, jitter ±10 % by design)`,
  );
  console.log(`  goodput, 3 replicas                         ${m.goodput_3_replicas_tps} tokens/s`);
  console.log(
    `  goodput, 1 of 3 killed                      ${m.goodput_1_of_3_killed_tps} tokens/s   (ratio ${(m.goodput_ratio_x1000 / 1000).toFixed(3)}, budget ≥ 0.6; failed or refused tasks: ${lostOrFailed})`,
  );
  if (suite.length)
    console.log(
      `  chaos suite wall time                       ${report.suite_wall_ms.median} ms   (budget 90000; runs: ${suite.join(', ')})`,
    );
  if (recovery.size) {
    console.log(`  per scenario, medians over ${suiteRuns} suite runs (time to detect / time to recover, ms):`);
    for (const [scenario, v] of Object.entries(report.recovery_by_scenario))
      console.log(
        `    ${String(v.time_to_detect_ms ?? '-').padStart(6)} / ${String(v.time_to_recover_ms ?? '-').padStart(6)}  ${scenario}`,
      );
  }
}

main().catch((err) => {
  console.error(`bench: ${(err as Error).stack}`);
  process.exit(1);
});
