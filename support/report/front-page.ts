import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gateCauses, mustCounts } from './gate';
import type { TraceabilityReport } from './traceability';

/** What a reviewer needs to know about the run before its results. */
export interface RunMetadata {
  commit: string;
  profile: string;
  node: string;
  toxiproxy: string;
  startedAt: string;
  wallMs: number;
}

/** One run in `history.jsonl`: when, on what, and each scenario's status, attempts and duration. */
export interface HistoryEntry {
  at: string;
  commit: string;
  profile: string;
  success: boolean;
  scenarios: { name: string; status: string; attempts: number; durationMs: number }[];
}

/** How many runs `history.jsonl` keeps (older ones are dropped). */
export const HISTORY_CAP = 50;

export function runMetadata(cwd: string, report: TraceabilityReport): RunMetadata {
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd, encoding: 'utf8' }).trim();
  } catch {
    /* not a checkout */
  }
  return {
    commit,
    profile: process.env.CHAOS_PROFILE || 'profiles/reference.json',
    node: process.version,
    toxiproxy: 'v2.12.0 (Shopify, built by go install)',
    startedAt: new Date(Date.parse(report.generatedAt) - report.run.durationMs).toISOString(),
    wallMs: report.run.durationMs,
  };
}

/** Appends this run to `history.jsonl` (keeping the last HISTORY_CAP runs) and returns the history, oldest first. */
export function appendHistory(file: string, report: TraceabilityReport, meta: RunMetadata): HistoryEntry[] {
  const previous = existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as HistoryEntry)
    : [];
  const unique = new Map<string, { name: string; status: string; attempts: number; durationMs: number }>();
  for (const r of report.requirements.flatMap((x) => x.scenarios))
    unique.set(r.where, { name: r.name, status: r.status, attempts: r.attempts, durationMs: r.durationMs });
  const entry: HistoryEntry = {
    at: report.generatedAt,
    commit: meta.commit,
    profile: meta.profile,
    success: report.run.success,
    scenarios: [...unique.values()],
  };
  const kept = [...previous, entry].slice(-HISTORY_CAP);
  writeFileSync(file, `${kept.map((e) => JSON.stringify(e)).join('\n')}\n`);
  return kept;
}

/** Per scenario over the history of one profile: pass rate, durations, and flags (passed only on retry, duration jumped). */
export function historyRows(
  history: HistoryEntry[],
  profile: string,
): { name: string; passRate: string; durations: number[]; flags: string[] }[] {
  const runs = history.filter((h) => h.profile === profile);
  const names = [...new Set(runs.flatMap((r) => r.scenarios.map((s) => s.name)))];
  return names.map((name) => {
    const seen = runs.map((r) => r.scenarios.find((s) => s.name === name)).filter((s) => s !== undefined);
    const passed = seen.filter((s) => s.status === 'PASSED').length;
    const durations = seen.map((s) => s.durationMs);
    const last = seen.at(-1);
    const flags: string[] = [];
    if (last?.status === 'PASSED' && last.attempts > 1) flags.push('passed only on retry');
    const before = durations.slice(0, -1).sort((a, b) => a - b);
    const median = before.length ? before[Math.floor(before.length / 2)] : undefined;
    if (median && last && last.durationMs > 2 * median + 500)
      flags.push(`duration jumped: ${last.durationMs} ms against a median of ${median} ms`);
    return { name, passRate: `${passed}/${seen.length}`, durations: durations.slice(-10), flags };
  });
}

/**
 * The reports of the other target profiles beside this one (a sub-folder's `traceability.json`, as `npm test` writes
 * reports/llamacpp beside reports, or the parent folder's), each as of its own run.
 */
