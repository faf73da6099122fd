import { SIGNAL_HOOKS } from '../faults/registry';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { InvalidConfiguration } from '../core/errors';
import { isCapability } from './capabilities';
import { Validator } from './profile-validator';

/** One daemon of the target: how to start it and how to tell it is ready. */
export interface ComponentProfile {
  command: string[];
  env: Record<string, string>;
  /** URL that answers 200 once the component can serve. */
  ready: string;
  /** URL that answers non-200 once the component is draining (optional). */
  draining?: string;
  stopGraceMs: number;
}

/**
 * A target profile: everything the suite needs to start, reach and fault a target, as data. Strings may hold
 * placeholders, filled per scenario: `${port:NAME}` (a free loopback port), `${proxy:NAME}` (the listen address of the
 * Toxiproxy proxy NAME), `${dir}` (the scenario's folder), `${root}` (the repository), `${file:NAME}` (a generated
 * file from `files`), `${model}`, `${gpu-inventory}`, `${pool.id}`, `${pool.slots}`, `${replica}` (in `replica` and
 * proxy names), `${replicas}` (the rendered replica list), `${tune:NAME|default}` (a scenario's tuning) and
 * `${timing:NAME}` (a number of `timings`, so that the target's setting and the bound the scenarios assert are one
 * number, set once).
 */
export interface TargetProfile {
  file: string;
  name: string;
  description: string;
  /** `modelFile`: a real model to serve (the suite then writes no fixture model); `modelSizeBytes`: the fixture's size. */
  pool: { id: string; slots: number; modelSizeBytes: number; gpuDevices: number; modelFile?: string };
  startupTimeoutMs: number;
  /**
   * The most parallel workers the target bears on one machine (cucumber.js reads it for `-p ci`; CHAOS_WORKERS
   * overrides): the real engines use the cores themselves, so their scenarios run one at a time. None: 2, the default.
   */
  maxWorkers?: number;
  env: Record<string, string>;
  components: Record<string, ComponentProfile>;
  /**
   * Start-up in stages: each stage's components are spawned together and all must be ready before the next stage
   * starts (a plain name is a stage of one). Stopping goes in the reverse order, one component at a time.
   */
  startOrder: string[][];
  api: { orchestrator: string; poolManager: string };
  proxies: Record<string, string>;
  replica: Record<string, unknown>;
  files: Record<string, unknown>;
  logDirs: string[];
  /** Where one replica's engine writes its log (may use `${replica}`). */
  engineLog?: string;
  /** Where the pool manager stages models. */
  modelCache?: string;
  /** How the target's logs show what the history checker reads from them (see support/observe/evidence.ts). */
  evidence: { engineGeneration?: string; engineTask?: string; dispatchStarted?: string; replicaAvailability?: string };
  /** What the target can do beyond the contract (support/stack/capabilities.ts): scenarios needing more are skipped. */
  capabilities: string[];
  /**
   * Capabilities the target lacks for a physical reason (a CPU build has no GPU to lose), each with that reason: a
   * scenario that needs one is NOT APPLICABLE on this target, a status of its own in the report (neither skipped nor
   * passed). A capability missing without a reason here leaves its scenarios SKIPPED, and what they prove UNPROVEN.
   */
  notApplicable: Record<string, string>;
  /**
   * The contract timings the target is configured with, which scenarios assert against (a stalled stream ends at the
   * idle timeout): the target's own settings take them as `${timing:NAME}`, so a bound scales with the profile.
   */
  timings: {
    idleTimeoutMs: number;
    /** How long the pool manager lets an engine it stops finish before it kills it (`POOL_SHUTDOWN_GRACE_MS`). */
    engineStopGraceMs: number;
  };
  /** The engines always generate the `max_tokens` asked for (no early stop at end-of-sequence). */
  generatesMaxTokens: boolean;
  /**
   * A task's seed may change its text (true unless the profile says false): false where the target decodes greedily
   * (the reference orchestrator asks its engines for temperature 0, and llama.cpp then ignores the seed), so that an
   * undisturbed run of a request serves every request that differs from it only by the seed
   * (support/load/undisturbed-texts.ts). Said wrongly, a correct target's tasks are compared with other seeds' texts
   * and fail the identical-text check where those differ, the check naming the rerun it compared with.
   */
  seedDecidesText: boolean;
  /**
   * What the machine must offer before this target can run at all (a GPU and its driver for a CUDA build): each a
   * command that must succeed, with what it proves. The run refuses to start otherwise and says which and why.
   */
  requires: { command: string[]; reason: string }[];
  /** How this target can undergo faults that need its cooperation, by fault kind. */
  faults: {
    /** Kinds whose declaration says `mechanism: 'signal-hook'` (support/faults/registry.ts, SIGNAL_HOOKS). */
    signals: Record<string, { signal: NodeJS.Signals; evidence: string }>;
    'gpu.unavailable'?: { inventory: string };
  };
}

