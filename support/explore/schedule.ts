import fc from 'fast-check';
import { FORMS } from '../faults/registry';

/** The name of an explorable form of a fault kind (support/faults/registry.ts). */
export type ExplorableName = string;

/** One fault of a nemesis schedule: which, on which replica, from when (ms after the load began), for how long. */
export interface FaultEvent {
  fault: ExplorableName;
  replica: string;
  atMs: number;
  forMs: number;
  magnitude: number;
}

/** The client's side of a schedule: the pool, a steady load, a batch at the start, and what the client does to it. */
export interface WorkloadPlan {
  replicas: number;
  /** Steady load: tasks per second and tokens per task. */
  rate: number;
  loadTokens: number;
  /** A batch submitted as the load begins (its first task is "the task" a cancel talks about). */
  batch: number;
  batchTokens: number;
  /** Requests that fail on every replica by themselves (a prompt too long for any engine). */
  poison: number;
  /** Cancel a task of the batch after this many fault events (none when absent). */
  cancelAfter?: number;
  /** The cancel is of the batch's last task, which a busy pool may still hold queued, not of its first. */
  cancelLast: boolean;
  /** The client goes away from the batch's first task's stream at its next token (SSE-1003: that cancels it). */
  leave: boolean;
  /** End by resubmitting a task with its own id (idempotent submission). */
  resubmit: boolean;
  /** Stream failover on (CHAOS-002): a task whose replica breaks mid-stream resumes on one that takes over. */
  failover: boolean;
  /**
   * A queue timeout of this many seconds (CHAOS-004), or the profile's own (10 s, which no schedule waits out): a
   * fault that leaves no replica to take the queued tasks then outlasts it.
   */
  queueTimeoutS?: number;
  /** A full queue drops its oldest task to admit a new one (drop-lru, ORCH-3005), instead of refusing the new one. */
  dropOldest: boolean;
  /** How many tasks the queue holds (the product default is 8; fewer fill it under a milder slowdown). */
  queueCapacity?: number;
  /**
   * Once the load has stopped and the pool is idle, a burst of more tasks than the pool runs and its queue holds: a
   * full queue for certain, so that its refusals (or drops, under drop-lru) are judged (ORCH-2007, ORCH-3005, ORCH-3028);
   * the faults' full queues came by chance, and so did a shrunk scenario's reproduction (the hunt at 8c0b991: refusals
   * with no retry hint and uncounted refusals caught, then failing 0 and 1 of 3 runs of their written scenarios).
   */
  burst?: boolean;
}

export interface Schedule {
  workload: WorkloadPlan;
  events: FaultEvent[];
}

/** The bounds of every schedule: faults per schedule, their offsets and lengths, the load. */
export const LIMITS = { maxEvents: 4, maxStartMs: 3000, minForMs: 200, maxForMs: 2500, maxReplicas: 3 };

/** How much each fault weighs in the draw: 1 to 8, its own mix per seed (as TigerBeetle's simulator swarms). */
export type FaultWeights = Partial<Record<ExplorableName, number>>;

/** The fault weights of a seed: drawn by fast-check from the seed itself, so a seed always has the same mix. */
export function faultWeights(seed: number, names: ExplorableName[]): FaultWeights {
  const [weights] = fc.sample(fc.array(fc.integer({ min: 1, max: 8 }), { minLength: names.length, maxLength: names.length }), {
    seed,
    numRuns: 1,
  });
  return Object.fromEntries(names.map((n, k) => [n, weights[k]]));
}

/** A fault event drawn from the faults `names` allows (weighted when `weights` says so), its magnitude within the kind's declared range. */
function eventArb(names: ExplorableName[], weights?: FaultWeights): fc.Arbitrary<FaultEvent> {
  const fault = weights
    ? fc.oneof(...names.map((n) => ({ arbitrary: fc.constant(n), weight: weights[n] ?? 1 })))
    : fc.constantFrom(...names);
  return fc
    .record({
      fault,
      replica: fc.integer({ min: 1, max: LIMITS.maxReplicas }),
      atMs: fc.integer({ min: 0, max: LIMITS.maxStartMs / 50 }).map((n) => n * 50),
      forMs: fc.integer({ min: LIMITS.minForMs / 50, max: LIMITS.maxForMs / 50 }).map((n) => n * 50),
      share: fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
    })
    .map(({ fault, replica, atMs, forMs, share }) => {
      const m = FORMS[fault].magnitude;
      const magnitude = m ? Math.round(m.min + share * (m.max - m.min)) : 0;
      return { fault, replica: `r${replica}`, atMs, forMs: lasting(fault, forMs), magnitude };
    });
}

