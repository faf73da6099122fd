/**
 * The mutation check of the suite itself: applies, one at a time, each behaviour-breaking change of
 * scripts/mutants/catalogue.ts to a copy of the reference stack, builds it, runs the chaos suite against it (a copy of
 * the reference profile pointing at the mutant's build: a profile change, not a code change) and records whether the
 * suite caught it and which scenario did. Every mutant must be killed; a survivor is a gap in the suite.
 * Writes reports/mutants.json and reports/mutants.html; exits 1 when a mutant survives or cannot be built.
 * Usage: npm run mutants [-- --only id,id --timeout-s 300 --full]. Each mutant first meets the scenarios tagged with the
 * requirement it breaks, then, if they miss it, the rest (reported as killed only by an unrelated scenario). Without
 * --full, a run stops at its first failing scenario (--fail-fast): enough to know the mutant is killed, and faster.
 * --jobs N mutants run at once, each job slot one long-lived process (scripts/mutants/job.ts) that loads the suite once;
 * a part's @serial scenarios still run alone on the machine (scripts/mutants/suite-runs.ts). The slots take the mutants
 * in the order of scripts/mutants/order.ts (from the last check's killers: longest first, those a @serial scenario
 * killed last). A check of the whole catalogue rewrites scripts/mutants/last-killers.json (scripts/mutants/killers.ts):
 * commit it, so that a fresh clone's first check starts from the same hints.
 * With --explore [--budget-per-mutant 3m --seed 1 --target N], no scenario runs: the explorer alone hunts each mutant
 * (scripts/mutants/explore.ts), and reports/mutants-explore.html says which it found and with what scenario. The k-th
 * mutant of the catalogue is hunted with seed S + k: each seed weighs the faults its own way (swarm testing), and one
 * seed for all would leave the kinds it weighs least undrawn for every mutant alike.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { commandLine } from './cli';
import { caughtHow, renderMutantsHtml, type MutantResult } from '../support/report/mutants';
import type { ScenarioTags } from '../support/report/tag-lint';
import { MUTANTS } from './mutants/catalogue';
import { type ExploredMutant, exploreMutant, writeExploreReport } from './mutants/explore';
import { lastKillers, saveKillers } from './mutants/killers';
import { runOrder } from './mutants/order';
import { typeCheckMutants } from './mutants/type-check';
import { type Selection, SuiteRunner, stripeEnv } from './mutants/suite-runs';

const root = path.resolve(__dirname, '..');
const { values } = commandLine('mutants', {
  options: {
    only: { type: 'string' },
    'timeout-s': { type: 'string', default: '300' },
    full: { type: 'boolean', default: false },
    explore: { type: 'boolean', default: false },
    'budget-per-mutant': { type: 'string', default: '3m' },
    seed: { type: 'string', default: '1' },
    /** With --explore: exit non-zero when the explorer finds fewer mutants than this. */
    target: { type: 'string' },
    /** Mutants run at once, each on one worker and its own port stripe (2 on 2 cores, as the catalogue's workers). */
    jobs: { type: 'string', default: '2' },
  },
});
const explored: ExploredMutant[] = [];
if (values.target !== undefined && !(Number.isInteger(Number(values.target)) && Number(values.target) >= 0)) {
  console.error(`mutants: --target must be a whole number of mutants ≥ 0, got "${values.target}"`);
  process.exit(2);
}
const JOBS = Number(values.jobs);
if (!(Number.isInteger(JOBS) && JOBS >= 1 && JOBS <= 4)) {
  console.error(`mutants: --jobs must be a whole number from 1 to 4, got "${values.jobs}"`);
  process.exit(2);
}
const RUNNER = new SuiteRunner(root, JOBS, Number(values['timeout-s']), !values.full);
const only = values.only?.split(',').map((s) => s.trim());
const chosen = MUTANTS.filter((m) => !only || only.includes(m.id));
if (only && chosen.length !== only.length) {
  console.error(
    `mutants: unknown id(s): ${only.filter((id) => !MUTANTS.some((m) => m.id === id)).join(', ')} (known: ${MUTANTS.map((m) => m.id).join(', ')})`,
  );
  process.exit(2);
}

/**
 * Copies the stack once per mutant and applies its change; returns why a mutant cannot be run (its text not found
 * exactly once), by id.
 */
function prepareMutants(): Map<string, string> {
  const invalid = new Map<string, string>();
  for (const m of chosen) {
    const dir = path.join(root, '.mutants', m.id);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    cpSync(path.join(root, 'sut'), path.join(dir, 'sut'), { recursive: true });
    const file = path.join(dir, m.file);
    const source = readFileSync(file, 'utf8');
    const count = source.split(m.find).length - 1;
    if (count !== 1) invalid.set(m.id, `the text to change occurs ${count} times in ${m.file}, not once`);
    else writeFileSync(file, source.replace(m.find, m.replace));
  }
  return invalid;
}

