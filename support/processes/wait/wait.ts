import type { Observation } from '../../core/eventually';

/** What a wait strategy may look at of the process it waits for: its output so far. */
export interface Waitable {
  readonly logs: { all(): string[] };
}

/** A readiness condition of a process, polled until it holds (testcontainers' WaitStrategy). */
export interface WaitStrategy {
  readonly description: string;
  probe(process: Waitable): Promise<Observation<unknown>>;
}

/** An HTTP GET that must answer with the expected status. */
export class HttpWait implements WaitStrategy {
  private status = 200;

  constructor(private readonly url: string) {}

  forStatus(status: number): this {
    this.status = status;
    return this;
  }

  get description(): string {
    return `GET ${this.url} → ${this.status}`;
  }

  async probe(): Promise<Observation<unknown>> {
    try {
      const res = await fetch(this.url, { signal: AbortSignal.timeout(1000) });
      const body = (await res.text()).slice(0, 200);
      return { ok: res.status === this.status, seen: `HTTP ${res.status} ${body}` };
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code;
      return { ok: false, seen: cause ?? (err as Error).message };
    }
  }
}

/** A line of the process's output matching a pattern. */
export class LogLineWait implements WaitStrategy {
  constructor(private readonly pattern: RegExp) {}

  get description(): string {
    return `log line matching ${this.pattern}`;
  }

  async probe(process: Waitable): Promise<Observation<unknown>> {
    const line = process.logs.all().find((l) => this.pattern.test(l));
    return { ok: line !== undefined, seen: line ?? `${process.logs.all().length} lines, none matching` };
  }
}

/** Every one of several conditions. */
export class AllWait implements WaitStrategy {
  constructor(private readonly strategies: WaitStrategy[]) {}

  get description(): string {
    return this.strategies.map((s) => s.description).join(' and ');
  }

  async probe(process: Waitable): Promise<Observation<unknown>> {
    for (const s of this.strategies) {
      const o = await s.probe(process);
      if (!o.ok) return { ok: false, seen: `${s.description}: ${o.seen}` };
    }
    return { ok: true, seen: 'all conditions hold' };
  }
}

/** Factory that reads as English: `Wait.forHttp(url).forStatus(200)`, `Wait.forLogLine(/ready/)`. */
export const Wait = {
  forHttp: (url: string) => new HttpWait(url),
  forLogLine: (pattern: RegExp) => new LogLineWait(pattern),
  forAll: (strategies: WaitStrategy[]) => new AllWait(strategies),
};
