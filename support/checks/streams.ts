import { eventsOf, isAdmitted, type TaskRecord } from '../history/history';
import { type Verdict, verdictOf } from './verdict';

/**
 * Streams are well formed: each fresh read opens with `started` (a resumed read does not), token indices are
 * contiguous from 0 with no duplicate across reconnects, there is at most one terminal event and nothing after it
 * (OC-CTRL-2029). An admitted task whose stream showed no event at all is not well formed either.
 */
export function StreamsWellFormed(records: TaskRecord[]): Verdict {
  const problems: string[] = [];
  const admitted = records.filter(isAdmitted);
  for (const r of admitted) {
    if (eventsOf(r).length === 0) {
      problems.push(`${r.taskId}: admitted but its stream showed no event`);
      continue;
    }
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
          if (Number(e.data.i) < expected) problems.push(`${r.taskId}: duplicate token index ${e.data.i}`);
          else if (e.data.i !== expected) problems.push(`${r.taskId}: token index ${e.data.i} where ${expected} was expected`);
          if (e.id !== undefined && Number(e.id) !== e.data.i)
            problems.push(`${r.taskId}: SSE id ${e.id} differs from token index ${e.data.i}`);
          expected = Math.max(expected, Number(e.data.i) + 1);
        } else if (e.event === 'end' || e.event === 'error') {
          terminal ??= e.event;
        }
      });
    }
  }
  if (admitted.length === 0) return { check: 'StreamsWellFormed', valid: true, detail: 'no task was admitted, no stream to judge' };
  return verdictOf('StreamsWellFormed', problems, `${admitted.length} streams well formed`);
}