async function runMutant(m: (typeof MUTANTS)[number], invalid: string | undefined, slot: number): Promise<MutantResult> {
  const started = Date.now();
  const dir = path.join(root, '.mutants', m.id);
  const base = { id: m.id, requirement: m.requirement, breaks: m.breaks, file: m.file };
  if (invalid) return { ...base, status: 'invalid', detail: invalid.slice(0, 500), scenarios: [], ms: 0 };
  const build = await buildMutant(dir);
  if (build.status !== 0)
    return {
      ...base,
      status: 'invalid',
      detail: `does not build: ${build.stdout}${build.stderr}`.slice(0, 500),
      scenarios: [],
      ms: Date.now() - started,
    };
  const profile = readFileSync(path.join(root, 'profiles', 'reference.json'), 'utf8').replaceAll('dist/sut/', `.mutants/${m.id}/dist/sut/`);
  const profileFile = path.join(dir, 'profile.json');
  writeFileSync(profileFile, profile);
  if (values.explore) {
    const budget = values['budget-per-mutant'];
    const seed = Number(values.seed) + MUTANTS.indexOf(m);
    const found = await exploreMutant(root, m.id, path.relative(root, profileFile), budget, seed, stripeEnv(slot));
    explored.push({ ...base, ...found, seed, ms: Date.now() - started });
    return { ...base, status: found.found ? 'killed' : 'survived', detail: found.detail, scenarios: [], ms: Date.now() - started };
  }
  // First the scenario of the mutant's requirement that killed it in the last check (alone, on one worker: a kill
  // there is a kill by the requirement's own scenarios, found without running those before it), then the scenarios
  // that trace to the requirement; only if none of them catches it, the rest: a mutant killed only there is reported
  // as such (the requirement's own scenarios missed it).
  const killer = LAST_KILLERS.get(m.id)?.killer;
  const tagged = (s: ScenarioTags): boolean => s.tags.includes(`@${m.requirement}`);
  const suite = (part: string, selection: Selection) => RUNNER.run(m.id, profileFile, part, selection, slot);
  const hinted = killer
    ? await suite('last-killer', { tags: `@${m.requirement}`, name: nameRegex(killer), selects: (s) => tagged(s) && s.name === killer })
    : undefined;
  const own = hinted?.killed ? hinted : await suite('own', { tags: `@${m.requirement}`, selects: tagged });
  const rest = own.killed ? undefined : await suite('rest', { tags: `not @${m.requirement}`, selects: (s) => !tagged(s) });
  const run = rest ?? own;
  const detail = run.error ? `suite run ended: ${run.error}` : run.killed ? run.scenarios[0].message : 'suite passed';
  return {
    ...base,
    status: run.killed ? 'killed' : 'survived',
    byRequirement: run.killed ? run === own : undefined,
    detail,
    scenarios: [...own.scenarios, ...(rest?.scenarios ?? [])],
    ms: Date.now() - started,
  };
}

/** Bundles a mutated stack as npm install does (typeCheckMutants has checked it). */
async function buildMutant(dir: string): Promise<{ status: number | undefined; stdout: string; stderr: string }> {
  const args = [path.join(root, 'scripts', 'build-sut.js'), path.join(dir, 'sut'), path.join(dir, 'dist', 'sut')];
  const run = await execa('node', args, { cwd: root, reject: false });
  return { status: run.exitCode, stdout: String(run.stdout), stderr: String(run.stderr) };
}

/** A scenario's name as a `--name` pattern that matches it alone. */
function nameRegex(name: string): string {
  return `^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`;
}

const LAST_KILLERS = lastKillers(root);

const results: MutantResult[] = [];