/**
 * A drawn length mapped onto the form's own range (`lasts`), in steps of 50 ms, where it declares one: the same draw
 * as every other form's (so no other draw of a seed changes), shrinking towards the range's shortest.
 */
function lasting(fault: ExplorableName, forMs: number): number {
  const lasts = FORMS[fault].lasts;
  if (!lasts) return forMs;
  const share = (forMs - LIMITS.minForMs) / (LIMITS.maxForMs - LIMITS.minForMs);
  return lasts.min + Math.round((share * (lasts.max - lasts.min)) / 50) * 50;
}

const workloadArb: fc.Arbitrary<WorkloadPlan> = fc.record({
  replicas: fc.integer({ min: 1, max: LIMITS.maxReplicas }),
  rate: fc.integer({ min: 1, max: 4 }),
  loadTokens: fc.integer({ min: 1, max: 8 }).map((n) => n * 10),
  batch: fc.integer({ min: 0, max: 4 }),
  batchTokens: fc.integer({ min: 1, max: 15 }).map((n) => n * 20),
  // Up to 4: three in a row on one replica reach the dispatch breaker's threshold, which poison must never open (ORCH-3040).
  poison: fc.integer({ min: 0, max: 4 }),
  cancelAfter: fc.option(fc.integer({ min: 0, max: LIMITS.maxEvents }), { nil: undefined }),
  resubmit: fc.boolean(),
  cancelLast: fc.boolean(),
  leave: fc.boolean(),
  failover: fc.boolean(),
  queueTimeoutS: fc.option(fc.constantFrom(1, 2), { nil: undefined }),
  dropOldest: fc.boolean(),
  queueCapacity: fc.integer({ min: 3, max: 8 }),
  burst: fc.boolean(),
});

/**
 * Schedules over the faults `names` allows: a workload and 1–4 fault events, overlaps allowed across places. The map
 * makes each schedule runnable as drawn: replicas beyond the pool fold onto it, a fault on a place still busy with an
 * earlier one (a paused engine, a restarting one) or on an engine while the pool manager is down is dropped.
 */
export function scheduleArb(names: ExplorableName[], weights?: FaultWeights): fc.Arbitrary<Schedule> {
  return (
    fc
      // Events first: fast-check shrinks a record's fields in order, and fewer faults make the shortest scenario.
      .record({ events: fc.array(eventArb(names, weights), { minLength: 1, maxLength: LIMITS.maxEvents }), workload: workloadArb })
      .map(normalise)
  );
}

export function normalise(s: Schedule): Schedule {
  const replicas = s.workload.replicas;
  const events = s.events
    .map((e) => ({ ...e, replica: `r${((Number(e.replica.slice(1)) - 1) % replicas) + 1}` }))
    .sort((a, b) => a.atMs - b.atMs);
  const kept: FaultEvent[] = [];
  for (const e of events) if (!kept.some((k) => conflicts(k, e) || touched(k, e))) kept.push(e);
  const workload = { ...s.workload };
  // No heavier steady load than a drawn form leaves the pool the headroom to recover from: fewer tasks a second
  // first, then shorter ones.
  const cap = Math.min(...kept.map((e) => FORMS[e.fault].maxLoadTokensPerReplicaS ?? Number.POSITIVE_INFINITY)) * replicas;
  while (workload.rate > 1 && workload.rate * workload.loadTokens > cap) workload.rate--;
  if (workload.rate * workload.loadTokens > cap) workload.loadTokens = Math.max(10, Math.floor(cap / workload.rate / 10) * 10);
  if (workload.batch === 0 || (workload.cancelAfter ?? 0) > kept.length) workload.cancelAfter = undefined;
  // The client cannot cancel while the orchestrator is gone.
  const cancelAt = workload.cancelAfter ? kept[workload.cancelAfter - 1].atMs : 0;
  const clientBlocked = (e: FaultEvent) => FORMS[e.fault].blocks === 'all' && within(cancelAt, e);
  if (workload.cancelAfter !== undefined && kept.some(clientBlocked)) workload.cancelAfter = undefined;
  if (workload.batch === 0) [workload.resubmit, workload.leave] = [false, false];
  if (workload.cancelAfter === undefined || workload.batch < 2) workload.cancelLast = false;
  // The client leaves the first task's stream only where it does not also cancel it: the two race to end the task, and
  // which one the orchestrator counts is then a toss (seen: the cancel's, while the client counted its going away).
  if (workload.cancelAfter !== undefined && !workload.cancelLast) workload.leave = false;
  return { workload, events: kept };
}

