import { ConditionBroken, FaultNotApplicable } from '../core/errors';
import { eventually } from '../core/eventually';
import { mostAtOnce } from '../history/dispatches';
import { eventsOf, isAdmitted, TaskRecord, terminalOf, textOf } from '../history/history';
import { dispatchesSeenAt } from '../observe/dispatches';
import { taskEnds, tokensReceived } from '../observe/waits';
import { type OrchestratorClient, TaskRequest } from '../orchestrator/client';
import { StartedStack } from '../stack/stack';
import { Workload } from './workload';

/**
 * Recovery probe: submits a fresh task, as a client honouring retry hints would, until one is admitted; that task must
 * then complete — an admitted task that fails is not hidden by trying again, except where the queue refused it late:
 * a full queue dropped it to admit a newer task (drop-lru), or it waited out its queue timeout and was never
 * dispatched (the orchestrator's status says no attempt; found by the explorer, seed 48: a pool of one replica near
 * its capacity after its CPU came back). The client then sends a new one. Refusals and drops along the way stay in
 * the history (and are judged there). Returns the time from the first try to the completion.
 */
export async function aTaskCompletes(workload: Workload, make: () => TaskRequest, withinMs: number): Promise<number> {
  const started = Date.now();
  await aCompletedTask('a new task completes', workload, make, withinMs);
  return Date.now() - started;
}

/** The recovery probe's task (see aTaskCompletes), once completed; `what` names the probe in its errors. */
async function aCompletedTask(what: string, workload: Workload, make: () => TaskRequest, withinMs: number): Promise<TaskRecord> {
  const started = Date.now();
  for (;;) {
    const left = withinMs - (Date.now() - started);
    const { record, dropped } = await anAdmittedTaskEnds(what, workload, make, left);
    if (!dropped) return record;
    if (Date.now() - started >= withinMs)
      throw new ConditionBroken(
        `${what}: every task admitted within ${withinMs} ms was dropped from a full queue or timed out in it (last: ${record.taskId})`,
      );
  }
}

/** Submits until a task is admitted, and waits for its end: completed, or refused late by the queue (else it throws). */
async function anAdmittedTaskEnds(
  what: string,
  workload: Workload,
  make: () => TaskRequest,
  withinMs: number,
): Promise<{ record: TaskRecord; dropped: boolean }> {
  const started = Date.now();
  const { value: record } = await eventually(
    'a new task is admitted',
    async () => {
      const r = await workload.submit(make());
      return {
        ok: r.admission?.status === 202,
        seen: `refused: ${r.admission?.status ?? r.transportError} ${r.admission?.body?.code ?? ''}`,
        value: r,
      };
    },
    { withinMs, everyMs: 50 },
  );
  const outcome = await taskEnds(record!, Math.max(100, withinMs - (Date.now() - started)));
  const terminal = terminalOf(record!);
  if (terminal?.event === 'error' && terminal.data.code === 'QUEUE_FULL_DROP_LRU') return { record: record!, dropped: true };
  const timedOutQueued =
    terminal?.event === 'error' &&
    terminal.data.code === 'POOL_UNAVAILABLE' &&
    !eventsOf(record!).some((e) => e.event === 'token') &&
    (await workload.attemptsOf(record!.taskId)) === 0;
  if (timedOutQueued) return { record: record!, dropped: true };
  if (outcome !== 'completed')
    throw new ConditionBroken(
      `${what}: task ${record!.taskId} was admitted and then ${outcome}${terminal?.event === 'error' ? ` (${terminal.data.code}: ${terminal.data.message})` : ''}`,
    );
  return { record: record!, dropped: false };
}

/**
 * Sends bursts of `burst` short tasks at once, each burst waited for, until the link of `replica` shows more than one
 * dispatch in flight at once since `sinceMs` (epoch): the replica is back in full rotation, its breaker closed, not
 * half-open (one trial at a time). Bounded: at most `withinMs`. Returns how many bursts it took.
 */
