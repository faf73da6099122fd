import { Then } from '@cucumber/cucumber';
import { expect } from 'chai';
import { FaultNotApplicable, SuiteError } from '../support/core/errors';
import { PATIENCE } from '../support/cucumber/patience';
import { eventsOf, outcomeOf, type TaskRecord } from '../support/history/history';
import { faultInjections } from '../support/history/windows';
import { statusBecomes } from '../support/observe/waits';
import type { ChaosWorld } from '../support/cucumber/world';
import {
  cutBeforeGrace,
  failedDespiteFailover,
  notCompletedNorCaughtByHang,
  outlivedDeadline,
  streamingAt,
  untouchedBefore,
} from '../support/checks/graceful';
import { BOUNDS } from '../support/checks/bounds';
import { componentOf, engineOf, POOL } from '../support/faults/subjects';
import { operationRequest } from '../support/faults/ledger';
import { shutdownGraceOf } from '../support/observe/retries';

// What a fault promises the tasks streaming at its instant, judged on the settled history of any schedule.

// ORCH-3505: the orchestrator drains them for its shutdown grace; a pool manager gives its engines their stop grace,
// and an engine that drains on SIGTERM finishes its streams meanwhile.
Then(
  'every task streaming when the {component} was asked to shut down ran on until it ended or its grace period passed',
  function (this: ChaosWorld, role: 'orchestrator' | 'pool-manager') {
    if (role === 'pool-manager' && !this.profile.capabilities.includes('engine-drain-on-term'))
      throw new SuiteError(
        `The target's engines do not drain on SIGTERM (no engine-drain-on-term capability): a pool manager's stop cuts their streams at once`,
      );
    const sent = signalSentAt(this, 'process.term', componentOf(role));
    const graceMs = role === 'orchestrator' ? shutdownGraceOf(this.profile, this.settings.tunes) : this.profile.timings.engineStopGraceMs;
    const cut = cutBeforeGrace(judgedOn(this, sent, `the ${role} was asked to shut down`), sent, graceMs);
    expect(cut, `tasks cut before the ${graceMs} ms grace of the ${role}'s stop: ${cut.join('; ')}`).to.be.empty;
  },
);

// ORCH-3505 through a reload (ORCH-3031): the pool drains first, its tasks in flight given the request's deadline;
// cut at it (and its timer's slack), not before, not later.
Then('every task streaming when the pool was reloaded ran on until its deadline, and none outlived it', function (this: ChaosWorld) {
  const { at, deadlineMs } = requested(this, 'pool.reload', POOL);
  const tasks = judgedOn(this, at, 'the pool was reloaded');
  const cut = cutBeforeGrace(tasks, at, deadlineMs);
  expect(cut, `tasks cut before the reload's ${deadlineMs} ms deadline: ${cut.join('; ')}`).to.be.empty;
  const outlived = outlivedDeadline(tasks, at, deadlineMs + BOUNDS.drainDeadlineSlackMs);
  expect(
    outlived,
    `tasks that outlived the reload's ${deadlineMs} ms deadline (+ ${BOUNDS.drainDeadlineSlackMs} ms): ${outlived.join('; ')}`,
  ).to.be.empty;
});

// ORCH-3505: a replica restarted gracefully lets its work in flight run until the restart's deadline.
Then(
  'every task streaming when replica {replica} was restarted gracefully ran on until it ended or its deadline passed',
  function (this: ChaosWorld, replica: string) {
    const { at, deadlineMs } = requested(this, 'replica.restart', engineOf(replica));
    const cut = cutBeforeGrace(judgedOn(this, at, `replica ${replica} was restarted gracefully`), at, deadlineMs);
    expect(cut, `tasks cut before the ${deadlineMs} ms deadline of replica ${replica}'s graceful restart: ${cut.join('; ')}`).to.be.empty;
  },
);

/** The request of the scenario's last confirmed operation of `kind` on `subject`: when, and the deadline it gave. */
function requested(world: ChaosWorld, kind: string, subject: string): { at: number; deadlineMs: number } {
  const request = operationRequest(world.faults.records(), kind, subject);
  if (!request) throw new SuiteError(`No ${kind} of ${subject} was confirmed in this scenario: nothing to judge`);
  return request;
}

