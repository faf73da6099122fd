import { CPU_FORMS, CpuSaturateFault } from './cpu-saturate';
import { DiskFullFault } from './disk-full';
import { DRIVER_RESET_FORMS, ECC_ERROR_FORMS, EngineDriverResetFault, EngineEccErrorFault } from './engine-driver-reset';
import { EngineStreamEndFault, STREAM_END_FORMS } from './engine-stream-end';
import type { ExploreForm, ExploreForms, NotExplorable } from './explore-form';
import type { Fault, FaultKind } from './fault';
import { GPU_FORMS, GpuUnavailableFault } from './gpu-unavailable';
import { LOG_FORMS, LogUnwritableFault } from './log-unwritable';
import { MemoryLimitFault } from './memory-limit';
import { CUT_FORMS, NetworkCutFault } from './network-cut';
import { DOWN_FORMS, NetworkDownFault } from './network-down';
import { LATENCY_FORMS, NetworkLatencyFault } from './network-latency';
import { NetworkPartitionFault, PARTITION_FORMS } from './network-partition';
import { NetworkResetFault, RESET_FORMS } from './network-reset';
import { NetworkSlowFault, SLOW_FORMS } from './network-slow';
import { NetworkTimeoutFault, TIMEOUT_FORMS } from './network-timeout';
import { NetworkTruncateFault, TRUNCATE_FORMS } from './network-truncate';
import { KILL_FORMS, ProcessKillFault } from './process-kill';
import { PAUSE_FORMS, ProcessPauseFault } from './process-pause';
import { ProcessTermFault, TERM_FORMS } from './process-term';

/**
 * One kind of fault: what it means (for tags and reports), how to build one, and how the explorer may draw it (its
 * forms, declared in the kind's own file), or why it cannot.
 */
export interface FaultEntry<A extends unknown[] = never[], F extends Fault = Fault> {
  description: string;
  create: (...args: A) => F;
  explore: ExploreForms | NotExplorable;
}

function entry<A extends unknown[], F extends Fault>(
  description: string,
  Ctor: new (...args: A) => F,
  explore: ExploreForms | NotExplorable,
): FaultEntry<A, F> {
  return { description, create: (...args: A) => new Ctor(...args), explore };
}

/**
 * The registry of fault kinds (as Toxiproxy registers its toxics by name): kind → meaning and constructor. The kind is
 * also the `@fault:<kind>` tag of the scenarios that use it; the tag lint and the traceability report read this
 * table, so tags and code cannot drift apart.
 */
export const FAULTS = {
  'process.kill': entry('SIGKILL a component or an engine (process-kill.ts)', ProcessKillFault, KILL_FORMS),
  'process.term': entry('SIGTERM a component: graceful shutdown (process-term.ts)', ProcessTermFault, TERM_FORMS),
  'process.pause': entry('SIGSTOP a component or an engine: hung until SIGCONT (process-pause.ts)', ProcessPauseFault, PAUSE_FORMS),
  'engine.driver-reset': entry(
    'an engine dies the way a GPU driver reset kills llama.cpp (engine-driver-reset.ts)',
    EngineDriverResetFault,
    DRIVER_RESET_FORMS,
  ),
  'engine.ecc-error': entry(
    'an engine dies of an uncorrectable GPU ECC error, as llama.cpp reports it (engine-driver-reset.ts)',
    EngineEccErrorFault,
    ECC_ERROR_FORMS,
  ),
  'engine.stream-end': entry(
    'an engine ends its open streams cleanly, before the frame that says the generation stopped (engine-stream-end.ts)',
    EngineStreamEndFault,
    STREAM_END_FORMS,
  ),
  'gpu.unavailable': entry('every GPU device gone: the device probe finds none (gpu-unavailable.ts)', GpuUnavailableFault, GPU_FORMS),
  'network.down': entry('a link refuses connections: proxy disabled (network-down.ts)', NetworkDownFault, DOWN_FORMS),
  'network.latency': entry('latency ± jitter on links (network-latency.ts)', NetworkLatencyFault, LATENCY_FORMS),
  'network.timeout': entry('a black hole: nothing gets through, nothing closes (network-timeout.ts)', NetworkTimeoutFault, TIMEOUT_FORMS),
  'network.reset': entry('connections reset by the peer, all or a share of them (network-reset.ts)', NetworkResetFault, RESET_FORMS),
  'network.slow': entry('bandwidth limited: tokens dribble in (network-slow.ts)', NetworkSlowFault, SLOW_FORMS),
  'network.cut': entry('streams cut after some bytes (network-cut.ts)', NetworkCutFault, CUT_FORMS),
  'network.truncate': entry(
    'requests longer than some bytes cut on their way in: health checks pass (network-truncate.ts)',
    NetworkTruncateFault,
    TRUNCATE_FORMS,
  ),
  'network.partition': entry('a named set of links cut at once (network-partition.ts)', NetworkPartitionFault, PARTITION_FORMS),
  'memory.limit': entry('a cgroup memory limit around a process: the kernel OOM-kills past it (memory-limit.ts)', MemoryLimitFault, {
    notExplorable:
      'its effect (an OOM kill) needs an engine of the schedule to grow past the limit, which the generic load does not promise: a preflight that proves it will is still to be written',
  }),
  'disk.full': entry('a small tmpfs over a directory the target writes, filled to ENOSPC (disk-full.ts)', DiskFullFault, {
    notExplorable:
      'it needs the filled directory on a disk of its own from before the stack starts (a Given), which the generic scenario does not set up yet',
  }),
  'cpu.saturate': entry('a cgroup CPU quota starving a process (cpu-saturate.ts)', CpuSaturateFault, CPU_FORMS),
  'log.unwritable': entry("a component's log output closed: every line it writes fails (log-unwritable.ts)", LogUnwritableFault, LOG_FORMS),
} satisfies Record<FaultKind, FaultEntry<never[]>>;

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
  return { none: NO_FAULT, ...Object.fromEntries(Object.entries(FAULTS).map(([k, e]) => [k, e.description])) };
}

export function isFaultKind(kind: string): kind is FaultKind | 'none' {
  return kind === 'none' || Object.hasOwn(FAULTS, kind);
}

/** One explorable form of a kind, with the kind it belongs to. */
export type KindForm = ExploreForm & { kind: FaultKind };

/** Every form of every kind, by name: the explorer's whole alphabet, read from the registry alone. */
export const FORMS: Record<string, KindForm> = Object.fromEntries(
  (Object.entries(FAULTS) as [FaultKind, FaultEntry<never[]>][]).flatMap(([kind, e]) =>
    'notExplorable' in e.explore ? [] : Object.entries(e.explore).map(([name, form]) => [name, { ...form, kind }]),
  ),
);

/** The forms a run may draw: those whose needs the profile offers, less the ones needing root when not root. */
export function explorableHere(isRoot: boolean, capabilities: readonly string[]): string[] {
  return Object.keys(FORMS).filter(
    (n) => (isRoot || !FORMS[n].privileged) && (FORMS[n].needs ?? []).every((c) => capabilities.includes(c)),
  );
}
