import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { AstBuilder, compile, GherkinClassicTokenMatcher, Parser } from '@cucumber/gherkin';
import { IdGenerator } from '@cucumber/messages';
import { isFaultKind } from '../faults/registry';
import { isCapability } from '../stack/capabilities';
import { REQUIREMENT_ID, Requirement } from './requirements';

/** A scenario (pickle) with its inherited tags and where it is written. */
export interface ScenarioTags {
  name: string;
  where: string;
  tags: string[];
  /** Its Then-steps (and the And/But after them), when read from a feature file. */
  thens?: number;
}

/** Tags that are neither requirement IDs nor faults but mean something to the suite. */
export const MARKER_TAGS = new Set(['@privileged', '@serial', '@smoke', '@slow', '@explored']);

export interface LintResult {
  errors: string[];
  uncovered: string[];
  scenarios: number;
}

/** Every scenario of the `.feature` files under `dir`, with the tags it inherits (Feature → Rule → Scenario → Examples). */
export function readScenarios(dir: string): ScenarioTags[] {
  const out: ScenarioTags[] = [];
  for (const file of featureFiles(dir)) {
    const uri = path.relative(process.cwd(), file);
    const newId = IdGenerator.incrementing();
    const parser = new Parser(new AstBuilder(newId), new GherkinClassicTokenMatcher());
    const gherkinDocument = parser.parse(readFileSync(file, 'utf8'));
    const lines = new Map<string, number>();
    const index = (
      children: readonly { scenario?: { id: string; location: { line: number } }; rule?: { children: readonly unknown[] } }[],
    ): void => {
      for (const c of children) {
        if (c.scenario) lines.set(c.scenario.id, c.scenario.location.line);
        if (c.rule) index(c.rule.children as typeof children);
      }
    };
    index(gherkinDocument.feature?.children ?? []);
    for (const pickle of compile(gherkinDocument, uri, newId)) {
      out.push({
        name: pickle.name,
        where: `${uri}:${lines.get(pickle.astNodeIds[0]) ?? '?'}`,
        tags: pickle.tags.map((t) => t.name),
        thens: pickle.steps.filter((step) => step.type === 'Outcome').length,
      });
    }
  }
  return out;
}

/**
 * Checks every scenario's tags: each needs at least one requirement ID from the registry and at least one known
 * `@fault:<kind>`; any other tag must be a known marker. A scenario with no Then-step checks nothing of its own, so it
 * proves no requirement: an error too. Also lists registry IDs no scenario covers.
 */
export function lintTags(scenarios: ScenarioTags[], requirements: Requirement[]): LintResult {
  const known = new Set(requirements.map((r) => r.id));
  const covered = new Set<string>();
  const errors: string[] = [];
  for (const s of scenarios) {
    const problems = tagProblems(s.tags, known);
    if (s.thens === 0) problems.push('has no Then-step: it checks nothing of its own, so it proves no requirement');
    for (const t of s.tags) if (known.has(t.slice(1))) covered.add(t.slice(1));
    errors.push(...problems.map((p) => `${s.where} (${s.name}): ${p}`));
  }
  return { errors, uncovered: requirements.map((r) => r.id).filter((id) => !covered.has(id)), scenarios: scenarios.length };
}

/** The problems with one scenario's tags, as sentences; empty when the tags are fine. */
export function tagProblems(tags: string[], known: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  const ids = tags.filter((t) => REQUIREMENT_ID.test(t.slice(1)));
  const faults = tags.filter((t) => t.startsWith('@fault:'));
  for (const t of ids) if (!known.has(t.slice(1))) problems.push(`tag ${t} is not a requirement in features/requirements.yaml`);
  if (ids.length === 0) problems.push('a scenario must carry at least one requirement tag (e.g. @ORCH-3051)');
  for (const t of faults)
    if (!isFaultKind(t.slice('@fault:'.length))) problems.push(`tag ${t} names an unknown fault kind (see support/faults/registry.ts)`);
  if (faults.length === 0)
    problems.push('a scenario must carry a @fault:<kind> tag for every kind of fault it applies (@fault:none for none), found none');
  if (faults.length > 1 && faults.includes('@fault:none'))
    problems.push(`@fault:none cannot stand beside other fault kinds, found ${faults.join(' ')}`);
  for (const t of tags.filter((x) => x.startsWith('@needs:')))
    if (!isCapability(t.slice('@needs:'.length))) problems.push(`tag ${t} names an unknown capability (see support/stack/capabilities.ts)`);
  for (const t of tags) {
    if (!REQUIREMENT_ID.test(t.slice(1)) && !t.startsWith('@fault:') && !t.startsWith('@needs:') && !MARKER_TAGS.has(t)) {
      problems.push(
        `tag ${t} is unknown (requirement IDs, @fault:<kind>, @needs:<capability> and ${[...MARKER_TAGS].join(' ')} are allowed)`,
      );
    }
  }
  return problems;
}

function featureFiles(dir: string): string[] {
  return readdirSync(dir)
    .flatMap((name) => {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) return featureFiles(full);
      return name.endsWith('.feature') ? [full] : [];
    })
    .sort();
}

/**
 * Where a scenario's `@fault:` tags and the faults it applied disagree, one line each: a tagged kind it never applied
 * (the report would trace the scenario to a fault that did not happen), or a kind it applied without the tag.
 */
export function faultTagMismatch(tagged: string[], applied: string[]): string[] {
  const out: string[] = [];
  for (const k of tagged)
    if (k !== 'none' && !applied.includes(k)) out.push(`Fault tags: the scenario is tagged @fault:${k} but applied no ${k} fault`);
  for (const k of new Set(applied))
    if (!tagged.includes(k)) out.push(`Fault tags: the scenario applied a ${k} fault but is not tagged @fault:${k}`);
  return out;
}
