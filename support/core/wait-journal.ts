/**
 * How much of its limit each wait used, for finding waits that are too tight (`npm run stress`): `eventually` writes
 * one entry per wait, the After hook takes the scenario's entries into its evidence. Waits in one worker process run
 * one scenario at a time, so taking the entries at the scenario's start and end keeps them apart.
 */
export interface WaitEntry {
  /** The condition, with task ids and numbers replaced, so the same wait in different runs reads the same. */
  condition: string;
  usedMs: number;
  limitMs: number;
  met: boolean;
}

const entries: WaitEntry[] = [];

/** The condition's shape: ids and numbers replaced by placeholders. */
export function conditionShape(condition: string): string {
  return condition
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<id>')
    .replace(/\d+(\.\d+)?/g, '<n>')
    .slice(0, 160);
}

/** Records one wait; a limit of 0 is a check of the moment, not a wait, and is not recorded. */
export function recordWait(condition: string, usedMs: number, limitMs: number, met: boolean): void {
  if (limitMs > 0 && entries.length < 10_000) entries.push({ condition: conditionShape(condition), usedMs, limitMs, met });
}

/**
 * Takes every entry so far, one per condition shape: the one that used the largest share of its limit (a wait not
 * met counts as all of it). Entries below `minShare` are left out.
 */
export function takeWaits(minShare = 0): WaitEntry[] {
  const worst = new Map<string, WaitEntry>();
  for (const e of entries.splice(0)) {
    const prev = worst.get(e.condition);
    if (!prev || share(e) > share(prev)) worst.set(e.condition, e);
  }
  return [...worst.values()].filter((e) => share(e) >= minShare).sort((a, b) => share(b) - share(a));
}

/** The share of its limit a wait used: 1 when it was not met. */
export function share(e: { usedMs: number; limitMs: number; met: boolean }): number {
  return e.met ? Math.min(1, e.usedMs / Math.max(1, e.limitMs)) : 1;
}
