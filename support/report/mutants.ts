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
  scenarios: { name: string; message: string }[];
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
export function failedScenarios(messagesFile: string): { name: string; message: string }[] {
  return readScenarioRuns(messagesFile)
    .filter(failed)
    .map((r) => ({ name: r.name, message: r.message ?? r.status }));
}

const esc = (s: string): string => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** The mutation check as a self-contained HTML page. */
export function renderMutantsHtml(r: MutantsReport): string {
  const rows = r.results
    .map(
      (m) =>
        `<tr class="${m.status}"><td>${esc(m.id)}</td><td>${esc(m.requirement)}</td><td>${esc(m.breaks)}</td><td>${m.status.toUpperCase()}</td>` +
        `<td>${m.scenarios.map((s) => esc(s.name)).join('<br>') || '—'}</td><td><code>${esc(m.detail)}</code></td><td>${(m.ms / 1000).toFixed(0)} s</td></tr>`,
    )
    .join('\n');
  return `<!doctype html><html><head><meta charset="utf-8"><title>Mutation check</title><style>
body{font:14px system-ui,sans-serif;margin:2em}table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:4px 8px;vertical-align:top;text-align:left}
tr.killed td:nth-child(4){background:#d4f7d4}tr.survived td:nth-child(4),tr.invalid td:nth-child(4){background:#f7d4d4}code{font-size:12px;white-space:pre-wrap}
</style></head><body><h1>Mutation check: ${r.killed} of ${r.total} mutants killed</h1>
<p>Each mutant breaks one promised behaviour of the reference stack; the chaos suite runs against it and must fail. Generated ${esc(r.generated)}.</p>
<table><tr><th>mutant</th><th>requirement</th><th>breaks</th><th>status</th><th>caught by</th><th>first failure</th><th>time</th></tr>
${rows}</table></body></html>
`;
}
