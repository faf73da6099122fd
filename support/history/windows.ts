import { ConditionBroken } from '../core/errors';
import { Timeline } from '../core/timeline';
import { outcomeOf, TaskRecord, terminalOf } from './history';

/** The fault windows of a scenario (epoch ms): from each injection to its heal, or open when never healed. */
export function faultWindows(timeline: Timeline): { from: number; to: number }[] {
  const windows: { from: number; to: number }[] = [];
  const open: { kind: unknown; description: unknown; from: number }[] = [];
  for (const e of timeline.all()) {
    if (e.kind !== 'fault') continue;
    if (e.name === 'fault.injected') open.push({ kind: e.data?.kind, description: e.data?.description, from: timeline.startedAt + e.at });
    if (e.name === 'fault.healed') {
      // Paired by kind and description: two faults of one kind on different targets heal apart.
      const k = open.findIndex((o) => o.kind === e.data?.kind && o.description === e.data?.description);
      if (k >= 0) windows.push({ from: open.splice(k, 1)[0].from, to: timeline.startedAt + e.at });
    }
  }
  return [...windows, ...open.map((o) => ({ from: o.from, to: Number.POSITIVE_INFINITY }))];
}

/** When the scenario's faults were injected (epoch ms), in order. */
export function faultInjections(timeline: Timeline): number[] {
  return faultWindows(timeline)
    .map((w) => w.from)
    .sort((a, b) => a - b);
}

/** Completed (not canceled) tasks whose life overlapped a fault window: the ones whose streams a fault could disturb. */
export function disturbedTasks(records: TaskRecord[], windows: { from: number; to: number }[]): TaskRecord[] {
  return records.filter((r) => {
    const end = terminalOf(r);
    if (end?.event !== 'end' || end.data.canceled) return false;
    return windows.some((w) => r.submittedAt <= w.to && end.at >= w.from);
  });
}

/** The tasks submitted while a fault was active (from its injection to its heal, or to now if still active). */
export function submittedDuringFaults(records: TaskRecord[], windows: { from: number; to: number }[]): TaskRecord[] {
  return records.filter((r) => windows.some((w) => r.submittedAt >= w.from && r.submittedAt <= w.to));
}

/** The tasks submitted since the scenario's last heal that completed; none healed is a scenario that cannot ask. */
export function completedSinceLastHeal(records: TaskRecord[], timeline: Timeline): TaskRecord[] {
  const healed = timeline.last('fault', 'fault.healed');
  if (!healed) throw new ConditionBroken('No fault was healed in this scenario: there is no "since the heal" to look at');
  const since = timeline.startedAt + healed.at;
  return records.filter((r) => r.submittedAt >= since && outcomeOf(r) === 'completed');
}
