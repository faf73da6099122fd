import { BROKEN, type Status, type TraceabilityReport } from './traceability';

/**
 * Why the gate fails this report, one line per cause: a MUST requirement or a catalogue cell that is broken, UNPROVEN
 * (nothing of it ran and passed here) or has no scenario. NOT APPLICABLE and PARTIAL pass; PASSED does.
 */
export function gateCauses(report: TraceabilityReport): string[] {
  const causes: string[] = [];
  for (const r of report.requirements) {
    if (r.level !== 'MUST') continue;
    if (r.scenarios.length === 0) causes.push(`MUST requirement ${r.id} (${r.title}) is covered by no scenario`);
    else if (r.status === 'UNPROVEN' || BROKEN.includes(r.status))
      causes.push(`MUST requirement ${r.id} (${r.title}) is ${r.status}: ${r.reason ?? ''}`);
  }
  for (const c of report.catalogue ?? []) {
    if (c.status === 'EMPTY') causes.push(`catalogue cell ${c.family} / ${c.failure} has no scenario`);
    else if (c.status === 'UNPROVEN' || BROKEN.includes(c.status))
      causes.push(`catalogue cell ${c.family} / ${c.failure} is ${c.status}: ${c.reason ?? ''}`);
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
