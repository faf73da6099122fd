import { eventsOf, isAdmitted, outcomeOf, TaskRecord } from './history';
import type { LivenessSample } from './liveness';

/** A check's verdict (Jepsen): false outranks 'unknown', which outranks true. */
export interface Verdict {
  check: string;
  valid: true | false | 'unknown';
  detail: string;
}

/** Every admitted (202) task reached exactly one terminal state, seen on its stream or resolved from its status. */
export function NoAdmittedTaskLost(records: TaskRecord[]): Verdict {
  const admitted = records.filter(isAdmitted);
  if (admitted.length === 0) return { check: 'NoAdmittedTaskLost', valid: 'unknown', detail: 'no admitted task' };
  const lost = admitted.filter((r) => outcomeOf(r) === 'indeterminate');
  if (lost.length === 0) return { check: 'NoAdmittedTaskLost', valid: true, detail: `${admitted.length} admitted tasks, all terminal` };
  const list = lost.map(
    (r) => `${r.taskId} (last status: ${r.resolved?.state ?? 'unknown'}, streams: ${r.streams.map((s) => s.end?.how ?? 'open').join('/')})`,
  );
  return {
    check: 'NoAdmittedTaskLost',
    valid: false,
    detail: `${lost.length} of ${admitted.length} admitted tasks reached no terminal state: ${list.join('; ')}`,
  };
}

/**
 * Streams are well formed: each fresh read opens with `started` (a resumed read does not), token indices are
 * contiguous from 0 with no duplicate across reconnects, there is at most one terminal event and nothing after it
 * (OC-CTRL-2029).
 */
export function StreamsWellFormed(records: TaskRecord[]): Verdict {
  const problems: string[] = [];
  let streams = 0;
  for (const r of records.filter(isAdmitted)) {
    if (eventsOf(r).length === 0) continue;
    streams++;
    let expected = 0;
    let terminal: string | undefined;
    for (const read of r.streams) {
      read.events.forEach((e, k) => {
        if (terminal) problems.push(`${r.taskId}: ${e.event} after the terminal ${terminal}`);
        if (e.event === 'started') {
          if (k !== 0 || read.lastEventId !== undefined || expected > 0)
            problems.push(`${r.taskId}: started is not the first event of a fresh read`);
        } else if (e.event === 'token') {
          if (read.lastEventId === undefined && expected === 0 && read.events[0].event !== 'started')
            problems.push(`${r.taskId}: tokens without a started event first`);
          if (e.data.i !== expected) problems.push(`${r.taskId}: token index ${e.data.i} where ${expected} was expected`);
          if (e.id !== undefined && Number(e.id) !== e.data.i)
            problems.push(`${r.taskId}: SSE id ${e.id} differs from token index ${e.data.i}`);
          expected = Number(e.data.i) + 1;
        } else if (e.event === 'end' || e.event === 'error') {
          terminal ??= e.event;
        }
      });
    }
  }
  if (streams === 0) return { check: 'StreamsWellFormed', valid: 'unknown', detail: 'no stream was read' };
  return problems.length === 0
    ? { check: 'StreamsWellFormed', valid: true, detail: `${streams} streams well formed` }
    : { check: 'StreamsWellFormed', valid: false, detail: problems.slice(0, 20).join('; ') };
}

/** The orchestrator answered its liveness probe at every sample outside the windows where the scenario stopped it. */
export function OrchestratorStayedLive(samples: LivenessSample[]): Verdict {
  const counted = samples.filter((s) => !s.excused);
  if (counted.length === 0) return { check: 'OrchestratorStayedLive', valid: 'unknown', detail: 'no liveness sample' };
  const failed = counted.filter((s) => !s.ok);
  return failed.length === 0
    ? { check: 'OrchestratorStayedLive', valid: true, detail: `${counted.length} samples, all live` }
    : {
        check: 'OrchestratorStayedLive',
        valid: false,
        detail: `${failed.length} of ${counted.length} liveness probes failed, first at +${failed[0].at} ms: ${failed[0].seen}`,
      };
}

/** Merges verdicts: any false makes the whole false, else any unknown makes it unknown. */
export function compose(verdicts: Verdict[]): Verdict['valid'] {
  if (verdicts.some((v) => v.valid === false)) return false;
  if (verdicts.some((v) => v.valid === 'unknown')) return 'unknown';
  return true;
}
