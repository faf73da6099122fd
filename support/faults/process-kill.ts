import { declareKind } from './kind';
import type { Evidence, FaultContext } from './fault';
import { SignalFault, waitGone } from './signal-fault';
import type { ProcessTarget } from './targets';
import type { ExploreForms } from './explore-form';

/** SIGKILL to a process: it dies at once, with no chance to clean up. Proven by the pid being gone. */
export class ProcessKillFault extends SignalFault {
  readonly kind = 'process.kill' as const;

  constructor(
    target: ProcessTarget,
    private readonly verifyWithinMs = 2000,
  ) {
    super(target, 'SIGKILL');
  }

  /** When the signal was sent (epoch ms), for crash-to-restart measures. */
  get killedAt(): number {
    return this.signalledAt;
  }

  protected async observe(pid: number, ctx: FaultContext): Promise<Evidence> {
    const gone = await waitGone(pid, this.verifyWithinMs, ctx);
    return { ...gone, observed: { ...gone.observed, killed_at: this.signalledAt } };
  }
}

/** The explorer's forms of a SIGKILL: of an engine (its supervisor restarts it), of each component (started again). */
export const KILL_FORMS = {
  'engine-kill': {
    place: 'engine',
    inject: (r) => `the engine of replica ${r} is killed`,
    // The restart delay (50 ms, doubling) plus an engine start, with room: 4 kills of one engine fit in its storm limit.
    busyMs: 1500,
  },
  'pool-manager-kill': {
    place: 'pool-manager',
    inject: () => 'the pool manager is killed',
    heal: () => 'the pool manager is started again',
    // Its log cannot be closed while it is down: nothing writes it (found by the explorer, seed 43).
    blocks: ['engine', 'pool-manager-link', 'gpu', 'pool-manager-log'],
  },
  'orchestrator-kill': {
    place: 'orchestrator',
    inject: () => 'the orchestrator is killed',
    heal: () => 'the orchestrator is started again',
    blocks: 'all',
  },
} satisfies ExploreForms;

/** The kind, declared once (support/faults/kind.ts): the registry, the tags, the checker and the explorer read it. */
export const PROCESS_KILL = declareKind(
  {
    kind: 'process.kill',
    meaning: 'SIGKILL a component or an engine',
    file: __filename,
    errors: ['WORKER_RESET', 'POOL_UNAVAILABLE', 'POOL_UNREADY'],
    explore: KILL_FORMS,
  },
  ProcessKillFault,
);
