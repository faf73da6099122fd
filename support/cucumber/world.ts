import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { IWorldOptions, setWorldConstructor, World } from '@cucumber/cucumber';
import { SuiteError } from '../errors';
import { FaultLedger } from '../faults/ledger';
import type { Evidence, Fault } from '../faults/fault';
import { ProcessKillFault } from '../faults/process-kill';
import { awaitRestart, Crash } from '../observe/supervision';
import { eventually, Observation } from '../observe/eventually';
import {
  decodeMs,
  endingOf,
  firstTokenDelayMs,
  isAdmitted,
  longestTokenGapMs,
  outcomeOf,
  TaskHistory,
  TaskRecord,
  terminalOf,
  textOf,
} from '../observe/history';
import { LivenessProbe } from '../observe/liveness';
import { Timeline } from '../observe/timeline';
import { poolReaches, taskEnds } from '../observe/waits';
import { Workload } from '../observe/workload';
import { newTask, OrchestratorClient, TaskRequest, TaskStatus } from '../orchestrator/client';
import { StartedStack, StackRequest } from '../stack/stack';
import { runContext } from './run';

export interface SuiteParams {
  /** Path of the target profile, relative to the repository. */
  profile: string;
}

/** What the Given steps ask of the stack before it starts. */
export interface StackSettings {
  replicas: number;
  slots?: number;
  tunes: Record<string, string>;
}

/**
 * The only per-scenario state: the running stack, the faults applied, the client's history and the timeline.
 * Methods here stay small and delegate to support/; steps call them.
 */
export class ChaosWorld extends World<SuiteParams> {
  readonly timeline = new Timeline();
  readonly faults = new FaultLedger(this.timeline, (line) => this.timeline.record('note', line));
  readonly history = new TaskHistory();
  readonly workload = new Workload(() => this.client, this.history, this.timeline);
  readonly settings: StackSettings = { replicas: 1, tunes: {} };
  stack?: StartedStack;
  liveness?: LivenessProbe;
  /** The task the scenario talks about ("the task", "the streaming task"). */
  focus?: TaskRecord;
  /** The tasks of the last "a client submits N tasks" step ("every task"). */
  batch: TaskRecord[] = [];
  /** Engine crashes this scenario caused, in order. */
  readonly crashes: Crash[] = [];
  /** Engine pids noted before a pool-manager fault, to compare after. */
  enginePidsBefore: number[] = [];
  private seed = 0;
  scenarioDir = '';
  private apiClient?: OrchestratorClient;

  constructor(options: IWorldOptions<SuiteParams>) {
    super(options);
  }

  get client(): OrchestratorClient {
    if (!this.apiClient) throw new SuiteError('No stack is running in this scenario: a Given step must start the pool first');
    return this.apiClient;
  }

  /** Creates the scenario's folder under the run's. */
  prepare(slug: string): void {
    const run = runContext();
    run.scenarioCount++;
    this.scenarioDir = path.join(run.runDir, `${String(run.scenarioCount).padStart(3, '0')}-${slug}`);
    mkdirSync(this.scenarioDir, { recursive: true });
  }

  /** Starts the target with the scenario's settings and the liveness probe; records the start-up time. */
  async startStack(): Promise<StartedStack> {
    const run = runContext();
    if (!run.toxiproxy) throw run.toxiproxyError ?? new SuiteError('Toxiproxy is not available');
    if (this.stack) throw new SuiteError('The stack is already running in this scenario');
    const started = Date.now();
    const request: StackRequest = {
      replicas: this.settings.replicas,
      slots: this.settings.slots,
      tunes: this.settings.tunes,
      dir: this.scenarioDir,
      proxyPrefix: `llorch_${run.runId}_${run.scenarioCount}_`,
    };
    this.stack = await StartedStack.start(run.profile, request, run.toxiproxy);
    this.apiClient = new OrchestratorClient(this.stack.orchestratorUrl);
    this.liveness = new LivenessProbe(() => this.client, this.timeline.startedAt);
    this.liveness.start();
    this.timeline.measure('stack_start_ms', Date.now() - started, { replicas: request.replicas });
    return this.stack;
  }

