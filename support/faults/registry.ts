import { CPU_SATURATE } from './cpu-saturate';
import { DISK_FULL } from './disk-full';
import { ENGINE_COMPLETION_ERRORS } from './engine-completion-errors';
import { ENGINE_DRIVER_RESET } from './engine-driver-reset';
import { ENGINE_ECC_ERROR } from './engine-ecc-error';
import { ENGINE_STREAM_END } from './engine-stream-end';
import { BREAKER_AT_LINK, type ExploreForm } from './explore-form';
import { GPU_MEMORY_TAKEN } from './gpu-memory-taken';
import { GPU_UNAVAILABLE } from './gpu-unavailable';
import type { FaultKindDeclaration } from './kind';
import { LOG_UNWRITABLE } from './log-unwritable';
import { MEMORY_LIMIT } from './memory-limit';
import { NETWORK_CUT } from './network-cut';
import { NETWORK_DOWN } from './network-down';
import { NETWORK_LATENCY } from './network-latency';
import { NETWORK_PARTITION } from './network-partition';
import { NETWORK_RESET } from './network-reset';
import { NETWORK_SLOW } from './network-slow';
import { NETWORK_TIMEOUT } from './network-timeout';
import { NETWORK_TRUNCATE } from './network-truncate';
import { PROCESS_KILL } from './process-kill';
import { PROCESS_PAUSE } from './process-pause';
import { POOL_RELOAD } from './pool-reload';
import { PROCESS_TERM } from './process-term';
import { REPLICA_RESTART } from './replica-restart';

/**
 * The registry of fault kinds (as Toxiproxy registers its toxics by name): one line per kind, each declared in its own
 * file (support/faults/kind.ts). The kind is also the `@fault:<kind>` tag of the scenarios that use it; the tag lint,
 * the traceability report, the checker's allowed errors, the capabilities, the profile loader and the explorer all
 * read this list, so tags, code and reports cannot drift apart.
 */
const KINDS = [
  PROCESS_KILL,
  PROCESS_TERM,
  PROCESS_PAUSE,
  ENGINE_DRIVER_RESET,
  ENGINE_ECC_ERROR,
  ENGINE_STREAM_END,
  ENGINE_COMPLETION_ERRORS,
  GPU_UNAVAILABLE,
  GPU_MEMORY_TAKEN,
  NETWORK_DOWN,
  NETWORK_LATENCY,
  NETWORK_TIMEOUT,
  NETWORK_RESET,
  NETWORK_SLOW,
  NETWORK_CUT,
  NETWORK_TRUNCATE,
  NETWORK_PARTITION,
  MEMORY_LIMIT,
  DISK_FULL,
  CPU_SATURATE,
  LOG_UNWRITABLE,
  POOL_RELOAD,
  REPLICA_RESTART,
] as const;

type Declared = (typeof KINDS)[number];

/** The fault kinds the suite can inject (derived from the registry). */
export type FaultKind = Declared['kind'];

/** Every declaration, by kind. */
export const FAULTS = Object.fromEntries(KINDS.map((d) => [d.kind, d])) as { [D in Declared as D['kind']]: D };

/** The declarations, in the registry's order. */
export const DECLARATIONS: readonly FaultKindDeclaration<FaultKind, never[]>[] = KINDS as unknown as FaultKindDeclaration<
  FaultKind,
  never[]
>[];

/** The `@fault:none` kind: steady-state (control) scenarios. */
export const NO_FAULT = 'no fault: steady state, the baseline every chaos scenario starts from';

/** Builds a fault of `kind` from its constructor's arguments (typed as that kind's fault class). */
export function createFault<K extends FaultKind>(
  kind: K,
  ...args: Parameters<(typeof FAULTS)[K]['create']>
): ReturnType<(typeof FAULTS)[K]['create']> {
  return (FAULTS[kind].create as (...a: unknown[]) => ReturnType<(typeof FAULTS)[K]['create']>)(...args);
}

/** Every kind a `@fault:` tag may name, with its meaning. */
export function faultKinds(): Record<string, string> {
  return { none: NO_FAULT, ...Object.fromEntries(DECLARATIONS.map((d) => [d.kind, `${d.meaning} (${d.file})`])) };
}

export function isFaultKind(kind: string): kind is FaultKind | 'none' {
  return kind === 'none' || Object.hasOwn(FAULTS, kind);
}

/**
 * Which typed errors a task may end with, or be refused with, under each fault kind: the one table a reviewer reads
 * to know what "fails explicitly" allows (each row with its reasons in the kind's file). A code outside the scenario's
 * rows fails the history check, even when it is retriable: a hung engine must time out (DECODE_TIMEOUT), not be
 * reported as a crash, and a healthy stack (`none`) must not fail at all.
 */
export const ALLOWED_ERRORS: Readonly<Record<string, readonly string[]>> = {
  none: [],
  ...Object.fromEntries(DECLARATIONS.map((d) => [d.kind, d.errors])),
};

/** The capabilities fault kinds need of a target, with their meanings (support/stack/capabilities.ts adds the rest). */
export const FAULT_CAPABILITIES: Readonly<Record<string, string>> = Object.fromEntries(
  DECLARATIONS.flatMap((d) => Object.entries(d.needs ?? {})),
);

/** The kinds a target provides by a signal its engine handles, with a line its log must show (profile `faults`). */
export const SIGNAL_HOOKS: readonly string[] = DECLARATIONS.filter((d) => d.mechanism === 'signal-hook').map((d) => d.kind);

/** One explorable form of a kind, with the kind it belongs to. */
export type KindForm = ExploreForm & { kind: FaultKind };

/** Every form of every kind, by name: the explorer's whole alphabet, read from the registry alone. */
export const FORMS: Record<string, KindForm> = Object.fromEntries(
  DECLARATIONS.flatMap((d) =>
    'notExplorable' in d.explore ? [] : Object.entries(d.explore).map(([name, form]) => [name, { ...form, kind: d.kind }]),
  ),
);

/** The kinds whose confirmed inject ends the process it acts on (their declarations' `endsProcess`). */
export const PROCESS_ENDING_KINDS: ReadonlySet<string> = new Set(DECLARATIONS.filter((d) => d.endsProcess).map((d) => d.kind));

/**
 * The kinds whose forms fail every dispatch to a replica while its health checks pass: those carrying the breaker's
 * judgement (BREAKER_AT_LINK), the faults a replica's breaker is judged under.
 */
export const BREAKER_KINDS: readonly string[] = [
  ...new Set(
    Object.values(FORMS)
      .filter((f) => f.aloneCheck === BREAKER_AT_LINK.aloneCheck)
      .map((f) => f.kind),
  ),
];

/** The forms a run may draw: those whose needs the profile offers, less the ones needing root when not root. */
export function explorableHere(isRoot: boolean, capabilities: readonly string[]): string[] {
  return Object.keys(FORMS).filter(
    (n) => (isRoot || !FORMS[n].privileged) && (FORMS[n].needs ?? []).every((c) => capabilities.includes(c)),
  );
}
