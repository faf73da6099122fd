import { eventsOf, isAdmitted, type TaskRecord } from '../history/history';
import { type Verdict, verdictOf } from './verdict';

/** A span of time (epoch ms). */
export interface Window {
  from: number;
  to: number;
}

/**
 * The idle timeout judged on the history (OC-CORE-1022): once a stream has shown its first token, its client never
 * waits longer than `limitMs` (the idle timeout plus its measured observation slack) for the next token or for its
 * end, whatever holds the engine up (a hung engine, a stalled link): the orchestrator's watchdog ends the silence at
 * the idle timeout. A silence that overlaps one of the `excused` windows (the orchestrator stopped on purpose, its
 * client reconnecting after it) is judged only up to the window's start: a stream already silent past the limit when
 * the outage began was left silent by an orchestrator still serving it. A token received twice (a resumed read) counts at its first receipt. A
 * stream still open at `now` (epoch ms) is silent since its last event.
 */
export function StreamsNeverSilent(records: TaskRecord[], limitMs: number, excused: Window[], now: number): Verdict {
  const problems: string[] = [];
  let judged = 0;
  for (const r of records.filter(isAdmitted)) {
    const seen = new Set<number>();
    const times = eventsOf(r)
      .filter((e) => {
        if (e.event === 'end' || e.event === 'error') return true;
        if (e.event !== 'token' || seen.has(Number(e.data.i))) return false;
        seen.add(Number(e.data.i));
        return true;
      })
      .map((e) => ({ at: e.at, what: e.event === 'token' ? `token ${e.data.i}` : e.event }))
      .sort((a, b) => a.at - b.at);
    if (times.length === 0 || times[0].what === 'end' || times[0].what === 'error') continue;
    // A stream its client went away from (SSE-1003) is silent for it from then on by its own choice: judged until then.
    if (!times.some((t) => t.what === 'end' || t.what === 'error'))
      times.push(
        r.leftAt !== undefined ? { at: r.leftAt, what: 'leaving (the client went away)' } : { at: now, what: 'judgement (still open)' },
      );
    if (times.length < 2) continue;
    judged++;
    for (let k = 1; k < times.length; k++) {
      const [a, b] = [times[k - 1], times[k]];
      const silentMs = b.at - a.at;
      if (silentMs <= limitMs) continue;
      const outage = Math.min(...excused.filter((w) => w.from <= b.at && w.to >= a.at).map((w) => w.from));
      if (Number.isFinite(outage)) {
        if (outage - a.at <= limitMs) continue;
        problems.push(
          `${r.taskId}: ${outage - a.at} ms without an event after its ${a.what} before the orchestrator's outage began (limit ${limitMs} ms)`,
        );
        continue;
      }
      problems.push(`${r.taskId}: ${silentMs} ms without an event between its ${a.what} and its ${b.what} (limit ${limitMs} ms)`);
    }
  }
  return verdictOf('StreamsNeverSilent', problems, `${judged} streams, none silent for more than ${limitMs} ms after its first token`);
}
