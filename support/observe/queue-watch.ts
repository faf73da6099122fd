import { answeredAt, eventsOf, type TaskHistory, terminalOf } from '../history/history';
import type { OverdueSighting } from '../checks/queue-timeout';
import type { OrchestratorClient } from '../orchestrator/client';

/**
 * Watches, as a client would, the tasks the queue timeout should have ended (CHAOS-004): every `everyMs`, each
 * admitted task that has no token and no end though more than the timeout plus its slack has passed since its
 * admission was answered (the orchestrator starts the clock before it answers) is asked for its status; one that says
 * "queued" with no attempt yet is a task no replica took that the timeout left waiting. Only such overdue tasks are
 * asked, so a scenario whose tasks all start in time costs nothing. Bounded by `maxTicks`.
 */
export class QueueWatch {
  readonly sightings: OverdueSighting[] = [];
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private ticks = 0;

  constructor(
    private readonly client: () => OrchestratorClient,
    private readonly history: TaskHistory,
    private readonly overdueMs: number,
    private readonly everyMs = 100,
    private readonly maxTicks = 3000,
  ) {}

  start(): void {
    const tick = async (): Promise<void> => {
      if (this.stopped || this.ticks++ >= this.maxTicks) return;
      const now = Date.now();
      const overdue = this.history.admitted().filter((r) => {
        return now - answeredAt(r) > this.overdueMs && !terminalOf(r) && !eventsOf(r).some((e) => e.event === 'token');
      });
      for (const r of overdue.slice(0, 20)) {
        // Waited at least this long when the orchestrator answered: its clock started before the admission's answer.
        const waitedMs = Date.now() - answeredAt(r);
        const answer = await this.client()
          .status(r.taskId)
          .catch(() => undefined);
        if (answer?.status === 200 && answer.body.state === 'queued' && answer.body.attempts === 0 && !this.stopped)
          this.sightings.push({ taskId: r.taskId, waitedMs });
      }
      if (!this.stopped) this.timer = setTimeout(() => void tick(), this.everyMs);
    };
    void tick();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }
}
