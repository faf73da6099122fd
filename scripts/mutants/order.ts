/** What the last check knew of one mutant: the scenario of its requirement that killed it, and what the mutant took. */
export interface LastRun {
  killer: string;
  ms: number;
}

/**
 * The order in which the job slots take the mutants (each slot takes the next when its last one ends), from the last
 * check's results: first the mutants never checked (their cost is unknown), then the ones a plain scenario killed,
 * longest first, so that the slots end together rather than one waiting on a long last mutant; last, back to back,
 * those whose killer is `@serial`. A serial run takes the whole machine: behind one another they wait for no plain
 * run to end, where, spread among the plain ones, each waited for the other slot's run in progress to end.
 */
export function runOrder<T extends { id: string }>(mutants: T[], last: Map<string, LastRun>, isSerial: (scenario: string) => boolean): T[] {
  const rank = (m: T): number => {
    const run = last.get(m.id);
    if (!run) return 0;
    return isSerial(run.killer) ? 2 : 1;
  };
  const cost = (m: T): number => last.get(m.id)?.ms ?? 0;
  // Array.prototype.sort is stable: equal mutants keep the catalogue's order.
  return [...mutants].sort((a, b) => rank(a) - rank(b) || cost(b) - cost(a));
}
