/** One entry of a scenario's timeline; `at` is ms since the scenario started. */
export interface TimelineEntry {
  at: number;
  kind: 'request' | 'fault' | 'probe' | 'measure' | 'note';
  name: string;
  data?: Record<string, unknown>;
}

/**
 * The record where faults, load and probes meet (Jepsen's history, CTK's journal): append-only, timestamped,
 * attached to the report as JSON. Measures (time-to-detect, time-to-recover) are entries too.
 */
export class Timeline {
  readonly startedAt = Date.now();
  private readonly entries: TimelineEntry[] = [];

  record(kind: TimelineEntry['kind'], name: string, data?: Record<string, unknown>): TimelineEntry {
    const entry = { at: Date.now() - this.startedAt, kind, name, data };
    this.entries.push(entry);
    return entry;
  }

  /** Records a duration under `name` (e.g. `time_to_recover_ms`), in ms. */
  measure(name: string, ms: number, data?: Record<string, unknown>): void {
    this.record('measure', name, { ms, ...data });
  }

  all(): readonly TimelineEntry[] {
    return this.entries;
  }

  measures(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const e of this.entries) if (e.kind === 'measure') out[e.name] = e.data?.ms as number;
    return out;
  }

  /** The earliest entry of a kind and name, if any. */
  first(kind: TimelineEntry['kind'], name?: string): TimelineEntry | undefined {
    return this.entries.find((e) => e.kind === kind && (name === undefined || e.name === name));
  }

  /** The latest entry of a kind and name, if any. */
  last(kind: TimelineEntry['kind'], name?: string): TimelineEntry | undefined {
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const e = this.entries[i];
      if (e.kind === kind && (name === undefined || e.name === name)) return e;
    }
    return undefined;
  }
}
