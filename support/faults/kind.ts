import path from 'node:path';
import type { ExploreForms, NotExplorable } from './explore-form';
import type { Fault } from './fault';
import type { FaultSite } from './targets';

/**
 * How a target provides a fault that needs its cooperation, in its profile's `faults.<kind>`: a signal its engine
 * handles with a log line that proves it (`{ "signal", "evidence" }`), or a device inventory its GPU probe reads.
 */
export type Mechanism = 'signal-hook' | 'gpu-inventory';

/**
 * A step a kind declares (steps/declared-faults.steps.ts binds it): a Cucumber expression whose parameters (a
 * `{replica}`) are handed over as strings, and either what it applies (the fault, built from the scenario's site, and
 * the subject a later step heals) or which subject it heals.
 */
export type DeclaredStep =
  | { phrase: string; apply: (site: FaultSite, ...args: string[]) => { fault: Fault; subject?: string } }
  | { phrase: string; heal: (...args: string[]) => string };

/**
 * Everything about one fault kind, declared once, in the kind's own file: the registry (registry.ts) is one line per
 * kind, and the kind union, the allowed-errors table, the capabilities, the profile's fault hooks, the explorer's
 * alphabet and the README's table of kinds are all derived from these declarations.
 */
export interface FaultKindDeclaration<K extends string = string, A extends unknown[] = never[], F extends Fault = Fault> {
  /** The kind: also the `@fault:<kind>` tag of the scenarios that apply it. */
  kind: K;
  /** What it does, in one line (tags, reports, the README's table). */
  meaning: string;
  /** The file that declares it (README's table). */
  file: string;
  /** The typed errors a task may end with, or be refused with, under it (support/checks/allowed-errors.ts). */
  errors: readonly string[];
  /** Capabilities a target needs to offer it, each with what it means (`@needs:` tags, `capabilities` of a profile). */
  needs?: Record<string, string>;
  /**
   * A confirmed inject means the process it acts on is gone or going (killed, told to stop, dead of a GPU error): its
   * supervisor must start a new one, and the pool is whole again only once it has.
   */
  endsProcess?: true;
  /** How a target profile provides it, when it needs the target's cooperation. */
  mechanism?: Mechanism;
  /** Builds one (its constructor's arguments). */
  create: (...args: A) => F;
  /**
   * The steps that apply and end it, bound for every scenario by steps/declared-faults.steps.ts (kinds declared before
   * this field have their steps in steps/fault.steps.ts). The explorer's forms write the same phrases.
   */
  steps?: DeclaredStep[];
  /** How the explorer may draw it, or why it cannot. */
  explore: ExploreForms | NotExplorable;
}

/**
 * Declares a fault kind (its constructor last, so the declaration reads as a table row). `file` is the declaring
 * module's `__filename`.
 */
export function declareKind<const K extends string, A extends unknown[], F extends Fault>(
  d: Omit<FaultKindDeclaration<K, A, F>, 'create' | 'file'> & { file: string },
  Ctor: new (...args: A) => F,
): FaultKindDeclaration<K, A, F> {
  return { ...d, file: path.basename(d.file), create: (...args: A) => new Ctor(...args) };
}
