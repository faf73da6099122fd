/**
 * The traceability gate: exits non-zero, with one line per cause, when a MUST requirement is failing or not covered
 * by any scenario, or a cell of the seed's fault catalogue has no scenario. Reads reports/traceability.json (or the
 * files given). Run by CI after the suite: `npm run trace:check [-- reports/llamacpp/traceability.json]`.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { TraceabilityReport } from '../support/report/traceability';

const files = process.argv.slice(2).length ? process.argv.slice(2) : [path.join(__dirname, '..', 'reports', 'traceability.json')];
const causes: string[] = [];
for (const file of files) {
  if (!existsSync(file)) {
    causes.push(`${file}: no traceability report (did the suite run?)`);
    continue;
  }
  const report = JSON.parse(readFileSync(file, 'utf8')) as TraceabilityReport;
  for (const r of report.requirements) {
    if (r.level !== 'MUST') continue;
    if (r.scenarios.length === 0) causes.push(`${file}: MUST requirement ${r.id} (${r.title}) is covered by no scenario`);
    else if (['FAILED', 'AMBIGUOUS', 'UNDEFINED', 'PENDING', 'UNKNOWN'].includes(r.status))
      causes.push(`${file}: MUST requirement ${r.id} (${r.title}) is ${r.status}: ${r.reason ?? ''}`);
  }
  for (const c of report.catalogue ?? [])
    if (c.status === 'EMPTY') causes.push(`${file}: catalogue cell ${c.family} / ${c.failure} has no scenario`);
}
for (const c of causes) console.error(`trace check: ${c}`);
console.log(
  `trace check: ${causes.length ? `${causes.length} cause(s) to fail` : 'every MUST requirement proven or at least not failing, every catalogue cell covered'}`,
);
process.exit(causes.length ? 1 : 0);
