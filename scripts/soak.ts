/**
 * The suite under repetition: runs the whole chaos suite `--runs` times (each bounded by `--timeout-s`, all by
 * `--max-minutes`), then writes reports/soak.json and prints, per scenario, its pass rate, median and worst duration
 * and every failure's message. Exits 1 on any failure. Usage: npm run soak -- --runs 20 [--parallel 2] [--profile p].
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

const root = path.resolve(__dirname, '..');
const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '20' },
    parallel: { type: 'string', default: '2' },
    profile: { type: 'string', default: 'profiles/reference.json' },
    'timeout-s': { type: 'string', default: '600' },
    'max-minutes': { type: 'string', default: '120' },
  },
});
const deadline = Date.now() + Number(values['max-minutes']) * 60_000;
const results = new Map<string, { durations: number[]; failures: string[]; runs: number }>();
const walls: number[] = [];

/** Each scenario's status, duration and first failure in one run's messages. */
function scenariosOf(file: string): { name: string; status: string; ms: number; message?: string }[] {
  const names = new Map<string, string>();
  const testCases = new Map<string, string>();
  const started = new Map<string, { pickle: string; at: number }>();
  const out = new Map<string, { name: string; status: string; ms: number; message?: string }>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line) continue;
    const e = JSON.parse(line);
    const ms = (t: { seconds: number; nanos: number }): number => t.seconds * 1000 + t.nanos / 1e6;
    if (e.pickle) names.set(e.pickle.id, e.pickle.name);
    if (e.testCase) testCases.set(e.testCase.id, e.testCase.pickleId);
    if (e.testCaseStarted) {
      const pickle = testCases.get(e.testCaseStarted.testCaseId)!;
      started.set(e.testCaseStarted.id, { pickle, at: ms(e.testCaseStarted.timestamp) });
      out.set(pickle, { name: names.get(pickle)!, status: 'PASSED', ms: 0 });
    }
    const r = e.testStepFinished?.testStepResult;
    if (r && r.status !== 'PASSED' && r.status !== 'SKIPPED') {
      const o = out.get(started.get(e.testStepFinished.testCaseStartedId)!.pickle)!;
      if (o.status === 'PASSED')
        Object.assign(o, {
          status: r.status,
          message: String(r.message ?? '')
            .split('\n')[0]
            .slice(0, 300),
        });
    }
    if (e.testCaseFinished) {
      const s = started.get(e.testCaseFinished.testCaseStartedId)!;
      out.get(s.pickle)!.ms = Math.round(ms(e.testCaseFinished.timestamp) - s.at);
    }
  }
  return [...out.values()];
}

const runs = Number(values.runs);
let done = 0;
for (let i = 0; i < runs && Date.now() < deadline; i++) {
  const dir = path.join('reports', 'soak', `run-${i + 1}`);
  const args = ['cucumber-js', '-p', 'ci'];
  const started = Date.now();
  const run = spawnSync('npx', args, {
    cwd: root,
    encoding: 'utf8',
    env: {
      ...process.env,
      CHAOS_WORKERS: String(Math.max(1, Number(values.parallel))),
      CHAOS_PROFILE: values.profile,
      CHAOS_REPORTS_DIR: dir,
    },
    timeout: Number(values['timeout-s']) * 1000,
    killSignal: 'SIGINT',
  });
  walls.push(Date.now() - started);
  done++;
  let scenarios: ReturnType<typeof scenariosOf> = [];
  try {
    scenarios = scenariosOf(path.join(root, dir, 'messages.ndjson'));
  } catch {
    /* the run produced no messages: counted below */
  }
  for (const s of scenarios) {
    const r = results.get(s.name) ?? { durations: [], failures: [], runs: 0 };
    r.runs++;
    r.durations.push(s.ms);
    if (s.status !== 'PASSED' && s.status !== 'SKIPPED') r.failures.push(`run ${i + 1}: ${s.message ?? s.status}`);
    results.set(s.name, r);
  }
  const failed = scenarios.filter((s) => s.status !== 'PASSED' && s.status !== 'SKIPPED').length;
  console.log(
    `soak run ${i + 1}/${runs}: exit ${run.status}, ${scenarios.length} scenarios, ${failed} failed, ${Math.round(walls.at(-1)! / 1000)} s`,
  );
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const table = [...results].map(([name, r]) => ({
  name,
  passRate: `${r.runs - r.failures.length}/${r.runs}`,
  medianMs: median(r.durations),
  worstMs: Math.max(...r.durations),
  failures: r.failures,
}));
const failures = table.reduce((n, t) => n + t.failures.length, 0);
mkdirSync(path.join(root, 'reports'), { recursive: true });
writeFileSync(
  path.join(root, 'reports', 'soak.json'),
  JSON.stringify(
    { runs: done, profile: values.profile, parallel: Number(values.parallel), wallMs: walls, failures, scenarios: table },
    null,
    2,
  ),
);
console.log(
  `soak: ${done} runs, ${failures} scenario failures; wall times ${walls.map((w) => Math.round(w / 1000)).join(', ')} s (median ${Math.round(median(walls) / 1000)} s)`,
);
for (const t of table)
  console.log(
    `  ${t.passRate.padStart(5)}  median ${String(t.medianMs).padStart(6)} ms  worst ${String(t.worstMs).padStart(6)} ms  ${t.name}`,
  );
for (const t of table.filter((x) => x.failures.length)) for (const f of t.failures) console.log(`  FAILED ${t.name}: ${f}`);
process.exit(failures === 0 && done === runs ? 0 : 1);
