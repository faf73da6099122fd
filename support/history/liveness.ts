/** One liveness sample: did a real request get an answer within the bound, and the replica states it reported. */
export interface LivenessSample {
  /** Epoch ms when the request was sent. */
  at: number;
  /** Epoch ms when its answer (or its failure) came: the state it reports held at some moment in [at, answeredAt]. */
  answeredAt?: number;
  ok: boolean;
  seen: string;
  excused: boolean;
  /** Replica id → state, as the pool's health reported it (absent when there was no answer). */
  replicas?: Record<string, string>;
}

/**
 * Windows in which the scenario stopped the orchestrator on purpose: what fails to answer inside one is excused.
 * Shared by the liveness probe and the workload, so both judge by the same windows.
 */
export class Excuses {
  private open = false;
  private readonly spans: { from: number; to: number }[] = [];

  get active(): boolean {
    return this.open;
  }

  excuse(): void {
    if (!this.open) this.spans.push({ from: Date.now(), to: Number.POSITIVE_INFINITY });
    this.open = true;
  }

  unexcuse(): void {
    if (this.open) this.spans[this.spans.length - 1].to = Date.now();
    this.open = false;
  }

  /** The windows so far (epoch ms; an open one ends at infinity). */
  windows(): { from: number; to: number }[] {
    return this.spans.map((w) => ({ ...w }));
  }
}
