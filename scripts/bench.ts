/**
 * Benchmarks the budgets of ARCHITECTURE.md, as medians of several runs, each beside a baseline measured in the same
 * process (the cost of starting a bare Node process, and each goodput beside the same stack's undisturbed goodput):
 *   - stack start-to-ready (orchestrator, pool manager, 3 engines, proxies); engine crash detection; restart-to-ready;
 *     orchestrator SIGKILL → serving; restart delays against the configured backoff;
 *   - goodput with 1 of 3 replicas killed, under rolling failures, and with one engine starved of CPU (root);
 *   - one stream's tokens per second on a replica;
 *   - the chaos suite's wall time, serial and with parallel workers, and per scenario time-to-detect/recover.
 *   - where the suite's time goes, per kind of work, summed over the catalogue and for the ten slowest scenarios;
 *   - the CPU the suite uses (user + system, its processes and theirs), and so the floor the cores set on its wall time.
 * Usage: npm run bench -- [--profile profiles/reference.json] [--runs 5] [--suite-runs 3] [--workers 2] [--load-ms 3000]
 *        npm run bench -- --split reports/messages.ndjson   (only the time split of a run already made)
 * Writes reports/bench.json (reports/bench-<profile>.json for another profile).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { commandLine } from './cli';
import { ownerTag, reapAll } from '../support/processes/reaper';
import { readScenarioRuns } from '../support/report/run-messages';
import { loadProfile } from '../support/stack/profile';
import { ToxiproxyService } from '../support/stack/toxiproxy';
import * as m from './bench/stack-measures';
import { type SplitReport, splitLines, splitOf } from './bench/time-split';

process.once('exit', () => reapAll());
const root = path.resolve(__dirname, '..');
const { values } = commandLine('bench', {
  options: {
    profile: { type: 'string', default: 'profiles/reference.json' },
    runs: { type: 'string', default: '5' },
    'suite-runs': { type: 'string', default: '3' },
    workers: { type: 'string', default: '2' },
    'load-ms': { type: 'string', default: '3000' },
    split: { type: 'string' },
  },
});
const runs = Number(values.runs);
const profile = loadProfile(path.resolve(root, values.profile!));
const benchDir = path.join(root, 'reports', 'bench');
const loadMs = Number(values['load-ms']);

/** Runs the whole suite `count` times with `workers` (1: serial); returns wall times, CPU and per-scenario measures. */
function suiteRuns(
  count: number,
  workers: number,
): { walls: number[]; cpus: number[]; measures: [string, Record<string, number>][]; splits: SplitReport[] } {
  const walls: number[] = [];
  const cpus: number[] = [];
  const measures: [string, Record<string, number>][] = [];
  const splits: SplitReport[] = [];
  for (let i = 0; i < count; i++) {
    const dir = path.join('reports', 'bench', `suite-${workers}w-${i}`);
    const started = Date.now();
    const cpuBefore = childrenCpuMs();
    const args = ['cucumber-js', '-p', 'ci'];
    const r = spawnSync('npx', args, {
      cwd: root,
      encoding: 'utf8',
      // `-p ci` reads its worker count from CHAOS_WORKERS: without it, every run had 2 workers, the "serial" ones too.
      env: { ...process.env, CHAOS_PROFILE: values.profile, CHAOS_REPORTS_DIR: dir, CHAOS_WORKERS: String(workers) },
    });
    if (r.status !== 0) throw new Error(`suite run ${i} (${workers} workers) failed:\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-2000)}`);
    walls.push(Date.now() - started);
    cpus.push(childrenCpuMs() - cpuBefore);
    const scenarios = readScenarioRuns(path.join(root, dir, 'messages.ndjson'));
    for (const run of scenarios) if (run.evidence?.measures) measures.push([run.name, run.evidence.measures]);
    splits.push(splitOf(scenarios, Number(values.workers))); // the floor for the parallel run
  }
  return { walls, cpus, measures, splits };
}

const clockTicks = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout) || 100;

/**
 * CPU time, ms, of this process's children that have ended and been waited for, with theirs (the kernel's cutime and
 * cstime, as `time` reports): a suite run's, once it has ended. A process left to init (an engine whose pool manager
 * was killed) is not counted, so this is at least what the suite used. NaN where /proc is missing.
 */
function childrenCpuMs(): number {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[13]) + Number(fields[14])) * 1000) / clockTicks;
  } catch {
    return Number.NaN;
  }
}