export function otherProfileReports(reportsDir: string): TraceabilityReport[] {
  const here = path.resolve(reportsDir);
  const subs = existsSync(here)
    ? readdirSync(here, { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .map((d) => path.join(here, d.name, 'traceability.json'))
    : [];
  const parent = path.join(path.dirname(here), 'traceability.json');
  return [...subs, parent]
    .filter((f) => existsSync(f) && path.dirname(f) !== here)
    .map((f) => JSON.parse(readFileSync(f, 'utf8')) as TraceabilityReport)
    .filter((r) => r.profile !== undefined);
}

/** The catalogue on every profile: one row per cell, one column per profile (this run first, then the others as of theirs). */
function profilesMatrix(report: TraceabilityReport, others: TraceabilityReport[], badge: (s: string) => string): string {
  if (others.length === 0) return '';
  const all = [report, ...others];
  const verdict = (r: TraceabilityReport): string => (r.run.success && gateCauses(r).length === 0 ? 'PASSED' : 'FAILED');
  const head = all.map((r) => `<th>${esc(r.profile ?? '?')} ${badge(verdict(r))}<br><small>${esc(r.generatedAt)}</small></th>`).join('');
  const rows = report.catalogue
    .map((c) => {
      const cells = all.map((r) => {
        const same = r.catalogue.find((x) => x.family === c.family && x.failure === c.failure);
        return `<td>${same ? badge(same.status) : '—'}</td>`;
      });
      return `<tr><th>${esc(c.family)}</th><td>${esc(c.failure)}</td>${cells.join('')}</tr>`;
    })
    .join('\n');
  return `<h2>The catalogue on every profile</h2><table id="profiles"><tr><th>family</th><th>failure</th>${head}</tr>${rows}</table>`;
}

const esc = (s: string): string => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** The front page (`index.html`): verdict, metadata, catalogue, requirements, mutation score and history, one screen each. */
export function renderFrontPage(report: TraceabilityReport, meta: RunMetadata, history: HistoryEntry[], reportsDir: string): string {
  const badge = (s: string): string => `<span class="st st-${s.replaceAll(' ', '-').toLowerCase()}">${esc(s)}</span>`;
  const n = mustCounts(report);
  const families = [...new Set(report.catalogue.map((c) => c.family))];
  const matrix = families
    .map(
      (f) =>
        `<tr><th>${esc(f)}</th>${report.catalogue
          .filter((c) => c.family === f)
          .map(
            (c) =>
              `<td class="cell" title="${esc(c.scenarios.join('\n'))}">${esc(c.failure)}<br>${badge(c.status)} <small>${c.scenarios.length}</small></td>`,
          )
          .join('')}</tr>`,
    )
    .join('\n');
  const reqs = report.requirements
    .map(
      (r) =>
        `<tr><td><a href="cucumber.html?query=${encodeURIComponent(`@${r.id}`)}">${esc(r.id)}</a></td><td>${esc(r.level)}</td><td>${esc(r.title)}</td><td>${badge(r.status)}</td><td><small>${esc(r.reason ?? '')}</small></td></tr>`,
    )
    .join('\n');
  const mutantsFile = path.join(reportsDir, 'mutants.json');
  let mutants = '<p>No mutation check in this folder yet (<code>npm run mutants</code>).</p>';
  if (existsSync(mutantsFile)) {
    const m = JSON.parse(readFileSync(mutantsFile, 'utf8')) as {
      killed: number;
      total: number;
      generated: string;
      results: { id: string; status: string; requirement: string; byRequirement?: boolean }[];
    };
    const survivors = m.results.filter((x) => x.status !== 'killed');
    const unrelated = m.results.filter((x) => x.status === 'killed' && x.byRequirement === false);
    mutants = `<p><a href="mutants.html">${m.killed} of ${m.total} mutants killed</a>, ${m.killed - unrelated.length} of them by a scenario tagged with the requirement the mutant breaks (${esc(m.generated)})${survivors.length ? `; not killed: ${survivors.map((x) => `${esc(x.id)} (${esc(x.requirement)}, ${esc(x.status)})`).join(', ')}` : ''}${unrelated.length ? `; killed only by an unrelated scenario (the requirement's own scenarios missed it): ${unrelated.map((x) => `${esc(x.id)} (${esc(x.requirement)})`).join(', ')}` : ''}.</p>`;
  }
  const exploreFile = path.join(reportsDir, 'explore', 'explore.json');
  let explore = '<p>No exploration in this folder yet (<code>npm run explore</code>).</p>';
  if (existsSync(exploreFile)) {
    const e = JSON.parse(readFileSync(exploreFile, 'utf8')) as {
      seed: number;
      generated: string;
      tried: { phase: string }[];
      failure?: { signature: string; file: string; steps: number };
    };
    const n = e.tried.filter((t) => t.phase === 'explore').length;
    explore = `<p><a href="explore.html">${n} generated fault schedules</a> with seed ${e.seed} (${esc(e.generated)}): ${e.failure ? `<b>a failure</b>, ${esc(e.failure.signature)}, shrunk to ${e.failure.steps} steps in <code>${esc(e.failure.file)}</code>` : 'no failure'}.</p>`;
  }
  const rows = historyRows(history, meta.profile)
    .map(
      (h) =>
        `<tr><td>${esc(h.name)}</td><td>${h.passRate}</td><td><small>${h.durations.join(' · ')}</small></td><td class="err">${esc(h.flags.join('; '))}</td></tr>`,
    )
    .join('\n');
  // The headline is the gate's (npm run trace:check): green scenarios with a MUST requirement unproven is not a pass.
  const gate = gateCauses(report);
  const verdict = report.run.success && gate.length === 0 ? 'PASSED' : 'FAILED';
  const more = gate.length > 10 ? `<li>and ${gate.length - 10} more (\`npm run trace:check\` lists them)</li>` : '';
  const why = gate.length
    ? `<ul id="gate" class="err">${gate
        .slice(0, 10)
        .map((c) => `<li>gate: ${esc(c)}</li>`)
        .join('')}${more}</ul>`
    : '';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>llama-orch chaos — run ${esc(meta.commit)}</title><style>
body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin-bottom:1.5em}td,th{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}
small{color:#666}.err{color:#a00;font-size:12px}.cell{min-width:9em}.verdict{font-size:28px;font-weight:bold}
.st{display:inline-block;padding:0 6px;border-radius:3px;font-size:11px;font-weight:bold;color:#fff;background:#888}
.st-passed{background:#2a7}.st-failed,.st-empty{background:#c33}.st-partial,.st-skipped{background:#e80}.st-not-run{background:#999}.st-unproven{background:#c33}.st-not-applicable{background:#57a}
</style></head><body>
<p class="verdict">Run ${badge(verdict)} ${report.run.passed} passed, ${report.run.failed} failed, ${report.run.skipped} skipped, ${report.run.notApplicable ?? 0} not applicable of ${report.run.scenarios}</p>${why}
<table id="meta"><tr><th>commit</th><td>${esc(meta.commit)}</td><th>profile</th><td>${esc(meta.profile)}</td></tr>
<tr><th>node</th><td>${esc(meta.node)}</td><th>toxiproxy</th><td>${esc(meta.toxiproxy)}</td></tr>
<tr><th>started</th><td>${esc(meta.startedAt)}</td><th>wall time</th><td>${meta.wallMs} ms</td></tr></table>
<p><a href="traceability.html">traceability (scenarios, evidence, timelines)</a> · <a href="cucumber.html">Cucumber report</a></p>
<h2>Fault catalogue</h2><table id="catalogue">${matrix}</table>
${profilesMatrix(report, otherProfileReports(reportsDir), badge)}
<h2>Requirements</h2>
<p id="must-counts">MUST requirements on ${esc(meta.profile)}: <b>${n.PASSED} proven</b>, ${n.PARTIAL} partial, ${n.UNPROVEN} unproven, ${n['NOT APPLICABLE']} not applicable, ${n.BROKEN} failing. Only a scenario that ran and passed proves anything; skipped or filtered-out scenarios leave a requirement UNPROVEN.</p>
<table id="requirements"><tr><th>ID</th><th>level</th><th>title</th><th>status</th><th>why not passed</th></tr>${reqs}</table>
<h2>Mutation check</h2>${mutants}
<h2>Generative chaos</h2>${explore}
<h2>History (${esc(meta.profile)}, last ${HISTORY_CAP} runs kept)</h2><table id="history"><tr><th>scenario</th><th>passed</th><th>durations, ms (oldest first)</th><th>flags</th></tr>${rows}</table>
</body></html>
`;
}

/**
 * Writes `index.html` of `reportsDir` again from the reports already there (its `traceability.json` and history, and
 * the other profiles' reports beside it), so that after `npm test` the one page a reader opens shows every profile's
 * latest run, the one that ran last included. Returns the file written.
 */
export function rewriteFrontPage(cwd: string, reportsDir: string): string {
  const report = JSON.parse(readFileSync(path.join(reportsDir, 'traceability.json'), 'utf8')) as TraceabilityReport;
  const historyFile = path.join(reportsDir, 'history.jsonl');
  const history = existsSync(historyFile)
    ? readFileSync(historyFile, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as HistoryEntry)
    : [];
  const meta = { ...runMetadata(cwd, report), profile: report.profile ?? 'profiles/reference.json' };
  const file = path.join(reportsDir, 'index.html');
  writeFileSync(file, renderFrontPage(report, meta, history, reportsDir));
  return file;
}
