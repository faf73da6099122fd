import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { MutantResult } from '../../support/report/mutants';
import type { LastRun } from './order';

/**
 * Which scenario killed each mutant, kept in the repository (scripts/mutants/last-killers.json: a killers.json here
 * would be what Node resolves for this module's name), so that a fresh clone's first check starts from the same hints
 * as a check run after another: each mutant first meets the scenario of its requirement that killed it last, and the
 * order (scripts/mutants/order.ts) follows the times. A hint only chooses
 * what runs first: the mutant must still fail that scenario now, or it meets every scenario of its requirement. A
 * hint that names a scenario no longer there selects nothing and falls through the same way.
 */
export const KILLERS_FILE = path.join('scripts', 'mutants', 'last-killers.json');

type Killers = Record<string, LastRun>;

/** The hints: the repository's file, overridden by the last local check's report (reports/mutants.json). */
export function lastKillers(root: string): Map<string, LastRun> {
  const out = new Map<string, LastRun>();
  const committed = path.join(root, KILLERS_FILE);
  if (existsSync(committed))
    for (const [id, run] of Object.entries(JSON.parse(readFileSync(committed, 'utf8')) as Killers)) out.set(id, run);
  const report = path.join(root, 'reports', 'mutants.json');
  if (existsSync(report))
    for (const [id, run] of killersOf((JSON.parse(readFileSync(report, 'utf8')) as { results: MutantResult[] }).results)) out.set(id, run);
  return out;
}

/** Each mutant killed by a scenario of its own requirement, with that scenario and how long the mutant took. */
export function killersOf(results: MutantResult[]): [string, LastRun][] {
  return results
    .filter((r) => r.status === 'killed' && r.byRequirement && r.scenarios[0])
    .map((r) => [r.id, { killer: r.scenarios[0].name, ms: r.ms }]);
}

/**
 * After a check of the whole catalogue: the repository's file takes this check's killers (sorted by mutant, so that a
 * change reads as a diff); a mutant this check did not see killed by its requirement keeps no hint.
 */
export function saveKillers(root: string, results: MutantResult[]): void {
  const sorted = Object.fromEntries(killersOf(results).sort(([a], [b]) => a.localeCompare(b)));
  writeFileSync(path.join(root, KILLERS_FILE), `${JSON.stringify(sorted, null, 2)}\n`);
}
