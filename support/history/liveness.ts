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
  private readonly spans: { from: number; to: number; silentFrom: number }[] = [];

  get active(): boolean {
    return this.open;
  }

  /**
   * Opens a window from now. `serving`, for a graceful stop: the orchestrator serves its streams (and its watchdogs
   * still end their silences) until the promise settles, at its exit; a silence is excused only from then.
   */
  excuse(serving?: Promise<unknown>): void {
    if (this.open) return;
    const span = { from: Date.now(), to: Number.POSITIVE_INFINITY, silentFrom: serving ? Number.POSITIVE_INFINITY : Date.now() };
    this.spans.push(span);
    this.open = true;
    void serving?.finally(() => {
      span.silentFrom = Math.min(Date.now(), span.to);
    });
  }

  unexcuse(): void {
    if (this.open) this.spans[this.spans.length - 1].to = Date.now();
    this.open = false;
  }

  /** The windows so far (epoch ms; an open one ends at infinity). */
  windows(): { from: number; to: number }[] {
    return this.spans.map(({ from, to }) => ({ from, to }));
  }

  /** The windows in which a stream's silence is excused: from the orchestrator's outage (its exit, for a graceful stop). */
  silenceWindows(): { from: number; to: number }[] {
    return this.spans.filter((w) => Number.isFinite(w.silentFrom)).map(({ silentFrom, to }) => ({ from: silentFrom, to }));
  }
}
