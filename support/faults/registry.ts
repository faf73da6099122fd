import { CpuSaturateFault } from './cpu-saturate';
import { DiskFullFault } from './disk-full';
import { EngineDriverResetFault, EngineEccErrorFault } from './engine-driver-reset';
import { EngineStreamEndFault } from './engine-stream-end';
import type { Fault, FaultKind } from './fault';
import { GpuUnavailableFault } from './gpu-unavailable';
import { LogUnwritableFault } from './log-unwritable';
import { MemoryLimitFault } from './memory-limit';
import { NetworkCutFault } from './network-cut';
import { NetworkDownFault } from './network-down';
import { NetworkLatencyFault } from './network-latency';
import { NetworkPartitionFault } from './network-partition';
import { NetworkResetFault } from './network-reset';
import { NetworkSlowFault } from './network-slow';
import { NetworkTimeoutFault } from './network-timeout';
import { NetworkTruncateFault } from './network-truncate';
import { ProcessKillFault } from './process-kill';
import { ProcessPauseFault } from './process-pause';
import { ProcessTermFault } from './process-term';

/** One kind of fault: what it means (for tags and reports) and how to build one. */
export interface FaultEntry<A extends unknown[] = never[], F extends Fault = Fault> {
  description: string;
  create: (...args: A) => F;
}

function entry<A extends unknown[], F extends Fault>(description: string, Ctor: new (...args: A) => F): FaultEntry<A, F> {
  return { description, create: (...args: A) => new Ctor(...args) };
}

/**
 * The registry of fault kinds (as Toxiproxy registers its toxics by name): kind → meaning and constructor. The kind is
 * also the `@fault:<kind>` tag of the scenarios that use it; the tag lint and the traceability report read this
 * table, so tags and code cannot drift apart.
 */
export const FAULTS = {
  'process.kill': entry('SIGKILL a component or an engine (process-kill.ts)', ProcessKillFault),
  'process.term': entry('SIGTERM a component: graceful shutdown (process-term.ts)', ProcessTermFault),
  'process.pause': entry('SIGSTOP a component or an engine: hung until SIGCONT (process-pause.ts)', ProcessPauseFault),
  'engine.driver-reset': entry(
    'an engine dies the way a GPU driver reset kills llama.cpp (engine-driver-reset.ts)',
    EngineDriverResetFault,
  ),
  'engine.ecc-error': entry(
    'an engine dies of an uncorrectable GPU ECC error, as llama.cpp reports it (engine-driver-reset.ts)',
    EngineEccErrorFault,
  ),
  'engine.stream-end': entry(
    'an engine ends its open streams cleanly, before the frame that says the generation stopped (engine-stream-end.ts)',
    EngineStreamEndFault,
  ),
  'gpu.unavailable': entry('every GPU device gone: the device probe finds none (gpu-unavailable.ts)', GpuUnavailableFault),
  'network.down': entry('a link refuses connections: proxy disabled (network-down.ts)', NetworkDownFault),
  'network.latency': entry('latency ± jitter on links (network-latency.ts)', NetworkLatencyFault),
  'network.timeout': entry('a black hole: nothing gets through, nothing closes (network-timeout.ts)', NetworkTimeoutFault),
  'network.reset': entry('connections reset by the peer, all or a share of them (network-reset.ts)', NetworkResetFault),
  'network.slow': entry('bandwidth limited: tokens dribble in (network-slow.ts)', NetworkSlowFault),
  'network.cut': entry('streams cut after some bytes (network-cut.ts)', NetworkCutFault),
  'network.truncate': entry(
    'requests longer than some bytes cut on their way in: health checks pass (network-truncate.ts)',
    NetworkTruncateFault,
  ),
  'network.partition': entry('a named set of links cut at once (network-partition.ts)', NetworkPartitionFault),
  'memory.limit': entry('a cgroup memory limit around a process: the kernel OOM-kills past it (memory-limit.ts)', MemoryLimitFault),
  'disk.full': entry('a small tmpfs over a directory the target writes, filled to ENOSPC (disk-full.ts)', DiskFullFault),
  'cpu.saturate': entry('a cgroup CPU quota starving a process (cpu-saturate.ts)', CpuSaturateFault),
  'log.unwritable': entry("a component's log output closed: every line it writes fails (log-unwritable.ts)", LogUnwritableFault),
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
