/**
 * Which typed errors a task may end with, or be refused with, under each fault kind: the one table a reviewer reads
 * to know what "fails explicitly" allows. A code outside the scenario's row fails the history check, even when it is
 * retriable: a hung engine must time out (DECODE_TIMEOUT), not be reported as a crash, and a healthy stack must not
 * fail at all. Scenarios that cause an error by an operation rather than a fault (a queue that drops its oldest task)
 * add that code in their own words.
 */
export const ALLOWED_ERRORS: Record<string, readonly string[]> = {
  none: [],
  'process.kill': ['WORKER_RESET', 'POOL_UNAVAILABLE', 'POOL_UNREADY'],
  // An engine that stops streaming on SIGTERM but keeps its connection open (llama-server) stalls its streams until
  // the idle timeout or the kill that follows the grace period.
  'process.term': ['WORKER_RESET', 'DECODE_TIMEOUT', 'POOL_UNAVAILABLE', 'POOL_UNREADY'],
  'process.pause': ['DECODE_TIMEOUT', 'WORKER_RESET', 'POOL_UNAVAILABLE'],
  'engine.driver-reset': ['WORKER_RESET', 'POOL_UNAVAILABLE'],
  'engine.ecc-error': ['WORKER_RESET', 'POOL_UNAVAILABLE'],
  // A stream that ended without its stop frame is a broken dispatch: failed retriably, never completed short.
  'engine.stream-end': ['WORKER_RESET'],
  'gpu.unavailable': ['WORKER_RESET', 'POOL_UNAVAILABLE', 'POOL_UNREADY'],
  'network.down': ['POOL_UNAVAILABLE', 'WORKER_RESET'],
  'network.latency': ['DECODE_TIMEOUT'],
  'network.timeout': ['DECODE_TIMEOUT', 'POOL_UNAVAILABLE', 'WORKER_RESET'],
  'network.reset': ['WORKER_RESET', 'POOL_UNAVAILABLE'],
  'network.slow': ['DECODE_TIMEOUT'],
  // A link that cuts every stream fails each attempt on that replica: its breaker opens (ORCHD_BREAKER_THRESHOLD), and
  // with no other replica new tasks are refused as unavailable, with a retry hint (found by the explorer, seed 1001).
  'network.cut': ['WORKER_RESET', 'DECODE_TIMEOUT', 'POOL_UNAVAILABLE'],
  // Every dispatch to the replica fails before its first token: retried elsewhere, or refused once no replica is left.
  'network.truncate': ['POOL_UNAVAILABLE', 'WORKER_RESET'],
  'network.partition': ['POOL_UNAVAILABLE', 'WORKER_RESET', 'DECODE_TIMEOUT'],
  'memory.limit': ['WORKER_RESET', 'POOL_UNAVAILABLE', 'POOL_UNREADY'],
  'disk.full': ['POOL_UNAVAILABLE', 'POOL_UNREADY'],
  // A starved component is slow, not broken: only a task that really misses its timeout may fail, and says so.
  'cpu.saturate': ['DECODE_TIMEOUT'],
  // A log that cannot be written is no reason for any task to fail.
  'log.unwritable': [],
};

/** The codes allowed in a scenario with these fault kinds and these codes its steps expect. */
export function allowedCodes(faultKinds: string[], expected: Iterable<string> = []): Set<string> {
  return new Set([...faultKinds.flatMap((k) => ALLOWED_ERRORS[k] ?? []), ...expected]);
}
