import type { Envelope } from '@cucumber/messages';
import { isFaultKind } from '../faults/registry';
import { type CatalogueCell, REQUIREMENT_ID, type Requirement } from './requirements';

/**
 * Statuses from worst to best, for worst-of roll-ups. Only a scenario that ran and passed proves anything: a
 * requirement or catalogue cell whose scenarios were all skipped or left out of the run (tags, `--dry-run`) is
 * UNPROVEN on this target; one whose scenarios all need what the target profile declares physically absent is
 * NOT APPLICABLE there, with the profile's reason; one with some scenarios passed and others not run is PARTIAL.
 */
const ORDER = [
  'FAILED',
  'AMBIGUOUS',
  'UNDEFINED',
  'PENDING',
  'UNKNOWN',
  'UNPROVEN',
  'SKIPPED',
  'NOT RUN',
  'EMPTY',
  'PARTIAL',
  'NOT APPLICABLE',
  'PASSED',
] as const;
export type Status = (typeof ORDER)[number];

/** Statuses that mean something went wrong in the run (worse than anything merely not run). */
export const BROKEN: readonly Status[] = ['FAILED', 'AMBIGUOUS', 'UNDEFINED', 'PENDING', 'UNKNOWN'];

/** The attachment the Before hook writes for a scenario it does not run: a {@link SkipRecord}. */
export const SKIP_ATTACHMENT = 'skip.json';

/** Why a scenario did not run: `applicable: false` when the target declares what it needs physically absent. */
export interface SkipRecord {
  applicable: boolean;
  reason: string;
}

/** What one scenario proved in this run. */
export interface ScenarioResult {
  name: string;
  where: string;
  tags: string[];
  status: Status;
  attempts: number;
  flaky: boolean;
  durationMs: number;
  faults: { kind: string; description: string; verdict?: string }[];
  measures: Record<string, number>;
  message?: string;
  /** The scenario's timeline picture (SVG), from its `timeline.svg` attachment. */
  timelineSvg?: string;
  /** Why it did not run, when the Before hook skipped it. */
  skip?: SkipRecord;
}

export interface RequirementRow extends Requirement {
  status: Status;
  scenarios: ScenarioResult[];
  /** Why the status is not PASSED, in one line. */
  reason?: string;
}

/** One cell of the seed's catalogue in this run: its scenarios and their worst status (EMPTY: no scenario). */
export interface CatalogueRow extends CatalogueCell {
  status: Status;
  scenarios: string[];
  /** Why the status is not PASSED, in one line. */
  reason?: string;
}

export interface TraceabilityReport {
  generatedAt: string;
  run: {
    success: boolean;
    scenarios: number;
    passed: number;
    failed: number;
    skipped: number;
    notApplicable: number;
    durationMs: number;
  };
  requirements: RequirementRow[];
  catalogue: CatalogueRow[];
  uncovered: string[];
  orphanTags: { tag: string; scenarios: string[] }[];
}

interface PickleInfo {
  name: string;
  uri: string;
  line: number;
  tags: string[];
}

/**
 * Builds the requirement × scenario × status × evidence table from a run's Cucumber messages. Evidence comes from the
 * `evidence.json` attachment each scenario's After hook writes (faults, verdicts, time-to-detect, time-to-recover).
 */
