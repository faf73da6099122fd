import { FORMS } from '../faults/registry';
import { kindsOf, type Schedule, spanOf } from './schedule';

/** The recovery promise every schedule ends with, s: the bound the catalogue's crash scenarios use. */
export const RECOVERY_S = 5;
/** The orchestrator's default admission capacity (CONTRACT.md; ORCHD_ADMISSION_CAPACITY in the profiles): where a schedule draws none. */
export const DEFAULT_QUEUE_CAPACITY = 8;

/** The overload a schedule may end with (WorkloadPlan.burst): 3 tasks over what the pool runs and queues. */
const BURST_STEP = 'a burst of 3 more tasks than the pool runs and its queue holds arrives at once, and every stream ends';

/** Why a schedule is written down: where it came from and what it broke. */
export interface Provenance {
  seed: number;
  /** fast-check's path to this schedule (replays it exactly with the seed). */
  path?: string;
  profile: string;
  /** The commit of the suite and stack it was found on. */
  commit?: string;
  /** The check that failed, when it failed. */
  failed?: string;
  /** What the target profile offers: a form's check that needs more is not written. */
  capabilities?: string[];
}

/**
 * Writes a schedule as a scenario in the project's own steps: the pool and its load, then the faults and heals in the
 * order of their times, with the load running between them, then the recovery promise. Run by cucumber-js, its After
 * hook judges the history with the strict checker, as for every catalogue scenario.
 */
