/**
 * `npm run mutants -- --explore`: the explorer alone, no scenario, against each mutant. Per mutant: whether the
 * explorer's shrunk scenario, run by cucumber-js, fails against the mutant and passes against the unbroken stack,
 * each of REPLAYS runs: only then is the mutant found (a failing schedule whose scenario does not reproduce is not a
 * find, only a lead); after how many schedules; the shrunk scenario.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import type { ExploreReport } from '../../support/report/explore-html';

export interface ExploredMutant {
  id: string;
  requirement: string;
  breaks: string;
  found: boolean;
  detail: string;
  /** Schedules explored until the first failure (or in all, when none failed). */
  schedules: number;
  /** The seed it was hunted with (its fault weights and schedules). */
  seed?: number;
  signature?: string;
  file?: string;
  steps?: number;
  /** Of REPLAYS runs of the shrunk scenario: how many failed against the mutant, how many passed on the reference. */
  failsOnMutant?: number;
  passesOnReference?: number;
  ms: number;
}

/** Runs the explorer against a mutant's profile for `budget`, then its shrunk scenario on the mutant and the reference. */
export async function exploreMutant(
  root: string,
  id: string,
  profile: string,
  budget: string,
  seed: number,
  env: Record<string, string>,
): Promise<Omit<ExploredMutant, 'id' | 'requirement' | 'breaks' | 'ms'>> {
  const out = path.join('reports', 'mutants', id, 'explore');
  const args = [
    'run',
    '-s',
    'explore',
    '--',
    '--profile',
    profile,
    '--seed',
    String(seed),
    '--budget',
    budget,
    '--shrink-budget',
    budget,
    '--out',
    out,
  ];
  const run = await execa('npm', args, { cwd: root, reject: false, env: { ...env, CHAOS_REPORTS_DIR: path.join(out, 'runs') } });
  const reportFile = path.join(root, out, 'explore.json');
  if (!existsSync(reportFile))
    return { found: false, schedules: 0, detail: `the explorer wrote no report (exit ${run.exitCode}): ${String(run.stderr).slice(-400)}` };
  const report = JSON.parse(readFileSync(reportFile, 'utf8')) as ExploreReport;
  const explored = report.tried.filter((t) => t.phase === 'explore').length;
  const f = report.failure;
  if (!f) return { found: false, schedules: explored, detail: `no failing schedule in ${explored} schedules` };
  const unbrokenFailures: string[] = [];
  const scenario = async (profileFile: string) => {
    const r = await execa('npx', ['cucumber-js', f.file, '--format', 'summary'], {
      cwd: root,
      reject: false,
      env: { ...env, CHAOS_PROFILE: profileFile, CHAOS_REPORTS_DIR: path.join(out, 'replay') },
    });
    // What failed on the unbroken stack is a lead of its own (a fault of the stack or the suite): keep its message.
    if (r.exitCode !== 0 && profileFile === REFERENCE) unbrokenFailures.push(firstError(String(r.stdout)));
    return r.exitCode;
  };
  const runs = async (profileFile: string, want: number): Promise<number> => {
    let matched = 0;
    for (let i = 0; i < REPLAYS; i++) {
      const status = await scenario(profileFile);
      if (want === 0 ? status === 0 : status !== 0) matched++;
    }
    return matched;
  };
  // The explorer has already run the written scenario against the mutant REPLAYS times: when the same check failed in
  // each, those runs are the mutant's and are not run again; otherwise any failure counts, so they are run here (a
  // failure of several checks at once may fail fewer of them in a rerun, and still fail: seen on a silent truncation).
  const failsOnMutant = f.reproduceRuns === REPLAYS && f.reproduced === REPLAYS ? REPLAYS : await runs(profile, 1);
  const passesOnReference = await runs(REFERENCE, 0);
  const reproduces = failsOnMutant === REPLAYS && passesOnReference === REPLAYS;
  return {
    found: reproduces,
    schedules: f.firstSchedule,
    signature: f.signature,
    file: f.file,
    steps: f.steps,
    failsOnMutant,
    passesOnReference,
    detail: `${f.signature}; shrunk to ${f.steps} steps; its scenario failed against the mutant in ${failsOnMutant} of ${REPLAYS} runs and passed against the unbroken stack in ${passesOnReference} of ${REPLAYS}${reproduces ? '' : ': not a reproduction, so not found'}${unbrokenFailures.length ? `; on the unbroken stack: ${unbrokenFailures.join(' | ')}` : ''}`,
  };
}

const REFERENCE = 'profiles/reference.json';

/** The first error line of a Cucumber run's output (its failing step's message), shortened. */
function firstError(stdout: string): string {
  const line = stdout.split('\n').find((l) => /Error\b/.test(l));
  return (line ?? 'failed, no error line in its output').trim().slice(0, 400);
}

/** How often the shrunk scenario is run against the mutant, and against the unbroken stack. */
export const REPLAYS = 3;

const esc = (s: string): string => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

export function writeExploreReport(root: string, results: ExploredMutant[]): void {
  const found = results.filter((r) => r.found).length;
  const leads = results.filter((r) => !r.found && r.file).length;
  mkdirSync(path.join(root, 'reports'), { recursive: true });
  writeFileSync(
    path.join(root, 'reports', 'mutants-explore.json'),
    JSON.stringify({ generated: new Date().toISOString(), found, leads, results }, null, 2),
  );
  const rows = results
    .map(
      (r) =>
        `<tr><td>${esc(r.id)}</td><td>${esc(r.requirement)}</td><td>${esc(r.breaks)}</td><td>${r.found ? 'FOUND' : 'not found'}</td><td>${r.seed ?? ''}</td><td>${r.schedules}</td><td>${r.file ? `<code>${esc(r.file)}</code> (${r.steps} steps)` : '—'}</td><td>${esc(r.detail)}</td><td>${(r.ms / 1000).toFixed(0)} s</td></tr>`,
    )
    .join('\n');
  writeFileSync(
    path.join(root, 'reports', 'mutants-explore.html'),
    `<!doctype html><html><head><meta charset="utf-8"><title>Mutants found by the explorer</title><style>body{font:14px system-ui,sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;vertical-align:top}</style></head><body>
<h1>The explorer alone: ${found} of ${results.length} mutants found</h1>
<p>No scenario of the catalogue ran: each mutant met only generated schedules. A mutant is found when the explorer's shrunk scenario failed against it and passed against the unbroken stack in each of ${REPLAYS} runs; ${leads} more failing schedule(s) did not reproduce so and count as not found.</p>
<table><tr><th>mutant</th><th>requirement</th><th>breaks</th><th>explorer</th><th>seed</th><th>schedules until found</th><th>shrunk scenario</th><th>detail</th><th>time</th></tr>${rows}</table></body></html>
`,
  );
}
