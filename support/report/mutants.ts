import { existsSync, readFileSync } from 'node:fs';

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
  if (!existsSync(messagesFile)) return [];
  const names = new Map<string, string>();
  const testCases = new Map<string, string>();
  const started = new Map<string, string>();
  const failed = new Map<string, string>();
  for (const line of readFileSync(messagesFile, 'utf8').split('\n')) {
    if (!line) continue;
    const e = JSON.parse(line);
    if (e.pickle) names.set(e.pickle.id, e.pickle.name);
    if (e.testCase) testCases.set(e.testCase.id, e.testCase.pickleId);
    if (e.testCaseStarted) started.set(e.testCaseStarted.id, testCases.get(e.testCaseStarted.testCaseId)!);
    const r = e.testStepFinished?.testStepResult;
    if (r && r.status === 'FAILED') {
      const pickle = started.get(e.testStepFinished.testCaseStartedId)!;
      if (!failed.has(pickle))
        failed.set(
          pickle,
          String(r.message ?? r.exception?.message ?? '')
            .split('\n')[0]
            .slice(0, 300),
        );
    }
  }
  return [...failed].map(([pickle, message]) => ({ name: names.get(pickle) ?? pickle, message }));
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