/** The place key of an event: a replica's engine or link, or a component. */
function placeOf(e: FaultEvent): string {
  const { place } = FORMS[e.fault];
  return place === 'engine' || place === 'link' ? `${place}:${e.replica}` : place;
}

/** How long an event holds its place, ms: its length, or an instant fault's busy time. */
export function spanOf(e: FaultEvent): number {
  const f = FORMS[e.fault];
  return f.heal ? e.forMs : (f.busyMs ?? 0);
}

/** The times (ms) at which an event begins and, if it is healed, ends. */
function timesOf(e: FaultEvent): number[] {
  return FORMS[e.fault].heal ? [e.atMs, e.atMs + e.forMs] : [e.atMs];
}

/** True when `t` falls in the window an event holds (from its start to its heal, or its busy time). */
export function within(t: number, e: FaultEvent): boolean {
  return t >= e.atMs && t <= e.atMs + spanOf(e);
}

/** True when `blocker` forbids anything to begin or end on `other`'s place while it lasts. */
function blocksPlace(blocker: FaultEvent, other: FaultEvent): boolean {
  const { blocks } = FORMS[blocker.fault];
  const place = FORMS[other.fault].place;
  return blocks === 'all' || (blocks?.includes(place) ?? false);
}

/** True when `healed`'s heal would run while `other` holds a place that heal needs whole. */
function healBlocked(other: FaultEvent, healed: FaultEvent): boolean {
  const f = FORMS[healed.fault];
  // A needed replica place (an engine, a link) is the healed event's own replica's.
  const needed = (f.healNeeds ?? []).map((p) => (p === 'engine' || p === 'link' ? `${p}:${healed.replica}` : p));
  return f.heal !== undefined && needed.includes(placeOf(other)) && within(healed.atMs + healed.forMs, other);
}

/**
 * True when `later` cannot run as drawn beside `earlier`: the same place while busy, a place the other blocks, a heal
 * that needs a place the other holds, or a form drawn alone while the other still acts.
 */
function conflicts(earlier: FaultEvent, later: FaultEvent): boolean {
  if (placeOf(earlier) === placeOf(later) && later.atMs < earlier.atMs + spanOf(earlier)) return true;
  if (healBlocked(earlier, later) || healBlocked(later, earlier)) return true;
  if (FORMS[later.fault].alone && within(later.atMs, earlier)) return true;
  if (blocksPlace(earlier, later) && timesOf(later).some((t) => within(t, earlier))) return true;
  return blocksPlace(later, earlier) && timesOf(earlier).some((t) => within(t, later));
}

/** True when `earlier` acted on a place `later` needs untouched before it (`freshPlaces`). */
function touched(earlier: FaultEvent, later: FaultEvent): boolean {
  const fresh = (FORMS[later.fault].freshPlaces ?? []).map((p) => (p === 'engine' || p === 'link' ? `${p}:${later.replica}` : p));
  return earlier.atMs <= later.atMs && fresh.includes(placeOf(earlier));
}

/** The fault kinds a schedule applies (its `@fault:` tags). */
export function kindsOf(s: Schedule): string[] {
  return [...new Set(s.events.map((e) => FORMS[e.fault].kind))].sort();
}

/** One line per schedule, for the log and for replay checks: the same seed prints the same lines. */
export function describeSchedule(s: Schedule): string {
  const w = s.workload;
  const load = `${w.replicas} replicas, ${w.rate}/s×${w.loadTokens} tok, batch ${w.batch}×${w.batchTokens}${w.poison ? `, ${w.poison} poison` : ''}${w.cancelAfter !== undefined ? `, cancel ${w.cancelLast ? 'last' : 'first'} after event ${w.cancelAfter}` : ''}${w.resubmit ? ', resubmit' : ''}${w.leave ? ', leave' : ''}${w.failover ? ', failover' : ''}${w.queueTimeoutS ? `, queue timeout ${w.queueTimeoutS} s` : ''}${w.dropOldest ? ', drop-lru' : ''}${w.queueCapacity && w.queueCapacity !== 8 ? `, queue of ${w.queueCapacity}` : ''}${w.burst ? ', burst' : ''}`;
  const onReplica = (e: FaultEvent) => ['engine', 'link'].includes(FORMS[e.fault].place);
  const args = (e: FaultEvent) => [...(onReplica(e) ? [e.replica] : []), ...(e.magnitude ? [String(e.magnitude)] : [])].join(', ');
  const span = (e: FaultEvent) => (Number.isFinite(spanOf(e)) ? `+${spanOf(e)}ms` : ', to the end');
  const events = s.events.map((e) => `${e.fault}${args(e) ? `(${args(e)})` : ''} @${e.atMs}${span(e)}`);
  return `${load} | ${events.join('; ')}`;
}