  /** Starts the stack with `replicas` (and `slots`) and waits until its pool reports every replica ready. */
  async startHealthyPool(settings: { replicas: number; slots?: number }): Promise<void> {
    Object.assign(this.settings, settings);
    const stack = await this.startStack();
    const readyMs = await poolReaches(this.client, stack.profile.pool.id, 'ready', stack.profile.startupTimeoutMs);
    this.timeline.measure('pool_ready_after_start_ms', readyMs);
  }

  /** A fresh task of `tokens` tokens, each with its own seed. */
  newTask(tokens: number): TaskRequest {
    return newTask({ max_tokens: tokens, seed: ++this.seed });
  }

  requireFocus(): TaskRecord {
    if (!this.focus) throw new SuiteError('No task to talk about: a step must submit one first');
    return this.focus;
  }

  /** Waits (bounded) for the batch's streams to end; lists every task of the batch that did not complete. */
  async batchSettled(withinMs: number): Promise<{ task: string; outcome: string; detail?: unknown }[]> {
    await this.workload.settle(withinMs);
    return this.batch
      .filter((r) => outcomeOf(r) !== 'completed')
      .map((r) => ({
        task: r.taskId,
        outcome: isAdmitted(r) ? outcomeOf(r) : 'refused',
        detail: terminalOf(r)?.data ?? r.admission?.body ?? r.transportError,
      }));
  }

  /** Which replica served each task, from the status endpoint. */
  async replicasServing(records: TaskRecord[]): Promise<{ task: string; replica?: string }[]> {
    return Promise.all(records.map(async (r) => ({ task: r.taskId, replica: (await this.client.status(r.taskId)).body.replica_id })));
  }

  /** Waits for the focus task's end; returns its error event and how long after the last fault it arrived. */
  async focusEndsAfterFault(withinMs: number): Promise<{ afterFaultMs: number; error?: Record<string, unknown> }> {
    const record = this.requireFocus();
    await taskEnds(record, withinMs);
    const injectedAt = this.timeline.startedAt + (this.timeline.last('fault', 'fault.injected')?.at ?? 0);
    const terminal = terminalOf(record)!;
    this.measureDetection(`task ${terminal.event}`, terminal.at);
    return { afterFaultMs: terminal.at - injectedAt, error: terminal.event === 'error' ? terminal.data : undefined };
  }

  /** Waits (bounded) for the batch; lists the tasks that neither completed with all their tokens nor failed explicitly. */
  async silentlyTruncated(withinMs: number): Promise<{ task: string; ending: string }[]> {
    await this.workload.settle(withinMs);
    return this.batch
      .map((r) => ({ task: r.taskId, ending: endingOf(r) }))
      .filter((e) => e.ending !== 'complete' && e.ending !== 'explicit-error');
  }

  firstTokenDelays(): { task: string; ms: number }[] {
    return this.batch.map((r) => ({ task: r.taskId, ms: firstTokenDelayMs(r) ?? -1 }));
  }

  decodeTimes(): { task: string; ms: number }[] {
    return this.batch.map((r) => ({ task: r.taskId, ms: decodeMs(r) ?? -1 }));
  }

  /** Runs the focus task's request again (new id, same prompt, seed and length) and returns both token texts. */
  async rerunFocus(withinMs: number): Promise<{ disturbed: string; undisturbed: string }> {
    const original = this.requireFocus();
    const injected = this.timeline.last('fault', 'fault.injected');
    if (injected)
      this.timeline.measure('time_to_recover_ms', longestTokenGapMs(original, this.timeline.startedAt + injected.at), {
        sign: 'longest wait between tokens after the fault',
      });
    const clone = await this.workload.submit({ ...original.request, task_id: newTask().task_id });
    await taskEnds(clone, withinMs);
    return { disturbed: textOf(original), undisturbed: textOf(clone) };
  }

  /** Kills one replica's engine `times` times, each time as soon as the pool manager has started a new one. */
  async crashEngineRepeatedly(replicaId: string, times: number): Promise<void> {
    const stack = this.requireStack();
    for (let k = 0; k < times; k++) {
      const previous = this.crashes.at(-1);
      if (previous) await awaitRestart(stack.poolManager, stack.profile.pool.id, previous, 15_000);
      const evidence = await this.faults.apply(new ProcessKillFault(stack.engineTarget(replicaId)));
      this.crashes.push({ replicaId, pid: evidence.observed.pid as number, killedAt: evidence.observed.killed_at as number });
    }
  }