async function main(): Promise<void> {
  if (values.explore)
    console.log(
      `mutants: the explorer alone (no scenario), ${values['budget-per-mutant']} per mutant, seeds from ${values.seed} (the k-th mutant of the catalogue: seed + k)`,
    );
  const prepared = Date.now();
  const invalid = prepareMutants();
  console.log(`mutants: ${chosen.length} prepared in ${((Date.now() - prepared) / 1000).toFixed(0)} s`);
  const typeChecked = RUNNER.occupy(() =>
    typeCheckMutants(
      root,
      path.join(root, '.mutants'),
      chosen.filter((m) => !invalid.has(m.id)).map((m) => m.id),
    ),
  );
  // Awaited only once the mutants have run: a type-check that fails meanwhile must not end the process as an unhandled
  // rejection in the middle of a run (it rejects again where it is awaited, and main's catch reports it).
  typeChecked.catch(() => undefined);
  // JOBS slots take the mutants in the order of scripts/mutants/order.ts; each result is printed when it is known.
  const queue = values.explore ? [...chosen] : runOrder(chosen, LAST_KILLERS, (name) => RUNNER.isSerial(name));
  // A hunt costs minutes per mutant: the explorer waits for the type-check rather than hunt a mutant that is invalid.
  const notCompiling = values.explore ? await typeChecked : undefined;
  for (const [id, why] of notCompiling ?? []) invalid.set(id, `does not compile: ${why}`);
  async function slotLoop(slot: number): Promise<void> {
    for (let m = queue.shift(); m; m = queue.shift()) {
      const r = await runMutant(m, invalid.get(m.id), slot);
      results.push(r);
      // The explorer's report grows with each mutant: a hunt stopped midway still says what it found.
      if (values.explore) writeExploreReport(root, explored);
      const how = values.explore
        ? r.status === 'killed'
          ? 'FOUND by the explorer'
          : 'NOT FOUND by the explorer'
        : caughtHow(r).toUpperCase();
      console.log(
        `mutant ${m.id} (${m.requirement}: ${m.breaks}): ${how} in ${(r.ms / 1000).toFixed(0)} s${r.scenarios[0] ? ` ("${r.scenarios[0].name}")` : ''}`,
      );
    }
  }
  await Promise.all(Array.from({ length: Math.min(JOBS, chosen.length) }, (_, slot) => slotLoop(slot)));
  RUNNER.close();
  for (const [id, why] of notCompiling ? [] : await typeChecked) {
    const r = results.find((x) => x.id === id);
    if (!r) continue;
    Object.assign(r, { status: 'invalid', detail: `does not compile: ${why}`.slice(0, 500), byRequirement: undefined });
    console.log(`mutant ${id}: INVALID, it does not compile (whatever its run showed): ${why.split('\n')[0]}`);
  }
  results.sort((a, b) => MUTANTS.findIndex((x) => x.id === a.id) - MUTANTS.findIndex((x) => x.id === b.id));
  explored.sort((a, b) => MUTANTS.findIndex((x) => x.id === a.id) - MUTANTS.findIndex((x) => x.id === b.id));
  if (values.explore) {
    writeExploreReport(root, explored);
    if (existsSync(path.join(root, '.mutants'))) rmSync(path.join(root, '.mutants'), { recursive: true, force: true });
    const found = explored.filter((e) => e.found).length;
    const target = values.target === undefined ? explored.length : Number(values.target);
    console.log(`mutants: the explorer found ${found} of ${explored.length}, target ${target} (reports/mutants-explore.html)`);
    process.exit(found >= target ? 0 : 1);
  }
  // This run's own count: with --only, the report below also holds the other mutants' earlier results.
  const ranKilled = results.filter((r) => r.status === 'killed').length;
  const ran = results.length;
  // With --only, the other mutants keep their results from the last full check (if any): the report stays whole.
  const reportFile = path.join(root, 'reports', 'mutants.json');
  if (only && existsSync(reportFile)) {
    const previous = (JSON.parse(readFileSync(reportFile, 'utf8')) as { results: MutantResult[] }).results;
    for (const p of previous) if (!results.some((r) => r.id === p.id) && MUTANTS.some((x) => x.id === p.id)) results.push(p);
    results.sort((a, b) => MUTANTS.findIndex((x) => x.id === a.id) - MUTANTS.findIndex((x) => x.id === b.id));
  }
  const killed = results.filter((r) => r.status === 'killed').length;
  const report = {
    generated: new Date().toISOString(),
    total: results.length,
    killed,
    score: results.length ? killed / results.length : 0,
    results,
  };
  mkdirSync(path.join(root, 'reports'), { recursive: true });
  writeFileSync(reportFile, JSON.stringify(report, null, 2));
  writeFileSync(path.join(root, 'reports', 'mutants.html'), renderMutantsHtml(report));
  if (!only) saveKillers(root, results);
  if (existsSync(path.join(root, '.mutants'))) rmSync(path.join(root, '.mutants'), { recursive: true, force: true });
  const took = `${((Date.now() - prepared) / 1000).toFixed(0)} s`;
  const whole = ran === results.length ? '' : `; the report keeps the others' earlier results: ${killed} of ${results.length} killed`;
  console.log(`mutants: ${ranKilled} of ${ran} killed in ${took}${whole} (reports/mutants.html)`);
  process.exit(ranKilled === ran ? 0 : 1);
}

main().catch((e: unknown) => {
  console.error(`mutants: ${e instanceof Error ? e.stack : String(e)}`);
  process.exit(2);
});