export function buildTraceability(envelopes: Envelope[], requirements: Requirement[], catalogue: CatalogueCell[] = []): TraceabilityReport {
  const scenarioLines = new Map<string, number>();
  const pickles = new Map<string, PickleInfo>();
  const testCaseToPickle = new Map<string, string>();
  const started = new Map<string, { testCaseId: string; attempt: number; at: number }>();
  const results = new Map<string, ScenarioResult>();
  let runStart = 0;
  let runEnd = 0;
  let success = false;

  for (const e of envelopes) {
    if (e.gherkinDocument) {
      const visit = (
        children: readonly { scenario?: { id: string; location: { line: number } }; rule?: { children: readonly unknown[] } }[],
      ): void => {
        for (const c of children) {
          if (c.scenario) scenarioLines.set(c.scenario.id, c.scenario.location.line);
          if (c.rule) visit(c.rule.children as typeof children);
        }
      };
      visit(e.gherkinDocument.feature?.children ?? []);
    }
    if (e.pickle) {
      const p = e.pickle;
      pickles.set(p.id, { name: p.name, uri: p.uri, line: scenarioLines.get(p.astNodeIds[0]) ?? 0, tags: p.tags.map((t) => t.name) });
    }
    if (e.testCase) testCaseToPickle.set(e.testCase.id, e.testCase.pickleId);
    if (e.testRunStarted) runStart = toMs(e.testRunStarted.timestamp);
    if (e.testCaseStarted) {
      const s = e.testCaseStarted;
      started.set(s.id, { testCaseId: s.testCaseId, attempt: s.attempt, at: toMs(s.timestamp) });
      const pickle = pickles.get(testCaseToPickle.get(s.testCaseId) ?? '');
      if (pickle) {
        const prev = results.get(testCaseToPickle.get(s.testCaseId)!);
        results.set(testCaseToPickle.get(s.testCaseId)!, {
          name: pickle.name,
          where: `${pickle.uri}:${pickle.line}`,
          tags: pickle.tags,
          status: 'PASSED',
          attempts: s.attempt + 1,
          flaky: prev?.flaky ?? false,
          durationMs: 0,
          faults: [],
          measures: {},
        });
      }
    }
    if (e.testStepFinished) {
      const r = resultOf(e.testStepFinished.testCaseStartedId);
      const status = e.testStepFinished.testStepResult.status as Status;
      if (r && rank(status) < rank(r.status)) {
        r.status = status;
        r.message = e.testStepFinished.testStepResult.message?.split('\n')[0] ?? r.message;
      }
    }
    if (e.attachment?.fileName === 'evidence.json' && e.attachment.testCaseStartedId) {
      const r = resultOf(e.attachment.testCaseStartedId);
      if (r) {
        try {
          const evidence = JSON.parse(e.attachment.body) as { faults?: ScenarioResult['faults']; measures?: Record<string, number> };
          r.faults = evidence.faults ?? [];
          r.measures = evidence.measures ?? {};
        } catch {
          /* unreadable evidence stays empty */
        }
      }
    }
    if (e.attachment?.fileName === SKIP_ATTACHMENT && e.attachment.testCaseStartedId) {
      const r = resultOf(e.attachment.testCaseStartedId);
      const skip = JSON.parse(e.attachment.body) as SkipRecord;
      if (r) {
        r.skip = skip;
        r.message = skip.reason;
      }
    }
    if (e.attachment?.fileName === 'timeline.svg' && e.attachment.testCaseStartedId) {
      const r = resultOf(e.attachment.testCaseStartedId);
      if (r) r.timelineSvg = e.attachment.body;
    }
    if (e.testCaseFinished) {
      const s = started.get(e.testCaseFinished.testCaseStartedId);
      const r = resultOf(e.testCaseFinished.testCaseStartedId);
      if (s && r) {
        r.durationMs = toMs(e.testCaseFinished.timestamp) - s.at;
        if (e.testCaseFinished.willBeRetried) r.flaky = true;
      }
    }
    if (e.testRunFinished) {
      runEnd = toMs(e.testRunFinished.timestamp);
      success = e.testRunFinished.success;
    }
  }

  function resultOf(testCaseStartedId: string): ScenarioResult | undefined {
    const s = started.get(testCaseStartedId);
    return s && results.get(testCaseToPickle.get(s.testCaseId) ?? '');
  }

  const all: ScenarioResult[] = [...pickles.entries()].map(
    ([id, p]) =>
      results.get(id) ?? {
        name: p.name,
        where: `${p.uri}:${p.line}`,
        tags: p.tags,
        status: 'NOT RUN',
        attempts: 0,
        flaky: false,
        durationMs: 0,
        faults: [],
        measures: {},
      },
  );
  for (const r of all) {
    if (r.flaky && r.status !== 'PASSED') r.flaky = false;
    if (r.status === 'SKIPPED' && r.skip && !r.skip.applicable) r.status = 'NOT APPLICABLE';
  }
  const known = new Set(requirements.map((r) => r.id));
  const cells = catalogue.map((cell): CatalogueRow => {
    const scenarios = all.filter((s) => cell.features.some((f) => s.where.startsWith(`${f}:`)));
    return { ...cell, ...rollUp(scenarios, 'EMPTY'), scenarios: scenarios.map((s) => s.name) };
  });
  const rows = requirements.map((req): RequirementRow => {
    const scenarios = all.filter((s) => s.tags.includes(`@${req.id}`));
    let { status, reason } = rollUp(scenarios, 'UNPROVEN');
    const weak = cells.filter((c) => req.families?.includes(c.family) && c.status !== 'PASSED' && c.status !== 'NOT APPLICABLE');
    if (status === 'PASSED' && weak.length > 0) {
      status = 'PARTIAL';
      reason = `catalogue cells not proven: ${weak.map((c) => `${c.family} / ${c.failure} (${c.status})`).join(', ')}`;
    }
    return { ...req, status, scenarios, reason };
  });
  const orphans = new Map<string, string[]>();
  for (const s of all) {
    for (const t of s.tags) {
      const id = t.slice(1);
      const isOrphanId = REQUIREMENT_ID.test(id) && !known.has(id);
      const isOrphanFault = t.startsWith('@fault:') && !isFaultKind(t.slice(7));
      if (isOrphanId || isOrphanFault) orphans.set(t, [...(orphans.get(t) ?? []), s.where]);
    }
  }
  return {
    generatedAt: new Date().toISOString(),
    run: {
      success,
      scenarios: all.length,
      passed: all.filter((s) => s.status === 'PASSED').length,
      failed: all.filter((s) => rank(s.status) < rank('SKIPPED')).length,
      skipped: all.filter((s) => s.status === 'SKIPPED' || s.status === 'NOT RUN').length,
      notApplicable: all.filter((s) => s.status === 'NOT APPLICABLE').length,
      durationMs: runEnd - runStart,
    },
    requirements: rows,
    catalogue: cells,
    uncovered: rows.filter((r) => r.scenarios.length === 0).map((r) => r.id),
    orphanTags: [...orphans.entries()].map(([tag, scenarios]) => ({ tag, scenarios })),
  };
}