/** The named groups each evidence pattern must have (support/observe/evidence.ts). */
const EVIDENCE_GROUPS: Record<string, string[]> = {
  engineGeneration: ['tokens'],
  engineTask: ['seed'],
  dispatchStarted: ['replica', 'time'],
  replicaAvailability: ['replica', 'time', 'available'],
};

/** The tunes a profile takes: every `${tune:NAME|default}` it holds. A scenario's tune it does not take does nothing. */
export function tunesTaken(profile: TargetProfile): Set<string> {
  return new Set(tuneDefaults(profile).keys());
}

/** Every `${tune:NAME|default}` in `value` (a profile, or a part of one): name → default (the last one met). */
export function tuneDefaults(value: unknown): Map<string, string> {
  return new Map([...JSON.stringify(value).matchAll(/\$\{tune:([\w-]+)\|([^}]*)\}/g)].map((m) => [m[1], m[2]]));
}

/** Reads and validates a target profile; every error names the file and the field. */
export function loadProfile(file: string): TargetProfile {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new InvalidConfiguration(`Target profile ${file}: cannot be read as JSON: ${(err as Error).message}`);
  }
  const v = new Validator(file);
  const loaded = v.object(expandStatic(raw), '(root)');
  const timingsAt = v.object(loaded.timings, 'timings');
  const timings = {
    idleTimeoutMs: v.positiveInt(timingsAt.idleTimeoutMs, 'timings.idleTimeoutMs'),
    engineStopGraceMs: v.positiveInt(timingsAt.engineStopGraceMs, 'timings.engineStopGraceMs'),
  };
  const root = v.object(expandTimings(loaded, timings, '', v), '(root)');
  const pool = v.object(root.pool, 'pool');
  const components = v.object(root.components, 'components');
  const profile: TargetProfile = {
    file,
    name: v.string(root.name, 'name'),
    description: typeof root.description === 'string' ? root.description : '',
    pool: {
      id: v.string(pool.id, 'pool.id'),
      slots: v.positiveInt(pool.slots, 'pool.slots'),
      modelSizeBytes: v.positiveInt(pool.modelSizeBytes, 'pool.modelSizeBytes'),
      gpuDevices: v.nonNegativeInt(pool.gpuDevices, 'pool.gpuDevices'),
      modelFile: pool.modelFile === undefined ? undefined : v.string(pool.modelFile, 'pool.modelFile'),
    },
    startupTimeoutMs: v.positiveInt(root.startupTimeoutMs ?? 15000, 'startupTimeoutMs'),
    maxWorkers: root.maxWorkers === undefined ? undefined : v.positiveInt(root.maxWorkers, 'maxWorkers'),
    env: v.stringMap(root.env ?? {}, 'env'),
    components: {},
    startOrder: [],
    api: {
      orchestrator: v.string(v.object(root.api, 'api').orchestrator, 'api.orchestrator'),
      poolManager: v.string(v.object(root.api, 'api').poolManager, 'api.poolManager'),
    },
    proxies: v.stringMap(root.proxies ?? {}, 'proxies'),
    replica: v.object(root.replica, 'replica'),
    files: v.object(root.files ?? {}, 'files'),
    logDirs: v.stringArray(root.logDirs ?? [], 'logDirs'),
    engineLog: root.engineLog === undefined ? undefined : v.string(root.engineLog, 'engineLog'),
    modelCache: root.modelCache === undefined ? undefined : v.string(root.modelCache, 'modelCache'),
    faults: { signals: {} },
    evidence: {},
    capabilities: v.stringArray(root.capabilities ?? [], 'capabilities'),
    notApplicable: v.stringMap(root.notApplicable ?? {}, 'notApplicable'),
    timings,
    generatesMaxTokens: root.generatesMaxTokens === undefined ? true : v.boolean(root.generatesMaxTokens, 'generatesMaxTokens'),
    seedDecidesText: root.seedDecidesText === undefined ? true : v.boolean(root.seedDecidesText, 'seedDecidesText'),
    requires: (Array.isArray(root.requires) || root.requires === undefined
      ? ((root.requires ?? []) as unknown[])
      : v.fail('requires', 'must be an array of {command, reason}', root.requires)
    ).map((r, i) => {
      const o = v.object(r, `requires[${i}]`);
      return { command: v.stringArray(o.command, `requires[${i}].command`), reason: v.string(o.reason, `requires[${i}].reason`) };
    }),
  };
  for (const [i, c] of profile.capabilities.entries())
    if (!isCapability(c)) v.fail(`capabilities[${i}]`, `must name a capability of support/stack/capabilities.ts`, c);
  for (const [c, reason] of Object.entries(profile.notApplicable)) {
    if (!isCapability(c)) v.fail(`notApplicable.${c}`, 'must name a capability of support/stack/capabilities.ts', c);
    if (profile.capabilities.includes(c)) v.fail(`notApplicable.${c}`, 'names a capability the profile also offers', c);
    if (!reason.trim()) v.fail(`notApplicable.${c}`, 'must give the physical reason the capability cannot exist here', reason);
  }
  const evidence = v.object(root.evidence ?? {}, 'evidence');
  for (const [name, pattern] of Object.entries(evidence)) {
    if (!(name in EVIDENCE_GROUPS))
      v.fail(`evidence.${name}`, `names no evidence the checker reads (known: ${Object.keys(EVIDENCE_GROUPS).join(', ')})`, pattern);
    const text = v.string(pattern, `evidence.${name}`);
    try {
      new RegExp(text);
    } catch (err) {
      v.fail(`evidence.${name}`, `must be a regular expression (${(err as Error).message})`, text);
    }
    const groups = EVIDENCE_GROUPS[name];
    for (const g of groups) if (!text.includes(`(?<${g}>`)) v.fail(`evidence.${name}`, `must have a named group \`${g}\``, text);
    profile.evidence[name as keyof TargetProfile['evidence']] = text;
  }
  const faults = v.object(root.faults ?? {}, 'faults');
  for (const [kind, spec] of Object.entries(faults)) {
    const m = v.object(spec, `faults.${kind}`);
    if (kind === 'gpu.unavailable') {
      profile.faults['gpu.unavailable'] = { inventory: v.string(m.inventory, `faults.${kind}.inventory`) };
      continue;
    }
    if (!(SIGNAL_HOOKS as readonly string[]).includes(kind))
      v.fail(
        `faults.${kind}`,
        `names no fault that needs a target mechanism (known: ${[...SIGNAL_HOOKS, 'gpu.unavailable'].join(', ')})`,
        spec,
      );
    const signal = v.string(m.signal, `faults.${kind}.signal`);
    if (!/^SIG[A-Z0-9]+$/.test(signal)) v.fail(`faults.${kind}.signal`, 'must be a signal name such as SIGUSR2', signal);
    profile.faults.signals[kind] = {
      signal: signal as NodeJS.Signals,
      evidence: v.string(m.evidence, `faults.${kind}.evidence`),
    };
  }
  for (const [name, c] of Object.entries(components)) {
    const at = `components.${name}`;
    const comp = v.object(c, at);
    const command = v.stringArray(comp.command, `${at}.command`);
    if (command.length === 0) v.fail(`${at}.command`, 'must be a non-empty array of strings', comp.command);
    profile.components[name] = {
      command,
      env: v.stringMap(comp.env ?? {}, `${at}.env`),
      ready: v.string(comp.ready, `${at}.ready`),
      draining: comp.draining === undefined ? undefined : v.string(comp.draining, `${at}.draining`),
      stopGraceMs: v.positiveInt(comp.stopGraceMs ?? 3000, `${at}.stopGraceMs`),
    };
  }
  if (!Array.isArray(root.startOrder) || root.startOrder.length === 0)
    v.fail('startOrder', 'must be a non-empty array of component names or arrays of them (a stage started together)', root.startOrder);
  for (const [i, stage] of (root.startOrder as unknown[]).entries()) {
    const names = typeof stage === 'string' ? [stage] : v.stringArray(stage, `startOrder[${i}]`);
    if (names.length === 0) v.fail(`startOrder[${i}]`, 'must name at least one component', stage);
    for (const name of names)
      if (!profile.components[name])
        v.fail(`startOrder[${i}]`, `must name a component (one of: ${Object.keys(profile.components).join(', ')})`, name);
    profile.startOrder.push(names);
  }
  for (const role of ['orchestrator', 'pool-manager']) {
    if (!profile.components[role]) v.fail(`components.${role}`, 'is required', undefined);
  }
  checkPlaceholders(root, '', v);
  return profile;
}

