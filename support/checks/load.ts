import { type Verdict, verdictOf } from './verdict';

/**
 * A scenario "under a steady load" is one where the load ran across its faults, or the faults met no load at all:
 * for each fault window (epoch ms), the load had submitted a task before the fault began and had not stopped (spent
 * its bounds, or been stopped) by then, and, for a window at least two load periods long, it submitted one within
 * it. `submittedAt` are the load's own submissions, `endedAt` when it stopped submitting, `periodMs` the time between
 * two of its ticks.
 */
export function LoadRanAcrossFaults(
  submittedAt: number[],
  endedAt: number,
  windows: { from: number; to: number }[],
  periodMs: number,
): Verdict {
  const problems: string[] = [];
  const first = Math.min(...submittedAt);
  const last = Math.max(...submittedAt);
  const at = (ms: number): string => new Date(ms).toISOString();
  for (const w of windows) {
    if (!(first < w.from && endedAt >= w.from))
      problems.push(
        `the steady load was not running when the fault at ${at(w.from)} began: ${submittedAt.length ? `its submissions ran from ${at(first)} to ${at(last)}, and it stopped at ${at(endedAt)}` : 'it submitted nothing'}`,
      );
    else if (w.to - w.from >= 2 * periodMs && !submittedAt.some((t) => t >= w.from && t <= w.to))
      problems.push(
        `no task of the steady load was submitted during the fault from ${at(w.from)} (${w.to - w.from} ms, one every ${periodMs} ms)`,
      );
  }
  return verdictOf('LoadRanAcrossFaults', problems, `the steady load ran across ${windows.length} fault(s)`);
}