async function main(): Promise<void> {
  if (values.split) {
    for (const line of splitLines(splitOf(readScenarioRuns(path.resolve(values.split)), Number(values.workers)))) console.log(line);
    return;
  }
  rmSync(benchDir, { recursive: true, force: true });
  mkdirSync(benchDir, { recursive: true });
  const toxiproxy = await ToxiproxyService.start(benchDir);
  const rows: Record<string, number[]> = {};
  /** Where the start-up time goes, by phase (support/stack/stack.ts marks them), samples per phase. */
  const startup: Record<string, number[]> = {};
  const add = (table: Record<string, number[]>, k: string, v: number): void => {
    table[k] ??= [];
    table[k].push(v);
  };
  const push = (k: string, v: number): void => add(rows, k, v);
  let failedTasks = 0;
  try {
    for (let i = 0; i < runs; i++) {
      push('baseline_node_start_ms', Math.round(m.nodeBaselineMs()));
      const { stack, readyMs, phases } = await m.startStack(profile, benchDir, toxiproxy, `start-${i}`, 3);
      push('stack_ready_ms', readyMs);
      for (const [phase, ms] of Object.entries(phases)) add(startup, phase, ms);
      push('one_stream_tokens_per_s', await m.tokensPerSecondOneStream(stack));
      const crash = await m.crashAndRestart(stack);
      push('crash_detect_ms', crash.detectMs);
      push('restart_to_ready_ms', crash.readyMs);
      push('orchestrator_restart_to_serving_ms', await m.orchestratorRestartToServing(stack));
      await stack.stop();
      const series = await m.startStack(profile, benchDir, toxiproxy, `series-${i}`, 1, { 'restart-initial-ms': '100' });
      const delays = await m.restartSeries(series.stack);
      delays.forEach((d, k) => push(`restart_delay_${k + 1}_ms`, d));
      await series.stack.stop();
    }
    for (let i = 0; i < Math.min(runs, 3); i++) {
      // The killed replica stays down for the whole measurement: its restart is a minute away.
      const one = await m.startStack(profile, benchDir, toxiproxy, `goodput-${i}`, 3, { 'restart-initial-ms': '60000' });
      const g = await m.goodputOneKilled(one.stack, loadMs);
      failedTasks += g.base.failed + g.degraded.failed;
      push('goodput_3_replicas_tps', g.base.tokensPerS);
      push('goodput_1_of_3_killed_tps', g.degraded.tokensPerS);
      push('goodput_1_of_3_killed_ratio_x1000', Math.round((1000 * g.degraded.tokensPerS) / g.base.tokensPerS));
      await one.stack.stop();
      const rolling = await m.startStack(profile, benchDir, toxiproxy, `rolling-${i}`, 3, {
        'restart-initial-ms': '200',
        'migration-limit': '1',
      });
      const r = await m.goodputRolling(rolling.stack, loadMs);
      failedTasks += r.failed;
      push('goodput_rolling_ratio_x1000', Math.round((1000 * r.rolling) / r.base));
      await rolling.stack.stop();
      if (process.getuid?.() === 0) {
        const cpu = await m.startStack(profile, benchDir, toxiproxy, `cpu-${i}`, 3, { 'engine-cpu-ms-per-token': '2' });
        const c = await m.goodputCpuStarved(cpu.stack, loadMs, `llorch_${ownerTag.replace(':', 'x')}_bench${i}_cpu`);
        failedTasks += c.failed;
        push('goodput_cpu_starved_ratio_x1000', Math.round((1000 * c.starved) / c.base));
        await cpu.stack.stop();
      }
    }
  } finally {
    await toxiproxy.stop();
  }
  const serial = suiteRuns(Number(values['suite-runs']), 1);
  const workers = Number(values.workers);
  const parallel = workers > 1 ? suiteRuns(Number(values['suite-runs']), workers) : { walls: [], cpus: [], measures: [], splits: [] };
  // The split of the serial run of median total: scenarios timed one at a time, as each costs alone.
  const split = [...serial.splits].sort((a, b) => a.total_ms - b.total_ms)[Math.floor((serial.splits.length - 1) / 2)];
  const recovery = new Map<string, { detect: number[]; recover: number[] }>();
  for (const [scenario, x] of serial.measures) {
    const e = recovery.get(scenario) ?? { detect: [], recover: [] };
    if (x.time_to_detect_ms !== undefined) e.detect.push(x.time_to_detect_ms);
    if (x.time_to_recover_ms !== undefined) e.recover.push(x.time_to_recover_ms);
    recovery.set(scenario, e);
  }
  const medians = Object.fromEntries(Object.entries(rows).map(([k, v]) => [k, m.median(v)]));
  const report = {
    profile: values.profile,
    machine: { cores: os.cpus().length, node: process.version },
    runs,
    medians,
    stack_start_breakdown_ms: Object.fromEntries(Object.entries(startup).map(([k, v]) => [k, m.median(v)])),
    ratios_to_node_start: { stack_ready: +(medians.stack_ready_ms / medians.baseline_node_start_ms).toFixed(1) },
    suite_wall_ms: {
      serial: serial.walls,
      serial_median: m.median(serial.walls),
      parallel_workers: workers,
      parallel: parallel.walls,
      parallel_median: parallel.walls.length ? m.median(parallel.walls) : null,
    },
    suite_cpu_ms: { serial: serial.cpus, parallel: parallel.cpus, cores: os.cpus().length },
    recovery_by_scenario: Object.fromEntries(
      [...recovery].map(([k, v]) => [
        k,
        {
          time_to_detect_ms: v.detect.length ? m.median(v.detect) : null,
          time_to_recover_ms: v.recover.length ? m.median(v.recover) : null,
        },
      ]),
    ),
    time_split: split,
    goodput_failed_or_refused_tasks: failedTasks,
    samples: rows,
    budgets: { stack_ready_ms: 500, crash_detect_ms: 100, restart_to_ready_ms: 1000, suite_wall_ms: 40_000, goodput_ratio: 0.6 },
  };
  const name = path.basename(values.profile!, '.json');
  writeFileSync(path.join(root, 'reports', name === 'reference' ? 'bench.json' : `bench-${name}.json`), JSON.stringify(report, null, 2));
  console.log(`bench on ${values.profile} (${runs} runs, medians; baseline bare node start ${medians.baseline_node_start_ms} ms)`);
  for (const [k, v] of Object.entries(medians)) console.log(`  ${k.padEnd(40)} ${v}`);
  console.log('  stack start-up, where the time goes (medians, ms):');
  for (const [k, v] of Object.entries(report.stack_start_breakdown_ms)) console.log(`    ${k.padEnd(38)} ${v}`);
  console.log(`  suite wall time, serial                   ${report.suite_wall_ms.serial_median} ms (runs ${serial.walls.join(', ')})`);
  if (parallel.walls.length)
    console.log(
      `  suite wall time, ${workers} workers              ${report.suite_wall_ms.parallel_median} ms (runs ${parallel.walls.join(', ')})`,
    );
  if (parallel.walls.length)
    console.log(
      `  serial / parallel wall time                ${(report.suite_wall_ms.serial_median / m.median(parallel.walls)).toFixed(2)}`,
    );
  for (const line of cpuLines(serial.cpus, parallel.cpus, parallel.walls, workers)) console.log(line);
  if (split) for (const line of splitLines(split)) console.log(line);
  console.log(`  goodput tasks failed or refused: ${failedTasks}`);
}

/**
 * The suite's CPU (medians), and the floor it sets: no number of workers runs the catalogue in less wall time than its
 * CPU divided by the cores.
 */
function cpuLines(serial: number[], parallel: number[], parallelWalls: number[], workers: number): string[] {
  if (serial.length === 0 || serial.some(Number.isNaN)) return [];
  const cores = os.cpus().length;
  const s = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
  const line = (label: string, value: string): string => `  ${label.padEnd(41)}${value}`;
  const lines = [line('suite CPU (user + system), serial', `${s(m.median(serial))} (runs ${serial.map(s).join(', ')})`)];
  if (parallel.length) {
    const used = m.median(parallel) / (m.median(parallelWalls) * cores);
    const runs = `${s(m.median(parallel))} (runs ${parallel.map(s).join(', ')})`;
    lines.push(
      line(`suite CPU (user + system), ${workers} workers`, `${runs}, ${Math.round(100 * used)} % of ${cores} cores over its wall time`),
    );
  }
  lines.push(line(`the floor that CPU sets on ${cores} cores`, s(m.median(parallel.length ? parallel : serial) / cores)));
  return lines;
}

main().catch((err) => {
  console.error(`bench: ${(err as Error).stack}`);
  process.exit(1);
});