const KNOWN =
  /^(port:[\w.${}-]+|proxy:[\w.${}-]+|file:[\w-]+|tune:[\w-]+\|[^}]*|dir|root|model|gpu-inventory|pool\.id|pool\.slots|replica|replicas)$/;

const ROOT = path.resolve(__dirname, '..', '..');

/**
 * Expands the placeholders that are the same for every scenario, once, at load: `${root}` (the repository) and
 * `${env:NAME|default}` (an environment variable, or the default), so a profile can name a binary or a model that a
 * user may put elsewhere (LLAMA_SERVER, LLORCH_MODEL).
 */
function expandStatic(value: unknown): unknown {
  if (typeof value === 'string')
    return value
      .replace(/\$\{root\}/g, ROOT)
      .replace(/\$\{env:([A-Za-z_][A-Za-z0-9_]*)\|([^}]*)\}/g, (_, name: string, fallback: string) => process.env[name] || fallback);
  if (Array.isArray(value)) return value.map(expandStatic);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, x]) => [k, expandStatic(x)]));
  return value;
}

/** Fills every `${timing:NAME}` with that number of `timings`; fails, naming the field, on a timing there is not. */
function expandTimings(value: unknown, timings: TargetProfile['timings'], at: string, v: Validator): unknown {
  if (typeof value === 'string')
    return value.replace(/\$\{timing:([^}]*)\}/g, (_, name: string) => {
      if (!Object.hasOwn(timings, name))
        v.fail(at || '(root)', `uses \${timing:${name}}, but \`timings\` has ${Object.keys(timings).join(' and ')} only`, value);
      return String(timings[name as keyof typeof timings]);
    });
  if (Array.isArray(value)) return value.map((x, i) => expandTimings(x, timings, `${at}[${i}]`, v));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, x]) => [k, expandTimings(x, timings, at ? `${at}.${k}` : k, v)]));
  return value;
}

/** Fails on a placeholder the renderer does not know, naming the field where it sits. */
function checkPlaceholders(value: unknown, at: string, v: Validator): void {
  if (typeof value === 'string') {
    const flat = value.replace(/\$\{replica\}/g, 'r');
    for (const m of flat.matchAll(/\$\{([^}]*)\}/g)) {
      if (!KNOWN.test(m[1])) v.fail(at || '(root)', `uses an unknown placeholder \${${m[1]}}`, value);
    }
  } else if (Array.isArray(value)) {
    value.forEach((x, i) => checkPlaceholders(x, `${at}[${i}]`, v));
  } else if (value && typeof value === 'object') {
    for (const [k, x] of Object.entries(value)) checkPlaceholders(x, at ? `${at}.${k}` : k, v);
  }
}
