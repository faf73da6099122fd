import { Then, When } from '@cucumber/cucumber';
import { expect } from 'chai';
import { PATIENCE } from '../support/cucumber/patience';
import { eventsOf, type TaskRecord, terminalOf } from '../support/history/history';
import type { ChaosWorld } from '../support/cucumber/world';
import { SuiteError } from '../support/core/errors';
import { BOUNDS } from '../support/checks/bounds';
import { OrchestratorStayedLive } from '../support/checks/liveness';
import { measureDetection, measureRecovery } from '../support/observe/measures';
import { engineBuilds, promptTokensByEngine, queueDepthSettles, taskLogsComplete } from '../support/observe/observability';
import { engineUrl } from '../support/stack/mechanisms';
import { poolManagerReachability } from '../support/observe/waits';
import { metricSum } from '../support/orchestrator/metrics';
import {
  answersWithoutCorrelationId,
  engineVersionMismatches,
  logValueMismatches,
  metricsBoundsMismatches,
  metricsMismatches,
  queueDepthMismatch,
  refusalAndCancelCountMismatches,
} from '../support/checks/observability';

Then('the orchestrator stays live', function (this: ChaosWorld) {
  const verdict = OrchestratorStayedLive(this.liveness?.samples ?? [], this.history.all(), BOUNDS.answerMs);
  expect(verdict.valid, verdict.detail).to.equal(true);
});

Then('the orchestrator reports {health}', async function (this: ChaosWorld, status: string) {
  const health = await this.client.health();
  expect(health.body.status, `orchestrator health ${JSON.stringify(health.body)}`).to.equal(status);
});

Then('the orchestrator exits cleanly within {duration}', async function (this: ChaosWorld, limitMs: number) {
  const exited = await this.requireStack().component('orchestrator').waitForExit(limitMs);
  expect(exited.exitCode, `orchestrator exit: ${exited.describe()}; last lines:\n${exited.logTail.join('\n')}`).to.equal(0);
});

When('the orchestrator is started again', { timeout: PATIENCE.longStepMs }, async function (this: ChaosWorld) {
  await this.requireStack().startComponent('orchestrator');
  this.excuses.unexcuse();
});

Then("the orchestrator's metrics show dispatch retries", async function (this: ChaosWorld) {
  expect(metricSum((await this.client.metrics()).body, 'orchd_dispatch_retries_total'), 'orchd_dispatch_retries_total').to.be.greaterThan(
    0,
  );
});

Then('no dispatch was retried', async function (this: ChaosWorld) {
  expect(metricSum((await this.client.metrics()).body, 'orchd_dispatch_retries_total'), 'orchd_dispatch_retries_total').to.equal(0);
});

Then(
  'the orchestrator reports the pool manager {reachability} within {duration}',
  async function (this: ChaosWorld, reachable: boolean, limitMs: number) {
    await poolManagerReachability(this.client, reachable, limitMs);
    if (reachable) measureRecovery(this.timeline, 'pool manager reachable');
    else measureDetection(this.timeline, 'pool manager unreachable');
  },
);

Then('every answer the client got carried a correlation id', function (this: ChaosWorld) {
  expect(answersWithoutCorrelationId(this.history.all()), 'answers without X-Correlation-Id').to.be.empty;
});

Then(
  'every admitted task has a log line with job, session, engine, pool, replica, token and timing fields',
  async function (this: ChaosWorld) {
    // ORCH-3027: every field present (once the log has reached its file), tokens_out what the client received,
    // engine_version what the engine reports.
    await taskLogsAgree(this, this.history.admitted());
  },
);

/**
 * The orchestrator's metrics and what the check reads beside them: the admitted tasks and their prompts' tokens by the
 * pool's own tokenizer. Both metric checks count each streamed token once: they hold with stream failover off only.
 */
async function metricsBeside(world: ChaosWorld): Promise<{ text: string; admitted: TaskRecord[]; prompts: Map<string, number> }> {
  if (Number(world.settings.tunes['migration-limit'] ?? 0) > 0)
    throw new SuiteError('This check counts each streamed token once: it holds with stream failover off only');
  const stack = world.requireStack();
  const admitted = world.history.admitted();
  const urls = stack.replicaIds.map((r) => engineUrl(stack, r));
  const prompts = await promptTokensByEngine(
    urls,
    admitted.map((r) => r.request.prompt ?? ''),
  );
  return { text: (await world.client.metrics()).body, admitted, prompts };
}

Then("the orchestrator's metrics count every admitted task, its start and its tokens", async function (this: ChaosWorld) {
  const { text, admitted, prompts } = await metricsBeside(this);
  expect(metricsMismatches(text, admitted, prompts), 'metrics against what the client saw').to.be.empty;
});

Then("the orchestrator's metrics agree with what the client saw, whatever was retried", async function (this: ChaosWorld) {
  const { text, admitted, prompts } = await metricsBeside(this);
  const problems = metricsBoundsMismatches(text, admitted, prompts);
  expect(problems, `metrics against what the client saw: ${problems.join('; ')}`).to.be.empty;
});

Then("the orchestrator's metrics count every refusal and every cancel the client saw", async function (this: ChaosWorld) {
  const problems = refusalAndCancelCountMismatches((await this.client.metrics()).body, this.history.all());
  expect(problems, `tasks_rejected_total and tasks_canceled_total against what the client saw: ${problems.join('; ')}`).to.be.empty;
});

Then("the orchestrator's metrics show the {int} waiting tasks queued", async function (this: ChaosWorld, waiting: number) {
  const slots = (this.settings.slots ?? this.profile.pool.slots) * this.settings.replicas;
  const mismatch = queueDepthMismatch((await this.client.metrics()).body, this.history.all(), slots, waiting);
  expect(mismatch, 'queue_depth against the tasks the client has waiting').to.equal(undefined);
});

Then("the orchestrator's metrics show no task queued once every task has ended", async function (this: ChaosWorld) {
  const slots = (this.settings.slots ?? this.profile.pool.slots) * this.settings.replicas;
  const metrics = async () => (await this.client.metrics()).body;
  await queueDepthSettles(metrics, () => this.history.all(), slots, 0, PATIENCE.gaugeSettleMs);
});

Then(
  'every task that streamed is logged with the tokens its client received and the build of its engine',
  async function (this: ChaosWorld) {
    // ORCH-3027 for the tasks that ran on a replica (a schedule may fail others before any replica took them).
    const streamed = this.history.admitted().filter((r) => eventsOf(r).some((e) => e.event === 'token') && terminalOf(r));
    await taskLogsAgree(this, streamed);
  },
);

/** The ORCH-3027 fields of `tasks`' log lines, and their tokens_out and engine_version against the client and the engines. */
async function taskLogsAgree(world: ChaosWorld, tasks: TaskRecord[]): Promise<void> {
  const stack = world.requireStack();
  const logFile = stack.componentLogFile('orchestrator');
  await taskLogsComplete(
    logFile,
    tasks.map((r) => r.taskId),
    PATIENCE.logFlushMs,
  );
  const builds = await engineBuilds(new Map(stack.replicaIds.map((r) => [r, engineUrl(stack, r)])), PATIENCE.restartMs);
  const problems = [...logValueMismatches(logFile, tasks), ...engineVersionMismatches(logFile, tasks, builds)];
  expect(problems, `task log lines against what the client saw and what the engines report: ${problems.join('; ')}`).to.be.empty;
}