/**
 * What a set of scenarios proves together: broken if one broke; NOT APPLICABLE if none applies here; UNPROVEN if
 * none of those that apply ran and passed; PARTIAL if some did; PASSED if all did. `none` is the status of an empty set.
 */
function rollUp(scenarios: ScenarioResult[], none: Status): { status: Status; reason?: string } {
  const names = (list: ScenarioResult[]): string =>
    list.map((s) => `${s.name} (${s.status}${s.skip ? `: ${s.skip.reason}` : ''})`).join('; ');
  if (scenarios.length === 0) return { status: none, reason: 'no scenario traces to it' };
  const broken = scenarios.filter((s) => BROKEN.includes(s.status));
  if (broken.length)
    return { status: worstOf(broken), reason: `${broken.length} of ${scenarios.length} scenarios not passed: ${names(broken)}` };
  const applicable = scenarios.filter((s) => s.status !== 'NOT APPLICABLE');
  if (applicable.length === 0)
    return { status: 'NOT APPLICABLE', reason: [...new Set(scenarios.map((s) => s.skip?.reason ?? 'not applicable'))].join('; ') };
  const unproven = applicable.filter((s) => s.status !== 'PASSED');
  if (unproven.length === applicable.length)
    return { status: 'UNPROVEN', reason: `none of its ${applicable.length} scenarios ran and passed here: ${names(unproven)}` };
  if (unproven.length)
    return { status: 'PARTIAL', reason: `${unproven.length} of ${applicable.length} scenarios did not run here: ${names(unproven)}` };
  return { status: 'PASSED' };
}

function worstOf(scenarios: ScenarioResult[]): Status {
  return scenarios.reduce<Status>((w, s) => (rank(s.status) < rank(w) ? s.status : w), 'PASSED');
}

function rank(s: Status): number {
  return ORDER.indexOf(s);
}

