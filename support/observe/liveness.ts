import { eventually } from '../core/eventually';
import { Excuses, LivenessSample } from '../history/liveness';
import type { OrchestratorClient } from '../orchestrator/client';

/**
 * Samples the orchestrator every `everyMs` for as long as the scenario runs (bounded by `maxSamples`) with a real
 * request — the pool's health, which reads the replica directory — and counts a sample live only when it was
 * answered within `boundMs` and not with an internal error. The replica states of each answer show when the stack
 * itself knew a replica down.
 */
export class LivenessProbe {
  readonly samples: LivenessSample[] = [];
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly client: () => OrchestratorClient,
    private readonly poolId: string,
    private readonly excuses: Excuses,
    private readonly boundMs: number,
    private readonly everyMs = 100,
    private readonly maxSamples = 3000,
  ) {}

  start(): void {
    const tick = async (): Promise<void> => {
      if (this.stopped || this.samples.length >= this.maxSamples) return;
      const excused = this.excuses.active;
      const at = Date.now();
      let ok = false;
      let seen: string;
      let replicas: Record<string, string> | undefined;
      try {
        const answer = await this.client().poolHealth(this.poolId);
        // Any answer counts (a 404 before the pool is known, a 503 while it cannot serve): only silence, slowness
        // or an internal error (a 500 is a bug) does not.
        ok = answer.status !== 500 && answer.elapsedMs <= this.boundMs;
        seen = `HTTP ${answer.status} in ${answer.elapsedMs} ms`;
        if (answer.status === 200) replicas = Object.fromEntries(answer.body.replicas.map((r) => [r.replica_id, r.state]));
      } catch (err) {
        seen = (err as { code?: string }).code ?? (err as Error).message;
      }
      if (this.stopped) return;
      this.samples.push({ at, answeredAt: Date.now(), ok, seen, excused: excused || this.excuses.active, replicas });
      this.timer = setTimeout(() => void tick(), this.everyMs);
    };
    void tick();
  }

  /**
   * Waits until a sample taken at or after `atMs` (epoch) has been answered, so that a judgement "throughout, until
   * now" covers now and not only the last tick before it.
   */
  async sampledSince(atMs: number): Promise<void> {
    await eventually(
      `a pool health sample taken since ${new Date(atMs).toISOString()}`,
      async () => {
        const last = this.samples.at(-1);
        return { ok: last !== undefined && last.at >= atMs, seen: last ? `last sample taken ${atMs - last.at} ms before` : 'no sample' };
      },
      { withinMs: this.everyMs + this.boundMs + 1_000, everyMs: 10 },
    );
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }
}
