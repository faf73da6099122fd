import type { OrchestratorClient } from '../orchestrator/client';

/** One liveness sample; `excused` when the scenario had stopped the orchestrator on purpose at that time. */
export interface LivenessSample {
  at: number;
  ok: boolean;
  seen: string;
  excused: boolean;
}

/**
 * Samples the orchestrator's liveness every `everyMs` for as long as the scenario runs (bounded by `maxSamples`).
 * `excuse()` opens a window where failures are expected (the scenario stopped the orchestrator), `unexcuse()` closes it.
 */
export class LivenessProbe {
  readonly samples: LivenessSample[] = [];
  private excused = false;
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly client: () => OrchestratorClient,
    private readonly startedAt: number,
    private readonly everyMs = 100,
    private readonly maxSamples = 3000,
  ) {}

  start(): void {
    const tick = async (): Promise<void> => {
      if (this.stopped || this.samples.length >= this.maxSamples) return;
      const excused = this.excused;
      let ok = false;
      let seen: string;
      try {
        const answer = await this.client().livez();
        ok = answer.status === 200;
        seen = `HTTP ${answer.status}`;
      } catch (err) {
        seen = (err as { code?: string }).code ?? (err as Error).message;
      }
      if (this.stopped) return;
      this.samples.push({ at: Date.now() - this.startedAt, ok, seen, excused: excused || this.excused });
      this.timer = setTimeout(() => void tick(), this.everyMs);
    };
    void tick();
  }

  excuse(): void {
    this.excused = true;
  }

  unexcuse(): void {
    this.excused = false;
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }
}