function toMs(t: { seconds: number; nanos: number }): number {
  return t.seconds * 1000 + Math.round(t.nanos / 1e6);
}

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Renders the report as one self-contained HTML page, with deep links into `cucumber.html?query=@ID`. */
export function renderTraceabilityHtml(report: TraceabilityReport, cucumberHtml = 'cucumber.html'): string {
  const badge = (s: Status): string => `<span class="st st-${s.replaceAll(' ', '-').toLowerCase()}">${s}</span>`;
  const link = (query: string, text: string): string => `<a href="${cucumberHtml}?query=${encodeURIComponent(query)}">${esc(text)}</a>`;
  const rows = report.requirements
    .map((r) => {
      const scenarios = r.scenarios.length
        ? `<ul>${r.scenarios
            .map((s) => {
              const faults = s.faults
                .map((f) => `${esc(f.kind)}: ${esc(f.description)} → <b>${esc(f.verdict ?? 'not verified')}</b>`)
                .join('<br>');
              const measures = Object.entries(s.measures)
                .map(([k, v]) => `${esc(k)} = ${v} ms`)
                .join(', ');
              return `<li>${badge(s.status)} ${link(s.name, s.name)} <small>${esc(s.where)} · ${s.durationMs} ms${s.attempts > 1 ? ` · ${s.attempts} attempts` : ''}${s.flaky ? ' · <b>flaky</b>' : ''}</small>${faults ? `<div class="ev">${faults}</div>` : ''}${measures ? `<div class="ev">${measures}</div>` : ''}${s.message ? `<div class="err">${esc(s.message)}</div>` : ''}${s.timelineSvg ? `<details class="tl"><summary>timeline</summary>${s.timelineSvg}</details>` : ''}</li>`;
            })
            .join('')}</ul>`
        : '<i>no scenario</i>';
      return `<tr id="${esc(r.id)}"><td>${link(`@${r.id}`, r.id)}<br><small>${esc(r.level)}${r.parent ? ` · under ${esc(r.parent)}` : ''}</small></td><td><b>${esc(r.title)}</b><br><small>${esc(r.text)}</small><br><small class="src">${esc(r.source)}</small></td><td>${badge(r.status)}${r.reason ? `<br><small>${esc(r.reason)}</small>` : ''}</td><td>${scenarios}</td></tr>`;
    })
    .join('\n');
  const covered = report.requirements.length - report.uncovered.length;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>llama-orch chaos — requirement traceability</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;width:100%}
td,th{border:1px solid #ddd;padding:6px;vertical-align:top;text-align:left}th{background:#f4f4f4}
ul{margin:0;padding-left:1.2em}small{color:#666}.ev{font-size:12px;color:#334}.err{font-size:12px;color:#a00}
.st{display:inline-block;padding:0 6px;border-radius:3px;font-size:11px;font-weight:bold;color:#fff;background:#888}
.st-passed{background:#2a7}.st-partial{background:#e80}.st-empty{background:#c33}.st-failed,.st-ambiguous,.st-undefined{background:#c33}.st-skipped,.st-pending{background:#d90}.st-not-run{background:#999}.st-unproven{background:#c33}.st-not-applicable{background:#57a}
</style></head><body>
<h1>Requirement traceability</h1>
<p>Run ${report.run.success ? 'passed' : 'failed'}: ${report.run.scenarios} scenarios, ${report.run.passed} passed, ${report.run.failed} failed, ${report.run.skipped} skipped or not run, ${report.run.notApplicable ?? 0} not applicable here, ${report.run.durationMs} ms. Generated ${esc(report.generatedAt)}.</p>
<p>${covered} of ${report.requirements.length} requirements covered by at least one scenario.${report.uncovered.length ? ` Uncovered: ${report.uncovered.map((id) => `<a href="#${id}">${id}</a>`).join(', ')}.` : ''}</p>
${report.orphanTags.length ? `<p class="err">Tags not in the registry: ${report.orphanTags.map((o) => `${esc(o.tag)} (${o.scenarios.map(esc).join(', ')})`).join('; ')}</p>` : ''}
${catalogueHtml(report, badge)}
<h2>Requirements</h2>
<table><thead><tr><th>ID</th><th>Requirement</th><th>Status</th><th>Scenarios, fault evidence, recovery figures</th></tr></thead>
<tbody>
${rows}
</tbody></table></body></html>
`;
}

/** The seed's catalogue as a family × failure list, each cell with its worst status and scenario count. */
function catalogueHtml(report: TraceabilityReport, badge: (s: Status) => string): string {
  if (report.catalogue.length === 0) return '';
  const families = [...new Set(report.catalogue.map((c) => c.family))];
  const rows = families
    .map((f) => {
      const cells = report.catalogue
        .filter((c) => c.family === f)
        .map(
          (c) =>
            `<td title="${esc(c.scenarios.join('\n'))}">${esc(c.failure)}<br>${badge(c.status)} <small>${c.scenarios.length} scenario(s)</small></td>`,
        )
        .join('');
      return `<tr><th>${esc(f)}</th>${cells}</tr>`;
    })
    .join('\n');
  return `<h2>Fault catalogue</h2><table class="matrix">${rows}</table>`;
}

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
