import { httpStatus } from '../core/http-status';
import { declareKind } from './kind';
import { setTimeout as delay } from 'node:timers/promises';
import { isAlive } from '../core/pids';
import type { Evidence, FaultContext } from './fault';
import { SignalFault } from './signal-fault';
import type { ProcessTarget } from './targets';
import type { ExploreForms } from './explore-form';

/**
 * SIGTERM to a process: a request to shut down gracefully. Proven when the process is gone or, if it drains first,
 * when its draining probe stops answering 200.
 */
export class ProcessTermFault extends SignalFault {
  readonly kind = 'process.term' as const;

  constructor(
    target: ProcessTarget,
    private readonly drainingUrl?: string,
    private readonly verifyWithinMs = 2000,
  ) {
    super(target, 'SIGTERM');
  }

  protected async observe(pid: number, ctx: FaultContext): Promise<Evidence> {
    const started = Date.now();
    let lastStatus: number | string = 'not probed';
    while (Date.now() - started < this.verifyWithinMs) {
      if (!isAlive(pid)) return { verdict: 'confirmed', observed: { exited_after_ms: Date.now() - started } };
      if (this.drainingUrl) {
        lastStatus = await httpStatus(this.drainingUrl, 500);
        if (lastStatus !== 200)
          return { verdict: 'confirmed', observed: { draining_after_ms: Date.now() - started, draining_probe: lastStatus } };
      }
      await delay(5, undefined, { signal: ctx.signal });
    }
    return { verdict: 'mismatch', observed: { still_serving_after_ms: this.verifyWithinMs, draining_probe: lastStatus } };
  }
}

/** The explorer's forms of a SIGTERM: an engine asked to stop (restarted by its supervisor), each component drained. */
export const TERM_FORMS = {
  'engine-term': {
    place: 'engine',
    inject: (r) => `the engine of replica ${r} is asked to shut down`,
    // An engine asked to stop drains first (up to its 1 s grace) and is still "ready" in /pools meanwhile: without
    // waiting for its restart, the schedule's last checks ran on that stale state and a new task went to the draining
    // engine (found by the explorer, seed 1). Its restart (50 ms, doubling, plus an engine start) is awaited.
    heal: (r) => `replica ${r} is restarted and ready again within 5 s`,
    busyMs: 1500,
    // That wait reads the orchestrator's view of the pool: not while the pool manager is cut off from it (found by the
    // explorer, seed 1: the restart was never seen through the cut), nor while the replica's own link fails the
    // orchestrator's probes (seed 4: restarted, yet "unreachable" behind its reset link).
    healNeeds: ['pool-manager-link', 'link'],
    // An engine that stops its streams on SIGTERM but lives on (llama-server) is not restarted by it: not drawn there
    // (the explored engine-stop-after-pool-manager-restart.feature failed on that profile in CI).
    needs: ['engine-drain-on-term'],
  },
  'pool-manager-term': {
    place: 'pool-manager',
    // Once a task of 300 tokens streams (1.5 s on the reference engine; up to 4 sent within 2 s), so that its promise
    // to the tasks in flight is judged on at least one (waiting for one of the load's, it was not applicable in 14 of
    // 41 schedules of the hunt at 8c0b991).
    inject: () => 'the pool manager is asked to shut down once a task of 300 tokens streams',
    // It stops its engines first (each within its grace): started again once it has exited, by the catalogue's bound
    // (component-shutdown.feature).
    heal: () => ['the pool manager exits cleanly within 4 s', 'the pool manager is started again'],
    // Unlike a kill, a stop takes its engines down with it: no link carries anything until it is back, so a link
    // fault could be neither proven applied nor healed (found by the explorer, seed 31: a stall healed meanwhile).
    // Nor can its log be closed while it is down (seed 43, for a kill).
    blocks: ['engine', 'link', 'pool-manager-link', 'gpu', 'pool-manager-log'],
    // Its engines get their stop grace: an engine that drains on SIGTERM finishes its streams meanwhile.
    aloneCheck: {
      step: () => 'every task streaming when the pool manager was asked to shut down ran on until it ended or its grace period passed',
      needs: ['engine-drain-on-term'],
    },
  },
  'orchestrator-term': {
    place: 'orchestrator',
    // Once a task of 300 tokens streams, as the pool manager's stop (11 of 56 not applicable with the load's own).
    inject: () => 'the orchestrator is asked to shut down once a task of 300 tokens streams',
    // It drains first (its in-flight tasks, up to its 5 s shutdown grace from the request, which came at least 200 ms
    // before this wait began): started again once it has exited, by the catalogue's bound (graceful-shutdown.feature).
    heal: () => ['the orchestrator exits cleanly within 5 s', 'the orchestrator is started again'],
    blocks: 'all',
    aloneCheck: {
      step: () => 'every task streaming when the orchestrator was asked to shut down ran on until it ended or its grace period passed',
    },
  },
} satisfies ExploreForms;

/** The kind, declared once (support/faults/kind.ts): the registry, the tags, the checker and the explorer read it. */
export const PROCESS_TERM = declareKind(
  {
    kind: 'process.term',
    meaning: 'SIGTERM a component: graceful shutdown',
    file: __filename,
    // An engine that stops streaming on SIGTERM but keeps its connection open (llama-server) stalls its streams until
    // the idle timeout or the kill that follows the grace period.
    errors: ['WORKER_RESET', 'DECODE_TIMEOUT', 'POOL_UNAVAILABLE', 'POOL_UNREADY'],
    endsProcess: true,
    explore: TERM_FORMS,
  },
  ProcessTermFault,
);
