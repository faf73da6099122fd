import { BROKEN, type Status, type TraceabilityReport } from './traceability';

/** What the gate may let through: PARTIAL only when asked (a run filtered with `--tags` leaves scenarios out). */
export interface GateOptions {
  allowPartial?: boolean;
}

/**
 * Why the gate fails this report, one line per cause: a MUST requirement or a catalogue cell that is broken, UNPROVEN
 * (nothing of it ran and passed here), PARTIAL (some of its scenarios did not run, for a reason other than NOT
 * APPLICABLE: a missing capability, a filter), or has no scenario. NOT APPLICABLE passes, with its reason; PASSED does.
 */
export function gateCauses(report: TraceabilityReport, options: GateOptions = {}): string[] {
  const causes: string[] = [];
  const fails = (s: Status): boolean => s === 'UNPROVEN' || BROKEN.includes(s) || (s === 'PARTIAL' && !options.allowPartial);
  for (const r of report.requirements) {
    if (r.level !== 'MUST') continue;
    if (r.scenarios.length === 0) causes.push(`MUST requirement ${r.id} (${r.title}) is covered by no scenario`);
    else if (fails(r.status)) causes.push(`MUST requirement ${r.id} (${r.title}) is ${r.status}: ${r.reason ?? ''}`);
  }
  for (const c of report.catalogue ?? []) {
    if (c.status === 'EMPTY') causes.push(`catalogue cell ${c.family} / ${c.failure} has no scenario`);
    else if (fails(c.status)) causes.push(`catalogue cell ${c.family} / ${c.failure} is ${c.status}: ${c.reason ?? ''}`);
  }
  if (report.run.passed === 0) causes.push('no scenario ran and passed');
  return causes;
}

/** How many MUST requirements are proven, partial, unproven, not applicable and failing in this report. */
export function mustCounts(report: TraceabilityReport): Record<'PASSED' | 'PARTIAL' | 'UNPROVEN' | 'NOT APPLICABLE' | 'BROKEN', number> {
  const must = report.requirements.filter((r) => r.level === 'MUST');
  const count = (pred: (s: Status) => boolean): number => must.filter((r) => pred(r.status)).length;
  return {
    PASSED: count((s) => s === 'PASSED'),
    PARTIAL: count((s) => s === 'PARTIAL'),
    UNPROVEN: count((s) => s === 'UNPROVEN'),
    'NOT APPLICABLE': count((s) => s === 'NOT APPLICABLE'),
    BROKEN: count((s) => BROKEN.includes(s)),
  };
}
