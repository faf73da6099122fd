import { type Verdict, verdictOf } from './verdict';

/**
 * A scenario "under a steady load" is one where the load ran across its faults, or the faults met no load at all:
 * for each fault window (epoch ms), the load had submitted a task before the fault began and had not stopped (spent
 * its bounds, or been stopped) by then, and, for a window that lasted at least two load periods while the load ran,
 * it submitted one within that part. `submittedAt` are the load's own submissions, `endedAt` when it stopped submitting, `periodMs` the time between
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
    else {
      // Judged while the load ran: a scenario may stop its load on purpose before a fault ends (an instant fault's
      // window lasts until the After hook's heal), and then only the part before the stop must have seen a task.
      const to = Math.min(w.to, endedAt);
      if (to - w.from >= 2 * periodMs && !submittedAt.some((t) => t >= w.from && t <= to))
        problems.push(
          `no task of the steady load was submitted during the fault from ${at(w.from)} (${to - w.from} ms of it under the load, one every ${periodMs} ms)`,
        );
    }
  }
  return verdictOf('LoadRanAcrossFaults', problems, `the steady load ran across ${windows.length} fault(s)`);
}