export async function replicaTakesTasksSideBySide(
  stack: StartedStack,
  workload: Workload,
  make: () => TaskRequest,
  replica: string,
  burst: number,
  sinceMs: number,
  withinMs: number,
): Promise<number> {
  let bursts = 0;
  await eventually(
    `replica ${replica} takes more than one task at a time`,
    async () => {
      bursts++;
      const sent = await workload.submitMany(burst, make);
      await Promise.all(sent.filter(isAdmitted).map((r) => taskEnds(r, withinMs)));
      const seen = await dispatchesSeenAt(stack, replica, sinceMs);
      const most = mostAtOnce(seen, Date.now());
      return {
        ok: most > 1,
        seen: `${bursts} burst(s) of ${burst}: ${seen.length} dispatch(es) reached ${replica}, at most ${most} at once`,
      };
    },
    { withinMs, everyMs: 20 },
  );
  return bursts;
}

/**
 * What the served model writes for one fixed request (prompt, seed, length), as the client reads it: the text of a
 * probe task run to its end. Two models write different texts for the same request, so comparing probes before and
 * after a reload tells which model serves, by the client's own evidence. Sent as the recovery probe is (aTaskCompletes:
 * again after a refusal, or after a full queue dropped it) until `withinMs`.
 */
export async function modelProbe(workload: Workload, make: () => TaskRequest, withinMs: number): Promise<string> {
  return textOf(await aCompletedTask('the model probe completes', workload, make, withinMs));
}

/**
 * Submits fresh tasks until one is refused as `what` says (the orchestrator had to notice first): `problems` lists what
 * a refusal lacks (support/checks/refusals.ts), empty when it is the refusal awaited.
 */
export async function tasksRefused(
  workload: Workload,
  make: () => TaskRequest,
  what: string,
  problems: (r: TaskRecord) => string[],
  withinMs: number,
): Promise<number> {
  const { elapsedMs } = await eventually(
    `new tasks refused as ${what}`,
    async () => {
      const record = await workload.submit(make());
      const lacks = problems(record);
      return { ok: lacks.length === 0, seen: `HTTP ${record.admission?.status ?? record.transportError}: ${lacks.join(', ')}` };
    },
    { withinMs, everyMs: 50 },
  );
  return elapsedMs;
}

/**
 * A task of the client streaming on `replica` (on any, when it is undefined), for a fault that acts on that replica's
 * (or a component's) work in flight: sends a task (`make`) and, once it streams, asks the orchestrator where it runs;
 * another replica's task runs on and the next is sent, up to `tries` in all within `withinMs`. None there in time means
 * the fault cannot be judged as meant: not applicable (the explorer counts the schedule infeasible), never passed.
 */
export async function aTaskStreamingOn(
  workload: Workload,
  client: OrchestratorClient,
  replica: string | undefined,
  make: () => TaskRequest,
  { tries, withinMs }: { tries: number; withinMs: number },
): Promise<TaskRecord> {
  const deadline = Date.now() + withinMs;
  const seen: string[] = [];
  for (let k = 0; k < tries && Date.now() < deadline; k++) {
    const record = await workload.submit(make());
    if (!isAdmitted(record)) {
      seen.push(`refused ${record.admission?.status ?? record.transportError}`);
      continue;
    }
    const streaming = await tokensReceived(record, 1, Math.max(0, deadline - Date.now())).then(
      () => true,
      () => false,
    );
    if (streaming && replica === undefined) return record;
    const on = streaming ? (await client.status(record.taskId)).body.replica_id : undefined;
    if (on === replica) return record;
    seen.push(streaming ? `streaming on ${on}` : 'not streaming in time');
  }
  throw new FaultNotApplicable(
    `Fault not applied: no task of the client streamed${replica ? ` on replica ${replica}` : ''} in ${withinMs} ms (${seen.join('; ')})`,
  );
}
