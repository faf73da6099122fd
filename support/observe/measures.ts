import { SuiteError } from '../core/errors';
import type { Timeline } from '../core/timeline';

/**
 * Records `time_to_detect_ms`: from the latest fault injection to now (or to `atMs`, an epoch time), once per
 * injection — the first sign that the system noticed counts.
 */
export function measureDetection(timeline: Timeline, sign: string, atMs = Date.now()): void {
  const injected = timeline.last('fault', 'fault.injected');
  const already = timeline.last('measure', 'time_to_detect_ms');
  if (!injected || (already && already.at >= injected.at)) return;
  timeline.measure('time_to_detect_ms', atMs - timeline.startedAt - injected.at, { sign });
}

/**
 * Records `time_to_recover_ms`: from the fault's end — its heal, or its injection for faults the system must undo
 * itself (a killed process) — to now; a later sign of recovery replaces an earlier one.
 */
export function measureRecovery(timeline: Timeline, sign: string): void {
  const injected = timeline.last('fault', 'fault.injected');
  const healed = timeline.last('fault', 'fault.healed');
  const from = healed && injected && healed.at >= injected.at ? healed : injected;
  if (from) timeline.measure('time_to_recover_ms', Date.now() - timeline.startedAt - from.at, { sign, from: from.name });
}

/** Epoch ms of the latest fault injection, if any. */
/** When the scenario drained its pool (epoch ms) and with which deadline, from the timeline. */
export function drainOf(timeline: Timeline): { drainedAt: number; deadlineMs: number } {
  const e = timeline.last('request', 'pool.drained');
  if (!e) throw new SuiteError('No drain in this scenario: a When step must drain the pool first');
  return { drainedAt: timeline.startedAt + e.at, deadlineMs: Number(e.data?.deadline_ms) };
}

export function lastInjectionAt(timeline: Timeline): number | undefined {
  const injected = timeline.last('fault', 'fault.injected');
  return injected && timeline.startedAt + injected.at;
}
