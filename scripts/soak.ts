/**
 * The suite under repetition: runs the whole chaos suite `--runs` times (each bounded by `--timeout-s`, all by
 * `--max-minutes`), then writes reports/<report>.json and prints, per scenario, its pass rate, median and worst
 * duration and every failure's message, and the waits that came closest to their limits. Exits 1 on any failure.
 *
 * With `--stress N`, N busy loops (one per core to saturate the machine) compete with the suite for the CPU during
 * every run; each loop ends by itself at the soak's time bound and is killed when the soak ends. A scenario that fails
 * only then, or a wait that uses most of its limit, is a flake waiting to happen on a busy machine.
 *
 *   npm run soak -- --runs 20 [--parallel N] [--profile p]          reports/soak.json
 *   npm run stress                                                   = soak --runs 3 --stress 2 --report stress
 *
 * Without `--parallel`, each run has the workers `-p ci` gives the profile (2, or its maxWorkers if fewer).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { commandLine } from './cli';
import { share } from '../support/core/wait-journal';
import { failed, readScenarioRuns, type WaitUse } from '../support/report/run-messages';

const root = path.resolve(__dirname, '..');
const { values } = commandLine('soak', {
  options: {
    runs: { type: 'string', default: '20' },
    parallel: { type: 'string' },
    profile: { type: 'string', default: 'profiles/reference.json' },
    'timeout-s': { type: 'string', default: '600' },
    'max-minutes': { type: 'string', default: '120' },
    stress: { type: 'string', default: '0' },
    report: { type: 'string', default: 'soak' },
  },
});
const deadline = Date.now() + Number(values['max-minutes']) * 60_000;
const results = new Map<string, { durations: number[]; failures: string[]; runs: number }>();
/** Per scenario and wait condition, the use closest to its limit over all runs. */
const waits = new Map<string, WaitUse & { scenario: string; run: number }>();
const walls: number[] = [];

/** N busy loops, each ending by itself at the soak's deadline. */
function startStressors(n: number): ChildProcess[] {
  const loop = `const end = ${deadline}; while (Date.now() < end) {}`;
  return Array.from({ length: n }, () => spawn(process.execPath, ['-e', loop], { stdio: 'ignore' }));
}
const stressors = startStressors(Number(values.stress));
process.once('exit', () => {
  for (const s of stressors) s.kill('SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

const runs = Number(values.runs);
let done = 0;
for (let i = 0; i < runs && Date.now() < deadline; i++) {
  const dir = path.join('reports', values.report!, `run-${i + 1}`);
  const started = Date.now();
  const run = spawnSync('npx', ['cucumber-js', '-p', 'ci'], {
    cwd: root,
    encoding: 'utf8',
    env: {
      ...process.env,
      ...(values.parallel === undefined ? {} : { CHAOS_WORKERS: String(Math.max(1, Number(values.parallel))) }),
      CHAOS_PROFILE: values.profile,
      CHAOS_REPORTS_DIR: dir,
    },
    timeout: Math.min(Number(values['timeout-s']) * 1000, Math.max(1000, deadline - Date.now())),
    killSignal: 'SIGINT',
  });
  walls.push(Date.now() - started);
  done++;
  const scenarios = readScenarioRuns(path.join(root, dir, 'messages.ndjson'));
  for (const s of scenarios) {
    const r = results.get(s.name) ?? { durations: [], failures: [], runs: 0 };
    r.runs++;
    r.durations.push(s.ms);
    if (failed(s)) r.failures.push(`run ${i + 1}: ${s.message ?? s.status}`);
    results.set(s.name, r);
    for (const w of s.evidence?.waits ?? []) {
      const key = `${s.name}\n${w.condition}`;
      const prev = waits.get(key);
      if (!prev || share(w) > share(prev)) waits.set(key, { ...w, scenario: s.name, run: i + 1 });
    }
  }
  const failedCount = scenarios.filter(failed).length;
  console.log(
    `${values.report} run ${i + 1}/${runs}: exit ${run.status}, ${scenarios.length} scenarios, ${failedCount} failed, ${Math.round(walls.at(-1)! / 1000)} s`,
  );
  // An interrupted run (Ctrl-C reaches the suite too) ends the soak: spawnSync holds the signal handlers until here.
  if (run.status === 130 || run.signal === 'SIGINT' || run.signal === 'SIGTERM') {
    console.log(`${values.report}: interrupted during run ${i + 1}; stopping`);
    break;
  }
}
for (const s of stressors) s.kill('SIGKILL');

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const table = [...results].map(([name, r]) => ({
  name,
  passRate: `${r.runs - r.failures.length}/${r.runs}`,
  medianMs: median(r.durations),
  worstMs: Math.max(...r.durations),
  failures: r.failures,
}));
const failures = table.reduce((n, t) => n + t.failures.length, 0);
// The waits that came closest to their limits: half of the limit or more, worst first.
const byShare = [...waits.values()].sort((a, b) => share(b) - share(a));
const tight = byShare.filter((w) => share(w) >= 0.5);
/** One wait's line: its share of its limit, what it waited for, where and in which run. */
const waitLine = (w: (typeof byShare)[number]): string =>
  `  ${String(Math.round(share(w) * 100)).padStart(3)} %  ${w.met ? `${w.usedMs} of ${w.limitMs} ms` : `not met in ${w.limitMs} ms`}  ${w.condition}  (${w.scenario}, run ${w.run})`;
mkdirSync(path.join(root, 'reports'), { recursive: true });
writeFileSync(
  path.join(root, 'reports', `${values.report}.json`),
  JSON.stringify(
    {
      runs: done,
      profile: values.profile,
      // null: the workers cucumber.js gives the profile.
      parallel: values.parallel === undefined ? null : Number(values.parallel),
      stressors: stressors.length,
      wallMs: walls,
      failures,
      scenarios: table,
      tightWaits: tight,
      worstWait: byShare[0],
    },
    null,
    2,
  ),
);
const load = stressors.length ? ` with ${stressors.length} busy loops competing for the CPU` : '';
console.log(
  `${values.report}: ${done} runs${load}, ${failures} scenario failures; wall times ${walls.map((w) => Math.round(w / 1000)).join(', ')} s (median ${Math.round(median(walls) / 1000)} s)`,
);
for (const t of table)
  console.log(
    `  ${t.passRate.padStart(5)}  median ${String(t.medianMs).padStart(6)} ms  worst ${String(t.worstMs).padStart(6)} ms  ${t.name}`,
  );
for (const t of table.filter((x) => x.failures.length)) for (const f of t.failures) console.log(`  FAILED ${t.name}: ${f}`);
if (tight.length > 0) console.log(['waits that used half their limit or more (worst run):', ...tight.map(waitLine)].join('\n'));
else console.log(`no wait used half its limit or more; the closest:\n${byShare[0] ? waitLine(byShare[0]) : '  (no wait recorded)'}`);
process.exit(failures === 0 && done === runs ? 0 : 1);
