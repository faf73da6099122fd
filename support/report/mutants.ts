import { failed, readScenarioRuns } from './run-messages';

/** One mutant's outcome, for reports/mutants.json. */
export interface MutantResult {
  id: string;
  requirement: string;
  breaks: string;
  file: string;
  status: 'killed' | 'survived' | 'invalid';
  detail: string;
  /** The scenarios that failed against the mutant: they caught it. */
  scenarios: { name: string; message: string; tags?: string[] }[];
  /**
   * Whether a scenario tagged with the requirement the mutant breaks caught it. False: it was killed only by an
   * unrelated scenario, so the requirement's own scenarios missed it (a gap, even though the mutant is killed).
   */
  byRequirement?: boolean;
  ms: number;
}

export interface MutantsReport {
  generated: string;
  total: number;
  killed: number;
  score: number;
  results: MutantResult[];
}

/** The scenarios that failed in a run, with the first line of their first failure, from its messages. */
export function failedScenarios(messagesFile: string): { name: string; message: string; tags: string[] }[] {
  return readScenarioRuns(messagesFile)
    .filter(failed)
    .map((r) => ({ name: r.name, message: r.message ?? r.status, tags: r.tags }));
}

/** How a mutant was caught, in words: by its requirement's own scenarios, or only by an unrelated one. */
export function caughtHow(m: MutantResult): string {
  if (m.status !== 'killed') return m.status;
  return m.byRequirement === false
    ? `killed only by an unrelated scenario (none tagged @${m.requirement} failed)`
    : `killed by a @${m.requirement} scenario`;
}

const esc = (s: string): string => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** The mutation check as a self-contained HTML page. */
export function renderMutantsHtml(r: MutantsReport): string {
  const rows = r.results
    .map(
      (m) =>
        `<tr class="${m.status}${m.byRequirement === false ? ' unrelated' : ''}"><td>${esc(m.id)}</td><td>${esc(m.requirement)}</td><td>${esc(m.breaks)}</td><td>${m.status.toUpperCase()}<br><small>${esc(caughtHow(m))}</small></td>` +
        `<td>${m.scenarios.map((s) => esc(s.name)).join('<br>') || '—'}</td><td><code>${esc(m.detail)}</code></td><td>${(m.ms / 1000).toFixed(0)} s</td></tr>`,
    )
    .join('\n');
  return `<!doctype html><html><head><meta charset="utf-8"><title>Mutation check</title><style>
body{font:14px system-ui,sans-serif;margin:2em}table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:4px 8px;vertical-align:top;text-align:left}
tr.killed td:nth-child(4){background:#d4f7d4}tr.unrelated td:nth-child(4){background:#f7ecc4}tr.survived td:nth-child(4),tr.invalid td:nth-child(4){background:#f7d4d4}code{font-size:12px;white-space:pre-wrap}
</style></head><body><h1>Mutation check: ${r.killed} of ${r.total} mutants killed</h1>
<p>Each mutant breaks one promised behaviour of the reference stack; the chaos suite runs against it and must fail, first the scenarios tagged with the requirement it breaks, then (only if none of those caught it) the rest. ${r.results.filter((m) => m.status === 'killed' && m.byRequirement !== false).length} of ${r.total} were caught by their requirement's own scenarios. Generated ${esc(r.generated)}.</p>
<table><tr><th>mutant</th><th>requirement</th><th>breaks</th><th>status</th><th>caught by</th><th>first failure</th><th>time</th></tr>
${rows}</table></body></html>
`;
}