// CHAOS-002: with stream failover on, a task whose engine died mid-stream resumes on a replica that takes over.
Then('every task streaming when the engine of replica {replica} was killed completed', function (this: ChaosWorld, replica: string) {
  if (Number(this.settings.tunes['migration-limit'] ?? 0) < 1)
    throw new SuiteError('Stream failover is off in this scenario: a task whose engine dies mid-stream fails, as it should');
  const killedAt = signalSentAt(this, 'process.kill', engineOf(replica));
  const failed = failedDespiteFailover(judgedOn(this, killedAt, `the engine of replica ${replica} was killed`), killedAt);
  expect(failed, `tasks that failed though stream failover is on: ${failed.join('; ')}`).to.be.empty;
});

// OC-CORE-1022: a steady load runs across the hang (the checker wants it running when a fault begins), so one of its
// tasks may be streaming on the replica when its engine freezes (seen under `npm run stress`: sent to r1 while r2 was
// as busy, about 15 ms before the freeze). Without stream failover nothing can rescue a task that has had tokens: it
// fails retriably at the idle timeout, as the first task does. Any other task of the load must complete.
Then(
  'every task of the steady load completes, except any streaming on replica {replica} when its engine hung, which failed retriably',
  { timeout: PATIENCE.longStepMs },
  async function (this: ChaosWorld, replica: string) {
    await this.background?.stop();
    await this.workload.settle(PATIENCE.batchMs);
    const load = this.background?.records ?? [];
    expect(load.length, 'tasks of the steady load').to.be.greaterThan(0);
    const { sent: hung, healStarted: resumed } = signalWindow(this, 'process.pause', engineOf(replica));
    // The replica each task that did not complete ran on, by the client's status (only those are judged).
    const unfinished = load.filter((r) => outcomeOf(r) !== 'completed');
    const replicaOf = new Map(
      await Promise.all(unfinished.map(async (r) => [r.taskId, (await this.client.status(r.taskId)).body.replica_id] as const)),
    );
    const problems = notCompletedNorCaughtByHang(load, replicaOf, { replica, hung, resumed });
    const shown = `${problems.slice(0, 5).join('; ')}${problems.length > 5 ? `; and ${problems.length - 5} more` : ''}`;
    expect(
      problems.length,
      `tasks of the steady load that neither completed nor were caught on replica ${replica} by its hang: ${shown}`,
    ).to.equal(0);
  },
);

/**
 * The tasks a promise to the tasks in flight at `at` is judged on: those no earlier fault touched (untouchedBefore). It
 * proves nothing when none of them was streaming: the fault waited for a task to stream, but that one may have ended
 * in the moment before the signal, or an earlier fault may have touched it. The scenario then fails as not applicable
 * (the explorer counts it infeasible), never as passed.
 */
function judgedOn(world: ChaosWorld, at: number, when: string): TaskRecord[] {
  const tasks = untouchedBefore(world.history.admitted(), faultInjections(world.timeline), at);
  if (streamingAt(tasks, at).length === 0)
    throw new FaultNotApplicable(
      `No task of the client that no earlier fault had met was streaming when ${when}: the promise to the tasks in flight was judged on none`,
    );
  return tasks;
}

/** When the scenario's last signal of `kind` to `subject` was being sent (epoch ms: the earliest its target saw it). */
function signalSentAt(world: ChaosWorld, kind: string, subject: string): number {
  return signalWindow(world, kind, subject).sent;
}

/**
 * The scenario's last signal of `kind` to `subject`: when it was being sent, and when its heal began (epoch ms; never,
 * if it has not been healed). Throws when no such signal was confirmed.
 */
function signalWindow(world: ChaosWorld, kind: string, subject: string): { sent: number; healStarted: number } {
  const record = world.faults
    .records()
    .filter((r) => r.kind === kind && r.subject === subject)
    .at(-1);
  const sent = (record?.evidence?.observed as { sending_from?: number } | undefined)?.sending_from;
  if (sent === undefined) throw new SuiteError(`No ${kind} of ${subject} was confirmed in this scenario: nothing to judge`);
  const healStarted = record?.healStartedAt === undefined ? Number.POSITIVE_INFINITY : world.timeline.startedAt + record.healStartedAt;
  return { sent, healStarted };
}

// CHAOS-002: with failover on, a task whose replica broke mid-stream goes back to the queue, its tokens kept, until a
// replica takes it over (its status says queued).
Then('the task waits for a replica to take its stream over', async function (this: ChaosWorld) {
  const task = this.requireFocus();
  expect(
    eventsOf(task).some((e) => e.event === 'token'),
    'the task had streamed before',
  ).to.equal(true);
  await statusBecomes(this.client, task, 'queued', PATIENCE.streamingMs);
});
