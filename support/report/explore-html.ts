import { countOutcomes, describeCounts, type Outcome } from '../cucumber/scenario-runner';
import { describeSchedule, type Schedule } from '../explore/schedule';

/** One schedule the explorer ran: while exploring, or while shrinking a failure. */
export interface TriedSchedule {
  n: number;
  phase: 'explore' | 'shrink';
  schedule: Schedule;
  kinds: string[];
  outcome: Outcome;
}

export interface ExploreReport {
  generated: string;
  seed: number;
  profile: string;
  budgetMs: number;
  wallMs: number;
  faults: string[];
  /** The seed's fault weights, as printed. */
  weights?: string;
  recoveryS: number;
  tried: TriedSchedule[];
  failure?: {
    file: string;
    signature: string;
    firstSchedule: number;
    steps: number;
    feature: string;
    schedule: string;
    /** In how many of `reproduceRuns` runs of the written scenario the same check failed. */
    reproduced: number;
    reproduceRuns: number;
    message: string;
    timelineSvg?: string;
    shrinks: number;
  };
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** What the exploration exercised, per kind of fault: drawn, and confirmed applied and healed by the suite's own proofs. */
export interface KindCoverage {
  drawn: number;
  applied: number;
  healed: number;
}

/**
 * How often each explorable fault, and each ordered pair of them (the first began before the second), ran in one
 * schedule, and per fault kind of the registry how often it was drawn and confirmed applied and healed (exploring only).
 */
export function coverage(tried: TriedSchedule[]): {
  kinds: Map<string, number>;
  pairs: Map<string, number>;
  byKind: Map<string, KindCoverage>;
} {
  const kinds = new Map<string, number>();
  const pairs = new Map<string, number>();
  const byKind = new Map<string, KindCoverage>();
  const add = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
  for (const t of tried.filter((x) => x.phase === 'explore')) {
    const inOrder = [...t.schedule.events].sort((x, y) => x.atMs - y.atMs).map((e) => e.fault);
    for (const k of new Set(inOrder)) add(kinds, k);
    const seen = new Set<string>();
    for (let i = 0; i < inOrder.length; i++)
      for (let j = i + 1; j < inOrder.length; j++) if (inOrder[i] !== inOrder[j]) seen.add(`${inOrder[i]} → ${inOrder[j]}`);
    for (const p of seen) add(pairs, p);
    for (const k of new Set(t.kinds)) {
      const c = byKind.get(k) ?? { drawn: 0, applied: 0, healed: 0 };
      c.drawn++;
      c.applied += t.outcome.faults?.applied[k] ?? 0;
      c.healed += t.outcome.faults?.healed[k] ?? 0;
      byKind.set(k, c);
    }
  }
  return { kinds, pairs, byKind };
}

/** The fault kinds drawn that the suite never confirmed applied: what the exploration claims to test but did not. */
export function neverConfirmed(byKind: Map<string, KindCoverage>): string[] {
  return [...byKind.entries()].filter(([, c]) => c.drawn > 0 && c.applied === 0).map(([k]) => k);
}

/** reports/explore.html: what was tried, how the faults were covered, time spent, and the failure with its scenario. */
export function renderExploreHtml(r: ExploreReport): string {
  const explored = r.tried.filter((t) => t.phase === 'explore');
  const { kinds, pairs, byKind } = coverage(r.tried);
  const unconfirmed = neverConfirmed(byKind);
  const rows = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .map(([k, n]) => `<tr><td>${esc(k)}</td><td>${n}</td></tr>`)
      .join('');
  const never = r.faults.filter((f) => !kinds.has(f));
  const spent = (phase: string) => r.tried.filter((t) => t.phase === phase).reduce((a, t) => a + t.outcome.ms, 0) / 1000;
  const failure = r.failure
    ? `<h2>Failure</h2>
<p>Check: <b>${esc(r.failure.signature)}</b>, first seen on schedule ${r.failure.firstSchedule}; shrunk in ${r.failure.shrinks} steps to a scenario of ${r.failure.steps} steps,
<code>${esc(r.failure.file)}</code>, which failed the same check in ${r.failure.reproduced} of ${r.failure.reproduceRuns} runs of it alone${r.failure.reproduced === 0 ? ' (<b>not reproduced</b>: the failure depends on timing the scenario does not pin)' : ''}.
Replay: <code>npx cucumber-js ${esc(r.failure.file)}</code>, or <code>npm run explore -- --profile ${esc(r.profile)} --seed ${r.seed}</code>.</p>
<p>Schedule: <code>${esc(r.failure.schedule)}</code></p>
<pre>${esc(r.failure.feature)}</pre>
<h3>What failed</h3><pre>${esc(r.failure.message.slice(0, 4000))}</pre>
${r.failure.timelineSvg ? `<h3>Timeline of the shrunk scenario</h3>${r.failure.timelineSvg}` : ''}`
    : `<h2>No failure</h2><p>No schedule failed the checker or the recovery promise (pool ready again and a new task completed within ${r.recoveryS} s of the last heal).</p>`;
  const counted = `<p>Schedules explored: ${esc(describeCounts(countOutcomes(explored.map((t) => t.outcome))))}. Passed means every step and the checker ran and passed; infeasible, that a fault's own preflight refused it before it was applied; not run, that nothing judged it.</p>`;
  const list = r.tried
    .map(
      (t) =>
        `<tr><td>${t.n}</td><td>${t.phase}</td><td><code>${esc(describeSchedule(t.schedule))}</code></td><td>${t.outcome.passed ? 'passed' : `<b>${esc(t.outcome.status)}</b>: ${esc(t.outcome.signature ?? '')}`}</td><td>${(t.outcome.ms / 1000).toFixed(1)}</td></tr>`,
    )
    .join('');
  return `<!doctype html><html><head><meta charset="utf-8"><title>llama-orch chaos: exploration (seed ${r.seed})</title>
<style>body{font-family:system-ui,sans-serif;margin:2em;max-width:80em}td,th{border:1px solid #ccc;padding:2px 6px;font-size:90%}table{border-collapse:collapse;margin-bottom:1em}pre{background:#f6f6f6;padding:1em;overflow:auto}</style></head><body>
<h1>Generative chaos: exploration</h1>
<p>Seed <b>${r.seed}</b> on profile <code>${esc(r.profile)}</code>, ${esc(r.generated)}. ${explored.length} schedules explored in ${spent('explore').toFixed(0)} s
(${explored.length ? ((explored.length / Math.max(1, spent('explore'))) * 60).toFixed(1) : 0} per minute), ${r.tried.length - explored.length} more run while shrinking (${spent('shrink').toFixed(0)} s); wall time ${(r.wallMs / 1000).toFixed(0)} s of a budget of ${(r.budgetMs / 1000).toFixed(0)} s for exploring.
Replay with <code>npm run explore -- --profile ${esc(r.profile)} --seed ${r.seed}</code>; the schedules of a seed are always the same (<code>--print N</code> lists them).</p>
${counted}
${r.weights ? `<p>This seed's fault weights (each 1 to 8, drawn from the seed): ${esc(r.weights)}.</p>` : ''}
${failure}
<h2>Fault kinds</h2><p>Schedules in which each explorable fault ran${never.length ? `; never drawn: ${never.map(esc).join(', ')}` : ''}.</p>
<table><tr><th>fault</th><th>schedules</th></tr>${rows(kinds)}</table>
<h2>Pairs of fault kinds in one schedule, in the order they began</h2><table><tr><th>pair</th><th>schedules</th></tr>${rows(pairs) || '<tr><td colspan="2">none</td></tr>'}</table>
<h2>What was exercised</h2><p>Per fault kind: schedules that drew it, and its faults the suite's own proofs confirmed applied and healed (an instant fault, a kill, has no heal).${unconfirmed.length ? ` <b>Drawn but never confirmed applied: ${unconfirmed.map(esc).join(', ')}</b>.` : ''}</p>
<table><tr><th>kind</th><th>schedules</th><th>confirmed applied</th><th>confirmed healed</th></tr>${[...byKind.entries()]
    .sort((a, b) => a[0].localeCompare(b[0]))
    .map(([k, c]) => `<tr><td>${esc(k)}</td><td>${c.drawn}</td><td>${c.applied}</td><td>${c.healed}</td></tr>`)
    .join('')}</table>
<h2>Every schedule</h2><table><tr><th>#</th><th>phase</th><th>schedule</th><th>outcome</th><th>s</th></tr>${list}</table>
</body></html>
`;
}
