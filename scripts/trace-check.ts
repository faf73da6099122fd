/**
 * The traceability gate: exits non-zero, with one line per cause, when a MUST requirement or a cell of the seed's
 * fault catalogue is not proven by this run: failing, or UNPROVEN (no scenario of it ran and passed here: skipped,
 * filtered out by tags, a dry run), or covered by no scenario. A requirement or cell the target profile declares
 * NOT APPLICABLE (with its physical reason) passes, and the line says so. PARTIAL (some of its scenarios did not run
 * here, for a reason other than NOT APPLICABLE) fails too, unless `--allow-partial` is given for a run filtered with
 * `--tags`, and then the last line says so. Reads reports/traceability.json (or the files given). Run by CI after the
 * suite: `npm run trace:check [-- [--allow-partial] reports/llamacpp/traceability.json]`.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gateCauses, mustCounts } from '../support/report/gate';
import type { TraceabilityReport } from '../support/report/traceability';

const args = process.argv.slice(2);
const allowPartial = args.includes('--allow-partial');
const unknown = args.filter((a) => a.startsWith('--') && a !== '--allow-partial');
if (unknown.length) {
  console.error(`trace check: unknown option(s) ${unknown.join(', ')} (known: --allow-partial)`);
  process.exit(2);
}
const given = args.filter((a) => !a.startsWith('--'));
const files = given.length ? given : [path.join(__dirname, '..', 'reports', 'traceability.json')];
const causes: string[] = [];
for (const file of files) {
  if (!existsSync(file)) {
    causes.push(`${file}: no traceability report (did the suite run?)`);
    continue;
  }
  const report = JSON.parse(readFileSync(file, 'utf8')) as TraceabilityReport;
  causes.push(...gateCauses(report, { allowPartial }).map((c) => `${file}: ${c}`));
  const n = mustCounts(report);
  console.log(
    `trace check: ${file}: MUST requirements ${n.PASSED} proven, ${n.PARTIAL} partial, ${n.UNPROVEN} unproven, ${n['NOT APPLICABLE']} not applicable, ${n.BROKEN} failing`,
  );
}
for (const c of causes) console.error(`trace check: ${c}`);
const partial = allowPartial ? ' (PARTIAL let through, as --allow-partial asked: this run left scenarios out)' : '';
console.log(
  `trace check: ${causes.length ? `${causes.length} cause(s) to fail` : `every MUST requirement and every catalogue cell proven by a scenario that ran and passed (or not applicable here)${partial}`}`,
);
process.exit(causes.length ? 1 : 0);
