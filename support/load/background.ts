import { setTimeout as delay } from 'node:timers/promises';
import { timed } from '../core/time-split';
import type { TaskRequest } from '../orchestrator/client';
import type { TaskRecord } from '../history/history';
import type { Workload } from './workload';

/** How much steady load a scenario runs under: a fixed rate, bounded in count and in time. */
export interface LoadShape {
  tasksPerSecond: number;
  tokensPerTask: number;
  /** Most tasks the load submits, whatever happens. */
  maxTasks: number;
  /** Longest the load runs, ms. */
  maxMs: number;
  /**
   * Tasks sent together at each tick (default 1), at the same average rate. One at a time, short tasks never overlap,
   * so a least-loaded dispatcher gives them all to the first replica; a burst as large as the pool reaches every one.
   */
  burst?: number;
}

/**
 * A steady background load (Jepsen's generator): from before the fault until after the heal it submits one task
 * every 1/rate s through the scenario's workload, so its tasks land in the same history and go through the same
 * checker. It stops at `stop()`, at `maxTasks` or at `maxMs`, whichever comes first; it never waits on a task.
 */
export class BackgroundLoad {
  readonly records: TaskRecord[] = [];
  /** When (epoch ms) the generator stopped submitting: stopped, or spent its bounds; undefined while it runs. */
  endedAt?: number;
  private readonly abort = new AbortController();
  private readonly pending = new Set<Promise<void>>();
  private running?: Promise<void>;

  constructor(
    private readonly workload: Workload,
    private readonly make: (tokens: number) => TaskRequest,
    readonly shape: LoadShape,
  ) {
    if (!(shape.tasksPerSecond > 0 && shape.tasksPerSecond <= 50))
      throw new Error(`A background load needs 0 < tasks per second ≤ 50, got ${shape.tasksPerSecond}`);
  }

  /**
   * Starts the generator; resolves once its first submission has been answered, so that a step after "a steady load"
   * (a fault) meets a load already running (without it, a fault injected at once began in the same millisecond as the
   * load's first submission, and LoadRanAcrossFaults rightly said the load had not run before it).
   */
  async start(): Promise<void> {
    const burst = this.shape.burst ?? 1;
    const everyMs = (1000 * burst) / this.shape.tasksPerSecond;
    const until = Date.now() + this.shape.maxMs;
    let firstAnswered: Promise<void> | undefined;
    this.running = (async () => {
      let next = Date.now();
      for (let sent = 0; !this.abort.signal.aborted && sent < this.shape.maxTasks && Date.now() < until; sent++) {
        // Submissions are not awaited one by one: a slow answer must not lower the rate (an open-loop generator).
        const p: Promise<void> = this.workload
          .submit(this.make(this.shape.tokensPerTask))
          .then((r) => {
            this.records.push(r);
          })
          .finally(() => this.pending.delete(p));
        this.pending.add(p);
        firstAnswered ??= p;
        if ((sent + 1) % burst !== 0) continue; // the rest of the burst goes now
        next += everyMs;
        await delay(Math.max(0, next - Date.now()), undefined, { signal: this.abort.signal }).catch(() => undefined);
      }
      this.endedAt = Date.now();
    })();
    await firstAnswered;
  }

  /**
   * Lets `ms` of the load go by: in a generated schedule (scripts/explore.ts) time under load is the input between two
   * faults, not a wait for a state. Fails when the load is no longer running (it reached its bounds, or was stopped).
   */
  async runFor(ms: number): Promise<void> {
    if (!this.running) throw new Error('The steady load has not started');
    const running = this.running;
    const ended = await timed('stated durations (contract bounds, Gherkin times)', () =>
      Promise.race([running.then(() => true), delay(ms).then(() => false)]),
    );
    if (ended || this.abort.signal.aborted)
      throw new Error(
        `The steady load ended before ${ms} ms more of it had run (bounds: ${this.shape.maxTasks} tasks, ${this.shape.maxMs} ms)`,
      );
  }

  /**
   * Stops submitting (tasks already submitted go on and are judged); resolves once the generator loop has ended and
   * every submission in flight has its answer (so a follower exists for each admitted task before anyone settles).
   */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.running;
    await Promise.allSettled([...this.pending]);
  }
}
