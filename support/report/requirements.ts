import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { InvalidConfiguration } from '../core/errors';
import { isFaultKind } from '../faults/registry';

/** One requirement of the registry. */
export interface Requirement {
  id: string;
  title: string;
  level: 'MUST' | 'SHOULD';
  source: string;
  parent?: string;
  text: string;
  upstream_text?: string;
  /** Catalogue families the requirement names: it is PARTIAL while one of their cells has no passing scenario. */
  families?: string[];
}

/** One cell of the seed's fault catalogue and the feature files whose scenarios prove it. */
export interface CatalogueCell {
  family: string;
  failure: string;
  features: string[];
  /**
   * The fault kinds that are this cell's fault: when given, only the scenarios of its features that apply one of them
   * (tagged `@fault:<kind>`) prove it (a disk-full cell needs a disk that filled, not a log pipe that closed).
   */
  faults?: string[];
}

/** Reads the `catalogue` of `features/requirements.yaml`; every error names the file and the entry. */
export function loadCatalogue(file: string): CatalogueCell[] {
  const list = (parse(readFileSync(file, 'utf8')) as { catalogue?: unknown })?.catalogue;
  if (!Array.isArray(list)) throw new InvalidConfiguration(`Requirements registry ${file}: field \`catalogue\` must be a list`);
  return list.map((e, i) => {
    const c = e as Partial<CatalogueCell>;
    if (typeof c?.family !== 'string' || typeof c.failure !== 'string' || !Array.isArray(c.features) || c.features.length === 0)
      throw new InvalidConfiguration(
        `Requirements registry ${file}: \`catalogue[${i}]\` needs a family, a failure and at least one feature, got \`${JSON.stringify(e)}\``,
      );
    const unknown = (c.faults ?? []).filter((k) => typeof k !== 'string' || !isFaultKind(k));
    if (c.faults !== undefined && (!Array.isArray(c.faults) || c.faults.length === 0 || unknown.length > 0))
      throw new InvalidConfiguration(
        `Requirements registry ${file}: \`catalogue[${i}].faults\` (${c.family} / ${c.failure}) must list known fault kinds, got \`${JSON.stringify(c.faults)}\``,
      );
    return c as CatalogueCell;
  });
}

/** Requirement IDs as tags: `ORCH-3051`, `OC-POOL-3011`, `CHAOS-001`. */
export const REQUIREMENT_ID = /^[A-Z]+(-[A-Z]+)*-\d{3,5}$/;

/** Reads and validates `features/requirements.yaml`; every error names the file, the entry and the field. */
export function loadRequirements(file: string): Requirement[] {
  let doc: unknown;
  try {
    doc = parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new InvalidConfiguration(`Requirements registry ${file}: cannot be read as YAML: ${(err as Error).message}`);
  }
  const list = (doc as { requirements?: unknown })?.requirements;
  if (!Array.isArray(list) || list.length === 0)
    throw new InvalidConfiguration(`Requirements registry ${file}: field \`requirements\` must be a non-empty list`);
  const seen = new Set<string>();
  const out = list.map((entry, i): Requirement => {
    const at = `requirements[${i}]`;
    const e = entry as Record<string, unknown>;
    const fail = (field: string, rule: string): never => {
      throw new InvalidConfiguration(
        `Requirements registry ${file}: field \`${at}.${field}\`${typeof e?.id === 'string' ? ` (${e.id})` : ''} ${rule}, got \`${JSON.stringify(e?.[field])}\``,
      );
    };
    if (typeof e !== 'object' || e === null) throw new InvalidConfiguration(`Requirements registry ${file}: \`${at}\` must be a mapping`);
    if (typeof e.id !== 'string' || !REQUIREMENT_ID.test(e.id)) fail('id', `must match ${REQUIREMENT_ID}`);
    if (seen.has(e.id as string)) fail('id', 'must be unique');
    seen.add(e.id as string);
    for (const field of ['title', 'source', 'text'])
      if (typeof e[field] !== 'string' || !e[field]) fail(field, 'must be a non-empty string');
    if (e.level !== 'MUST' && e.level !== 'SHOULD') fail('level', 'must be MUST or SHOULD');
    return e as unknown as Requirement;
  });
  for (const [i, r] of out.entries()) {
    if (r.parent !== undefined && !seen.has(r.parent)) {
      throw new InvalidConfiguration(
        `Requirements registry ${file}: field \`requirements[${i}].parent\` (${r.id}) names an unknown requirement, got \`${r.parent}\``,
      );
    }
  }
  return out;
}
