/**
 * How the explorer (scripts/explore.ts) may draw a fault kind: each kind's own file declares its forms, and its
 * registry entry (registry.ts) carries them, so declaring a kind once makes it explorable. A form is a place, one
 * parameter with its range, and the steps of the project's own vocabulary that apply and end it.
 */

/**
 * Where a fault acts: an engine or the link to it (of one replica), a component, the link to the pool manager, the
 * host's GPUs, the pool as a whole (an operation on it), a component's log or a disk of the target.
 */
export type Place =
  | 'engine'
  | 'link'
  | 'pool-manager'
  | 'orchestrator'
  | 'pool-manager-link'
  | 'gpu'
  | 'pool'
  | 'orchestrator-log'
  | 'pool-manager-log';

export interface ExploreForm {
  place: Place;
  /**
   * The step that applies it (or steps, in order: a judgement that can only be made at once follows it); `r` is the
   * replica (engine and link places), `m` the magnitude.
   */
  inject: (r: string, m: number) => string | string[];
  /**
   * The step (or steps, in order) that ends it. Absent for an instant fault (a kill), which the stack's own
   * supervision repairs.
   */
  heal?: (r: string) => string | string[];
  /** For an instant fault: how long its place stays busy after it (a killed engine restarting), ms. */
  busyMs?: number;
  /** The range of its parameter (latency ms, KB/s, % of a core), when it has one. */
  magnitude?: { min: number; max: number };
  /**
   * How long it lasts until its heal (ms), where the explorer's own range (LIMITS in support/explore/schedule.ts) does
   * not suit it: a fault whose point is to outlast a bound of the contract lasts past it.
   */
  lasts?: { min: number; max: number };
  /** Givens the scenario states when this form is drawn (what the form needs of the stack to act at all). */
  givens?: string[];
  /**
   * The most steady load, in tokens a second per replica, under which the pool still has the headroom to recover
   * within the schedule's bound once the form's givens hold (a cost per token slows every engine): the explorer draws
   * no heavier load beside it.
   */
  maxLoadTokensPerReplicaS?: number;
  /** Needs root (a cgroup). */
  privileged?: boolean;
  /** Capabilities of the target profile it needs (`@needs:` tags of the written scenario). */
  needs?: string[];
  /**
   * Places on which nothing may begin or end while it lasts, or `all` (and then no client action either): with the
   * pool manager gone no engine can be addressed (it answers for them) and its link carries nothing to prove a heal;
   * with the orchestrator gone no link carries traffic and the client cannot cancel.
   */
  blocks?: Place[] | 'all';
  /**
   * Drawn only where no other fault is active at its instant either (with `blocks: 'all'`, nothing else acts while it
   * lasts): an operation whose own outcome another fault could legitimately change (a reload rolls back when its
   * engines fail to load).
   */
  alone?: true;
  /**
   * Places no earlier fault of the schedule may have acted on (engine and link places: of its own replica), because
   * it counts from a clean slate: a crash loop counts its crashes from its first, and an engine's earlier exit (asked to
   * stop, killed, its GPUs lost) counts too until the engine has been stable for a while.
   */
  freshPlaces?: Place[];
  /**
   * Places that must be whole when its heal runs, because the heal reads the pool's state through them (the
   * orchestrator's view of the pool, which is stale while the pool manager is cut off from it).
   */
  healNeeds?: Place[];
  /**
   * A check of its effect, judged once the load has stopped and every stream has ended, unless a fault drawn in the
   * same schedule acted on one of `unless` (a restarted component counts from 0 again).
   */
  settledCheck?: { step: string; unless: Place[] };
  /**
   * A check of what it promises the tasks running at its instant (a graceful stop lets them finish), judged once the
   * load has stopped, when it is the only fault of its form in the schedule and no other fault is active from its
   * instant to its heal; `needs` names capabilities of the target profile the promise holds on, `failover` that it
   * holds where the schedule turns stream failover on (true) or off (false), and only there. `r` is the replica (engine
   * and link places).
   * Several steps are judged in order. With `unlessOn`, only faults on those places (engine and link places: of its
   * own replica) forbid the check, where faults elsewhere cannot change what it judges.
   */
  aloneCheck?: { step: (r: string) => string | string[]; needs?: string[]; failover?: boolean; unlessOn?: Place[] };
}

/** A kind's forms by name (the name is what schedules, weights and reports print). */
export type ExploreForms = Record<string, ExploreForm>;

/** A kind the explorer cannot draw in its generic scenario, and why (the unit test lists these). */
export interface NotExplorable {
  notExplorable: string;
}

export const linkHeal = (r: string): string => `the link to replica ${r} recovers`;

/**
 * What a form that fails every dispatch to a replica while its health checks pass states and promises (ORCH-3040):
 * the breaker's threshold and cool-down, and the dispatches witnessed at the links, so that the replica is judged
 * sent no work while its breaker is open, wherever its failures opened it (a schedule's load may not fail three in a
 * row before the heal; the check is then undecided and passes), and, once the load has stopped and a cool-down has
 * passed, back in full rotation: it takes more than one task at a time (a breaker left half-open after a good trial
 * lets one through at a time for good). With 500 ms, the explorer's faults of up to 2.5 s span several cool-downs.
 */
export const BREAKER_AT_LINK: Pick<ExploreForm, 'givens' | 'aloneCheck'> = {
  givens: [
    'a replica leaves service for 500 ms after 3 failed dispatches in a row',
    'the dispatches reaching each replica are witnessed on their way',
  ],
  aloneCheck: {
    // A replica's breaker is its own: faults on the other replicas, on the pool manager's link or on a log leave it be.
    // Its own engine or link touched otherwise, the orchestrator restarted (its breakers forgotten), the pool manager
    // stopping its engines or the GPUs lost (an engine restarted serves again) would change what the link sees.
    unlessOn: ['engine', 'link', 'orchestrator', 'pool-manager', 'gpu'],
    step: (r) => [
      `the orchestrator sent replica ${r} no work while its breaker was open, wherever its failures opened it`,
      `once its cool-down has passed, replica ${r} takes more than one task at a time again`,
    ],
  },
};