export function scheduleFeature(s: Schedule, name: string, why: Provenance): string {
  const w = s.workload;
  const points: { at: number; order: number; step: string }[] = [];
  const cancel = w.cancelLast ? 'the client cancels the last task of the batch' : 'the client cancels the task';
  s.events.forEach((e, k) => {
    const f = FORMS[e.fault];
    for (const step of [f.inject(e.replica, e.magnitude)].flat()) points.push({ at: e.atMs, order: 2 * k, step });
    for (const step of f.heal ? [f.heal(e.replica)].flat() : []) points.push({ at: e.atMs + e.forMs, order: 2 * k + 1, step });
    if (w.cancelAfter === k + 1) points.push({ at: e.atMs, order: 2 * k + 0.5, step: cancel });
  });
  points.sort((a, b) => a.at - b.at || a.order - b.order);
  const whens: string[] = [];
  if (w.poison > 0) whens.push(`a client submits ${w.poison} tasks whose prompt is too long for any engine`);
  if (w.batch > 0) whens.push(`a client submits ${w.batch} ${w.batch === 1 ? 'task' : 'tasks'} of ${w.batchTokens} tokens each`);
  if (w.leave) whens.push("the client goes away from the task's stream");
  if (w.cancelAfter === 0) whens.push(cancel);
  let now = 0;
  for (const p of points) {
    if (p.at > now) whens.push(`${p.at - now} ms pass under the load`);
    now = Math.max(now, p.at);
    whens.push(p.step);
  }
  // An instant fault (a kill) is repaired by the stack's supervision in its busy time: the recovery promise runs from
  // its end, as from a heal. Run at once, it raced the supervisor: an engine killed by an ECC error was still "ready"
  // in the pool, and the new task was dispatched to it and failed (found by the explorer, seed 1).
  // (A fault held to the end, a closed log, has no such end.)
  const busyEnds = s.events.filter((e) => !FORMS[e.fault].heal).map((e) => e.atMs + (FORMS[e.fault].busyMs ?? 0));
  const repaired = Math.max(0, ...busyEnds.filter(Number.isFinite));
  if (repaired > now) whens.push(`${repaired - now} ms pass under the load`);
  const thens = [
    `the pool is ready again within ${RECOVERY_S} s`,
    `a new task completes within ${RECOVERY_S} s`,
    'every admitted task is known to the orchestrator',
    // The contract's clock on the whole history: whatever the schedule did, a stream that has begun is never left
    // silent past the idle timeout (outside the orchestrator's own outages), and with stream failover on past the
    // failover's wait for a replica to take it over as well (found by the explorer, seed 41: 2.5 s of silence while
    // the GPUs were gone, then the task resumed and completed).
    w.failover
      ? "no stream was left silent for longer than the idle timeout and a failover's wait"
      : 'no stream was left silent for longer than the idle timeout',
    ...(w.resubmit ? ['resubmitting a task returns the same task'] : []),
  ];
  // What operators see (ORCH-3028, OC-CTRL-2052), judged once the load has stopped and every stream has ended (the
  // counters and the client's history then stand still): correlation ids always; the metrics where the orchestrator
  // kept its counters (never stopped), by what holds whatever was retried; the queue gauge back at 0.
  const restarted = s.events.some((e) => FORMS[e.fault].place === 'orchestrator');
  // Its task log lines are judged where the orchestrator and its log stayed whole, for the tasks that ran on a replica.
  const logged = !s.events.some((e) => ['orchestrator', 'orchestrator-log'].includes(FORMS[e.fault].place));
  const operators = [
    'every answer the client got carried a correlation id',
    "the orchestrator's metrics show no task queued once every task has ended",
    ...(restarted
      ? []
      : [
          "the orchestrator's metrics count every refusal and every cancel the client saw",
          // Counting each streamed token once, they hold with stream failover off only.
          ...(w.failover ? [] : ["the orchestrator's metrics agree with what the client saw, whatever was retried"]),
          // HTU-1002 by each given-up task's attempts (its status): where the orchestrator kept its memory of them.
          'every task given up before its first token was tried as often as the retry budget allows',
        ]),
    ...(logged ? ['every task that streamed is logged with the tokens its client received and the build of its engine'] : []),
    // What a drawn form declares of its own effect (driver resets and ECC errors told apart), where it can be judged.
    ...new Set(
      s.events.flatMap((e) => {
        const check = FORMS[e.fault].settledCheck;
        return check && !s.events.some((o) => check.unless.includes(FORMS[o.fault].place)) ? [check.step] : [];
      }),
    ),
    ...aloneChecks(s, why.capabilities ?? []),
  ];
  const privileged = s.events.some((e) => FORMS[e.fault].privileged);
  const needs = [...new Set(s.events.flatMap((e) => FORMS[e.fault].needs ?? []))].sort().map((c) => `@needs:${c}`);
  const tags = [
    '@explored',
    '@ORCH-3050',
    '@ORCH-3051',
    ...kindsOf(s).map((k) => `@fault:${k}`),
    ...needs,
    ...(privileged ? ['@privileged'] : []),
  ];
  const about = [
    `Generated by \`npm run explore -- --profile ${why.profile} --seed ${why.seed}\`${why.path ? `; replayed alone by \`npm run explore -- --profile ${why.profile} --replay ${why.seed}:${why.path}\`` : ''}${why.commit ? `; commit ${why.commit}` : ''}.`,
    ...(why.failed ? [`It failed: ${why.failed.split('\n')[0].slice(0, 300)}`] : []),
  ];
  // The default admission queue fills under a load the pool cannot serve for a while: a refusal with a retry hint is
  // then the graceful answer (ORCH-3051), or under drop-lru the oldest task's retriable error, which the checker must
  // allow. The capacity is the product default.
  const queue = `the queue holds at most ${w.queueCapacity ?? DEFAULT_QUEUE_CAPACITY} tasks, ${w.dropOldest ? 'dropping the oldest' : 'rejecting new ones'} when full`;
  const lines = [
    tags.join(' '),
    'Feature: An explored fault schedule',
    ...about.map((l) => `  ${l}`),
    '',
    `  Scenario: ${name}`,
    `    Given ${queue}`,
    ...(w.queueTimeoutS ? [`    And tasks wait at most ${w.queueTimeoutS} s in the queue`] : []),
    ...(w.failover ? ['    And stream failover is on'] : []),
    ...[...new Set(s.events.flatMap((e) => FORMS[e.fault].givens ?? []))].map((g) => `    And ${g}`),
    `    And a healthy pool of ${w.replicas} ${w.replicas === 1 ? 'replica' : 'replicas'}`,
    `    And a steady load of ${w.rate} ${w.rate === 1 ? 'task' : 'tasks'} per second of ${w.loadTokens} tokens each`,
    ...whens.map((t, k) => `    ${k === 0 ? 'When' : 'And'} ${t}`),
    ...thens.map((t, k) => `    ${k === 0 ? 'Then' : 'And'} ${t}`),
    '    When the steady load stops and every stream ends',
    ...(w.burst ? [`    And ${BURST_STEP}`] : []),
    ...operators.map((t, k) => `    ${k === 0 ? 'Then' : 'And'} ${t}`),
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * The checks of what a fault promises the tasks running at its instant, for each fault that is the only one of its form
 * and overlaps no other fault: from its instant to its heal nothing else acts (a fault still held or busy from before
 * would excuse the tasks it broke); or, for a check that names them (`unlessOn`), nothing on those places.
 */
function aloneChecks(s: Schedule, capabilities: string[]): string[] {
  const until = (e: Schedule['events'][number]): number => e.atMs + spanOf(e);
  return s.events.flatMap((e) => {
    const check = FORMS[e.fault].aloneCheck;
    if (!check || !(check.needs ?? []).every((c) => capabilities.includes(c))) return [];
    if (check.failover !== undefined && check.failover !== s.workload.failover) return [];
    if (s.events.some((o) => o !== e && o.fault === e.fault)) return [];
    const counts = (o: Schedule['events'][number]): boolean => {
      if (!check.unlessOn) return true;
      const place = FORMS[o.fault].place;
      const onReplica = place === 'engine' || place === 'link';
      return check.unlessOn.includes(place) && (!onReplica || o.replica === e.replica);
    };
    const overlapped = s.events.some((o) => o !== e && counts(o) && o.atMs <= until(e) && until(o) >= e.atMs);
    return overlapped ? [] : [check.step(e.replica)].flat();
  });
}

/** The number of steps of a schedule's scenario (the size of a shrunk failure). */
export function stepCount(feature: string): number {
  return feature.split('\n').filter((l) => /^\s+(Given|When|Then|And|But) /.test(l)).length;
}