  /** Waits for the restart after every crash caused so far; returns each crash-to-restart delay, ms. */
  async restartDelays(withinMs: number): Promise<number[]> {
    const stack = this.requireStack();
    for (const crash of this.crashes) await awaitRestart(stack.poolManager, stack.profile.pool.id, crash, withinMs);
    return this.crashes.map((c) => c.restartedAt! - c.killedAt);
  }

  /** The pids of every engine the pool manager runs now. */
  async enginePids(): Promise<number[]> {
    const stack = this.requireStack();
    return (await stack.poolManager.pool(stack.profile.pool.id)).replicas.map((r) => r.pid).filter((p): p is number => p !== undefined);
  }

  /** The status answer for every admitted task. */
  async knownStatuses(): Promise<{ task: string; status: number; state?: string }[]> {
    return Promise.all(
      this.history.admitted().map(async (r) => {
        const a = await this.client.status(r.taskId);
        return { task: r.taskId, status: a.status, state: a.body.state };
      }),
    );
  }

  /** Sends the focus task's request again, unchanged; returns the answer and the task's status before and after. */
  async resubmitFocus(): Promise<{ before: TaskStatus; answer: { status: number; task_id?: string }; after: TaskStatus }> {
    const focus = this.requireFocus();
    const before = (await this.client.status(focus.taskId)).body;
    const answer = await this.client.submit(focus.request);
    const after = (await this.client.status(focus.taskId)).body;
    return { before, answer: { status: answer.status, task_id: answer.body.task_id }, after };
  }

  /** Cancels the focus task; records when the cancel was answered. */
  async cancelFocus(): Promise<{ status: number }> {
    const answer = await this.client.cancel(this.requireFocus().taskId);
    this.timeline.record('request', 'task.canceled', {
      task_id: this.requireFocus().taskId,
      status: answer.status,
      elapsed_ms: answer.elapsedMs,
    });
    return { status: answer.status };
  }

  /** The profile's model size, for tunings expressed in time. */
  get modelSizeBytes(): number {
    return runContext().profile.pool.modelSizeBytes;
  }

  requireStack(): StartedStack {
    if (!this.stack) throw new SuiteError('No stack is running in this scenario: a Given step must start the pool first');
    return this.stack;
  }

  /** Applies a fault (inject, verify, register for healing) and attaches its evidence as it goes. */
  async applyFault(fault: Fault): Promise<Evidence> {
    return this.faults.apply(fault);
  }

  /** The one way steps wait: poll until the condition holds or fail with the limit and what was last seen. */
  async expectEventually<T>(
    condition: string,
    probe: () => Promise<Observation<T>>,
    withinMs: number,
  ): Promise<{ value?: T; elapsedMs: number }> {
    return eventually(condition, probe, { withinMs, everyMs: 10 });
  }

  /**
   * Records `time_to_detect_ms`: from the latest fault injection to now (or to `atMs`, an epoch time), once per
   * injection — the first sign that the system noticed counts.
   */
  measureDetection(sign: string, atMs = Date.now()): void {
    const injected = this.timeline.last('fault', 'fault.injected');
    const already = this.timeline.last('measure', 'time_to_detect_ms');
    if (!injected || (already && already.at >= injected.at)) return;
    this.timeline.measure('time_to_detect_ms', atMs - this.timeline.startedAt - injected.at, { sign });
  }

  /**
   * Records `time_to_recover_ms`: from the fault's end — its heal, or its injection for faults the system must undo
   * itself (a killed process) — to now; a later sign of recovery replaces an earlier one.
   */
  measureRecovery(sign: string): void {
    const injected = this.timeline.last('fault', 'fault.injected');
    const healed = this.timeline.last('fault', 'fault.healed');
    const from = healed && injected && healed.at >= injected.at ? healed : injected;
    if (from) this.timeline.measure('time_to_recover_ms', Date.now() - this.timeline.startedAt - from.at, { sign, from: from.name });
  }
}

setWorldConstructor(ChaosWorld);
