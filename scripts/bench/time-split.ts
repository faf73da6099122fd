import type { SplitCategory } from '../../support/core/time-split';
import type { ScenarioRun } from '../../support/report/run-messages';

/**
 * Where the catalogue's time goes (support/core/time-split.ts records it per scenario): per kind of work summed over
 * the catalogue, the ten slowest scenarios with their split, and the floor that the waits the scenarios state impose.
 */

const REST = 'the rest (requests, Then checks, hooks)';
/** The recorded kind the floor is made of (typed, so that a renamed kind fails to compile here). */
const STATED: SplitCategory = 'stated durations (contract bounds, Gherkin times)';

export interface SplitReport {
  scenarios: number;
  total_ms: number;
  by_kind_ms: Record<string, number>;
  slowest: { scenario: string; serial: boolean; ms: number; split: Record<string, number> }[];
  /** Stated waits summed, over the workers, with the @serial scenarios' counted whole (they run alone). */
  floor_ms: number;
}

/** The split of one run's scenarios (medians are the caller's: one run here). */
export function splitOf(runs: ScenarioRun[], workers: number): SplitReport {
  const byKind: Record<string, number> = {};
  const rows = runs
    .filter((r) => r.status !== 'SKIPPED')
    .map((r) => {
      const split: Record<string, number> = { ...(r.evidence?.time_split_ms ?? {}) };
      split[REST] = Math.max(0, r.ms - Object.values(split).reduce((a, b) => a + b, 0));
      for (const [k, v] of Object.entries(split)) byKind[k] = (byKind[k] ?? 0) + v;
      return { scenario: r.name, serial: r.tags.includes('@serial'), ms: r.ms, split };
    });
  const stated = (serial: boolean): number => rows.filter((r) => r.serial === serial).reduce((a, r) => a + (r.split[STATED] ?? 0), 0);
  return {
    scenarios: rows.length,
    total_ms: rows.reduce((a, r) => a + r.ms, 0),
    by_kind_ms: Object.fromEntries(Object.entries(byKind).sort((a, b) => b[1] - a[1])),
    slowest: [...rows].sort((a, b) => b.ms - a.ms).slice(0, 10),
    floor_ms: Math.round(stated(true) + stated(false) / workers),
  };
}

/** The report as the lines `npm run bench` prints. */
export function splitLines(report: SplitReport): string[] {
  const pct = (ms: number): string => `${((100 * ms) / report.total_ms).toFixed(0)} %`.padStart(5);
  const lines = [`  where the time goes: ${report.scenarios} scenarios, ${(report.total_ms / 1000).toFixed(1)} s summed`];
  for (const [k, v] of Object.entries(report.by_kind_ms))
    lines.push(`    ${k.padEnd(52)} ${(v / 1000).toFixed(1).padStart(6)} s ${pct(v)}`);
  lines.push(`  floor (stated waits over the workers, @serial whole): ${(report.floor_ms / 1000).toFixed(1)} s`);
  lines.push('  the ten slowest scenarios:');
  for (const r of report.slowest) {
    const parts = Object.entries(r.split)
      .filter(([, v]) => v >= 50)
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k.split(' (')[0]} ${v}`);
    lines.push(`    ${String(r.ms).padStart(6)} ms${r.serial ? ' @serial' : ''}  ${r.scenario.slice(0, 80)}`);
    lines.push(`             ${parts.join(' · ')}`);
  }
  return lines;
}
