import path from 'node:path';
import { allowedCodes } from '../checks/allowed-errors';
import { BOUNDS } from '../checks/bounds';
import { judgeHistory, type Verdict } from '../checks/judge';
import { timed } from '../core/time-split';
import { TargetDisks } from '../faults/disk-full';
import { ALLOWED_ERRORS } from '../faults/registry';
import { logOf } from '../faults/subjects';
import { firstTokenAt, longestTokenGapMs, type Rerun, type TaskRecord } from '../history/history';
import { disturbedTasks, faultWindows } from '../history/windows';
import { PoolOperations } from '../load/operations';
import { type RerunMemo, rerunDisturbed } from '../load/reruns';
import { targetIdentity, undisturbedTexts } from '../load/undisturbed-texts';
import { lastInjectionAt } from '../observe/measures';
import { engineLogsCaughtUp, gatherEvidence } from '../observe/scenario-evidence';
import { queueTimeoutOf } from '../observe/retries';
import { PATIENCE } from './patience';
import type { ChaosWorld } from './world';

/**
 * The scenario's verdict, in Jepsen's order: first everything is recorded — the load settles (open streams end, unseen
 * admissions are resolved), every task a fault could have disturbed runs again undisturbed, the stack's account and
 * logs are read — then the checks judge that record alone (support/checks/judge.ts, pure functions).
 */
export async function judge(world: ChaosWorld): Promise<Verdict[]> {
  const stack = world.requireStack();
  const { profile } = stack;
  const patienceMs = PATIENCE.afterSettleMs;
  await timed('After: settling the load', async () => {
    await world.workload.settle(patienceMs);
    await world.workload.resolveUnseen(Math.min(patienceMs, 2000));
  });
  // A pool that may have changed its model (a reload) serves other texts than its target's identity says: no memo; and
  // a task whose stream began before it switched ran on a model no rerun can be served by any more: not rerun.
  const { switchedAt } = world.part(PoolOperations);
  const disturbed = disturbedTasks(world.history.all(), faultWindows(world.timeline)).filter(
    (r) => switchedAt === undefined || (firstTokenAt(r) ?? Number.POSITIVE_INFINITY) >= switchedAt,
  );
  const reruns = await timed('undisturbed reruns', () =>
    rerunDisturbed(world.workload, disturbed, Date.now() + 2 * patienceMs, rerunLanes(world), rerunMemo(world)),
  );
  const pattern = (p?: string): RegExp | undefined => (p ? new RegExp(p) : undefined);
  const evidence = await gatherEvidence({
    records: world.history.all(),
    reruns,
    client: world.client,
    samples: world.liveness?.samples ?? [],
    allowed: allowedHere(world),
    queueTimeoutMs: queueTimeoutOf(profile, world.settings.tunes),
    overdue: world.queueWatch?.sightings ?? [],
    generatesMaxTokens: profile.generatesMaxTokens,
    answerBoundMs: BOUNDS.answerMs,
    patterns: {
      engineGeneration: pattern(profile.evidence.engineGeneration),
      dispatchStarted: pattern(profile.evidence.dispatchStarted),
      replicaAvailability: pattern(profile.evidence.replicaAvailability),
    },
    engineLogs: stack.engineLogFiles(),
    engineLogGaps: engineLogGaps(world),
    orchestratorLog: stack.componentLogFile('orchestrator'),
    // A log.unwritable fault on the orchestrator ends its log's evidence: the dispatch check judges what came before.
    orchestratorLogUntil: logCutAt(world, 'orchestrator'),
    patienceMs,
  });
  return judgeHistory(evidence);
}

/**
 * The texts this worker already has of undisturbed runs on the scenario's target (undisturbed-texts.ts), or none where
 * the pool may have changed its model (a reload) or its model file cannot be read.
 */
function rerunMemo(world: ChaosWorld): RerunMemo | undefined {
  if (world.part(PoolOperations).reloaded) return undefined;
  const stack = world.requireStack();
  const target = targetIdentity(stack);
  return target
    ? { target, seedDecidesText: stack.profile.seedDecidesText, texts: undisturbedTexts, scenarioDir: path.basename(world.scenarioDir) }
    : undefined;
}

