import type { FaultKind } from './fault';

/**
 * Every fault kind with a one-line meaning: the vocabulary of `@fault:<kind>` tags, read by the tag lint and the
 * traceability report, so tags and code cannot drift apart. `none` marks steady-state (control) scenarios.
 */
export const FAULT_KINDS: Record<FaultKind | 'none', string> = {
  none: 'no fault: steady state, the baseline every chaos scenario starts from',
  'process.kill': 'SIGKILL a component or an engine (process-kill.ts)',
  'process.term': 'SIGTERM a component: graceful shutdown (process-term.ts)',
  'process.pause': 'SIGSTOP a component or an engine: hung until SIGCONT (process-pause.ts)',
  'engine.driver-reset': 'an engine dies the way a GPU driver reset kills llama.cpp (engine-driver-reset.ts)',
  'gpu.unavailable': 'every GPU device gone: the device probe finds none (gpu-unavailable.ts)',
  'network.down': 'a link refuses connections: proxy disabled (network-down.ts)',
  'network.latency': 'latency ± jitter on links (network-latency.ts)',
  'network.timeout': 'a black hole: nothing gets through, nothing closes (network-timeout.ts)',
  'network.reset': 'connections reset by the peer, all or a share of them (network-reset.ts)',
  'network.slow': 'bandwidth limited: tokens dribble in (network-slow.ts)',
  'network.cut': 'streams cut after some bytes (network-cut.ts)',
  'network.partition': 'a named set of links cut at once (network-partition.ts)',
};

export function isFaultKind(kind: string): kind is FaultKind | 'none' {
  return Object.prototype.hasOwnProperty.call(FAULT_KINDS, kind);
}
