/**
 * Where a scenario's wall time goes (issue: speed), by the kind of work: starting the stack, waiting for a state of
 * it, waiting out a time the Gherkin or the contract states, rerunning disturbed tasks, healing, judging, tearing
 * down. `npm run bench` sums it over the catalogue; the After hook attaches each scenario's split to its evidence.
 *
 * Sections nest and overlap (a wait inside a heal, reruns inside the judge, reruns side by side): each stretch of
 * time is counted once, for the most specific kind of work open then (the order of SPLIT_CATEGORIES, most specific
 * first). What no section covers is "the rest" (the steps' own requests, the checks of a Then), computed by the
 * reader from the scenario's duration. One scenario at a time per process: the split is module state, taken and
 * reset per scenario.
 */

/** The kinds of work a scenario's time is split into, the most specific first. */
export const SPLIT_CATEGORIES = [
  'undisturbed reruns',
  'After: settling the load',
  'heals and their verification',
  'stack: restarts within the scenario',
  'stack: files, ports and proxies',
  'stack: daemons until listening',
  'stack: engines until the pool is ready',
  'stated durations (contract bounds, Gherkin times)',
  'waits for a state of the stack',
  "After: the checker's evidence and checks",
  'teardown and leak checks',
] as const;
export type SplitCategory = (typeof SPLIT_CATEGORIES)[number];

let split = new Map<SplitCategory, number>();
/** How many sections of each kind are open now. */
let open = new Map<SplitCategory, number>();
let lastEventAt = performance.now();
/** Which scenario's split a section belongs to: one still running when the split is taken counts no more. */
let generation = 0;

/** Counts the time since the last open or close to the most specific kind open during it. */
function account(): void {
  const now = performance.now();
  const current = SPLIT_CATEGORIES.find((c) => (open.get(c) ?? 0) > 0);
  if (current) split.set(current, (split.get(current) ?? 0) + (now - lastEventAt));
  lastEventAt = now;
}

/** Runs `work`, counting its wall time to `category` wherever no more specific kind of work is open. */
export async function timed<T>(category: SplitCategory, work: () => Promise<T>): Promise<T> {
  const mine = generation;
  account();
  open.set(category, (open.get(category) ?? 0) + 1);
  try {
    return await work();
  } finally {
    if (mine === generation) {
      account();
      open.set(category, (open.get(category) ?? 1) - 1);
    }
  }
}

/** The split since the last call, ms per kind (rounded), and a fresh one from now on. */
export function takeSplit(): Partial<Record<SplitCategory, number>> {
  account();
  const out = Object.fromEntries([...split].map(([k, v]) => [k, Math.round(v)]));
  split = new Map();
  open = new Map();
  generation++;
  return out;
}