/**
 * A disturbed task and an undisturbed run of its request, for a Then that compares them. Undisturbed means without
 * the scenario's faults: they are healed first (each heal verified; a heal that fails fails the step), since a rerun
 * under an active fault can be disturbed the same way (a failover bug that changes a text the same way each time would
 * pass). The text comes from this worker's earlier undisturbed run of the same request on the same target, or from a
 * new run, kept for the After's identical-text check, which then runs no second one. Records the longest wait between
 * the task's tokens after the fault as its time to recover.
 */
export async function undisturbedRunOf(world: ChaosWorld, record: TaskRecord): Promise<Rerun> {
  const injectedAt = lastInjectionAt(world.timeline);
  if (injectedAt !== undefined)
    world.timeline.measure('time_to_recover_ms', longestTokenGapMs(record, injectedAt), {
      sign: 'longest wait between tokens after the fault',
    });
  const [healError] = await world.faults.healAll();
  if (healError) throw healError;
  const [pair] = await timed('undisturbed reruns', () =>
    rerunDisturbed(world.workload, [record], Date.now() + PATIENCE.rerunMs, 1, rerunMemo(world)),
  );
  return pair;
}

/**
 * How many reruns run at once: 4, as before 3c7c343. (dfd265b blamed one per slot, 6 on 3 replicas, for a 429 in the
 * llamacpp partial-partition scenario; the refusal was the steady load's, whose rate the third replica could not
 * carry, see that feature: the lanes were not its cause.)
 */
const RERUN_LANES = 4;

/** The reruns at once: 4, or fewer where the pool has fewer slots (more would only wait in its queue, and time out). */
function rerunLanes(world: ChaosWorld): number {
  const stack = world.requireStack();
  return Math.min(RERUN_LANES, stack.replicaIds.length * (world.settings.slots ?? stack.profile.pool.slots));
}

/**
 * The typed errors this scenario's tasks may end with: the rows of the allowed-errors table of its fault tags and of
 * every fault it actually applied (a scenario may kill an engine under a full disk), and the codes its steps expect.
 */
export function allowedHere(world: ChaosWorld): Set<string> {
  return allowedCodes(ALLOWED_ERRORS, [...world.faultKinds, ...world.faults.records().map((r) => r.kind)], world.expectedErrors);
}

/**
 * Windows (epoch ms) in which the engines could not write their logs: their disk full, from the last moment their
 * logs were seen complete before the fill (or the fill) to the heal.
 */
function engineLogGaps(world: ChaosWorld): { from: number; to: number }[] {
  const disks = world.part(TargetDisks);
  const disk = disks.get("engines' log");
  const record = disk && world.faults.recordOf(disk);
  if (record?.injectedAt === undefined) return [];
  const to = record.healedAt === undefined ? Number.POSITIVE_INFINITY : world.timeline.startedAt + record.healedAt;
  return [{ from: disks.engineLogsCompleteAt ?? world.timeline.startedAt + record.injectedAt, to }];
}

/** Waits until the engines' logs hold every task ended so far; returns when the confirming look began (epoch ms). */
export function engineLogsComplete(world: ChaosWorld): Promise<number> {
  const stack = world.requireStack();
  const pattern = stack.profile.evidence.engineGeneration;
  if (!pattern) return Promise.resolve(Date.now());
  return engineLogsCaughtUp({
    records: () => world.history.all(),
    client: world.client,
    engineLogs: stack.engineLogFiles(),
    pattern: new RegExp(pattern),
    patienceMs: PATIENCE.logFlushMs,
  });
}

/** When (epoch ms) a log.unwritable fault cut the log of `role`, if one did. */
function logCutAt(world: ChaosWorld, role: string): number | undefined {
  const cut = world.faults.records().find((r) => r.kind === 'log.unwritable' && r.subject === logOf(role));
  return cut?.injectedAt === undefined ? undefined : world.timeline.startedAt + cut.injectedAt;
}
