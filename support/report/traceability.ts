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
  /** The target profile the run tested (set by the formatter). */
  profile?: string;
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
    const ofCell = (s: ScenarioResult): boolean => !cell.faults || cell.faults.some((k) => s.tags.includes(`@fault:${k}`));
    const scenarios = all.filter((s) => cell.features.some((f) => s.where.startsWith(`${f}:`)) && ofCell(s));
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
