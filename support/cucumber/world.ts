import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { setWorldConstructor, World } from '@cucumber/cucumber';
import { timed } from '../core/time-split';
import { InvalidConfiguration, SuiteError } from '../core/errors';
import { FaultLedger } from '../faults/ledger';
import { type TaskRecord, TaskHistory } from '../history/history';
import { BackgroundLoad } from '../load/background';
import { BOUNDS } from '../checks/bounds';
import { LivenessProbe } from '../observe/liveness';
import { QueueWatch } from '../observe/queue-watch';
import { queueTimeoutOf } from '../observe/retries';
import { Timeline } from '../core/timeline';
import { poolReaches } from '../observe/waits';
import { Workload } from '../load/workload';
import { newTask, OrchestratorClient, type TaskRequest } from '../orchestrator/client';
import { type TargetProfile, tunesTaken } from '../stack/profile';
import { StartedStack } from '../stack/stack';
import { PATIENCE } from './patience';
import { runContext } from './run';
import { Excuses } from '../history/liveness';
import { EngineDeaths } from '../observe/engine-deaths';

export interface SuiteParams {
  /** Path of the target profile, relative to the repository. */
  profile: string;
}

/** What the Given steps ask of the stack before it starts. */
export interface StackSettings {
  replicas: number;
  slots?: number;
  tunes: Record<string, string>;
  /** The model's size, bytes (the profile's when absent). */
  modelSizeBytes?: number;
  /** Witness every request reaching a replica at its link (the suite's tap), for checks only the link can make. */
  recordDispatches?: boolean;
}

/**
 * The only per-scenario state: the running stack, the faults applied, the client's history and the timeline, and
 * its lifecycle (prepare, start); each family of steps keeps its own state in a part (`part()`). Judgements over that
 * state are pure functions in support/checks, over the record in support/history; steps call them.
 */
export class ChaosWorld extends World<SuiteParams> {
  readonly timeline = new Timeline();
  readonly faults = new FaultLedger(this.timeline, (line) => this.timeline.record('note', line));
  readonly history = new TaskHistory();
  /** Windows where the scenario stopped the orchestrator on purpose (liveness and submissions are excused). */
  readonly excuses = new Excuses();
  readonly workload = new Workload(() => this.client, this.history, this.timeline, this.excuses);
  /** Error codes the scenario's operations cause on purpose (beyond what its faults allow). */
  readonly expectedErrors = new Set<string>();
  /** The `@fault:` kinds of the scenario, from its tags. */
  faultKinds: string[] = [];
  /** A steady load running under the scenario's fault, if a Given step started one. */
  background?: BackgroundLoad;
  readonly settings: StackSettings = { replicas: 1, tunes: {} };
  stack?: StartedStack;
  liveness?: LivenessProbe;
  /** The client's watch on tasks the queue timeout should have ended. */
  queueWatch?: QueueWatch;
  /** The task the scenario talks about ("the task", "the streaming task"). */
  focus?: TaskRecord;
  /** The tasks of the last "a client submits N tasks" step ("every task"). */
  batch: TaskRecord[] = [];
  scenarioDir = '';
  private seed = 0;
  private apiClient?: OrchestratorClient;
  private readonly parts = new Map<new () => object, object>();

  /**
   * The scenario's state of one family of steps, created on first use and owned by its own class (a reload's answers
   * in PoolOperations, a crash loop's crashes in CrashLoop, the engines noted before a pool-manager fault in
   * EngineWatch, the target's own disks in TargetDisks): the World holds no family's scratch fields.
   */
  part<T extends object>(Family: new () => T): T {
    let part = this.parts.get(Family) as T | undefined;
    if (!part) {
      part = new Family();
      this.parts.set(Family, part);
    }
    return part;
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
    const { replicas, slots, tunes, modelSizeBytes, recordDispatches } = this.settings;
    // A Given that tunes the stack must change it: a tune the profile does not take would leave it silently undone.
    const taken = tunesTaken(run.profile);
    const ignored = Object.keys(tunes).filter((t) => !taken.has(t));
    if (ignored.length > 0)
      throw new InvalidConfiguration(
        `Target profile ${run.profile.file} takes no tune ${ignored.join(', ')} (no \${tune:NAME|default} in it): the Given that sets it would do nothing there. Wire it in the profile, or give the scenario a @needs: capability the profile lacks`,
      );
    const request = { replicas, slots, tunes, modelSizeBytes, recordDispatches, dir: this.scenarioDir, proxyPrefix: this.resourcePrefix };
    this.stack = await StartedStack.start(run.profile, request, run.toxiproxy);
    this.apiClient = new OrchestratorClient(this.stack.orchestratorUrl);
    this.faults.beforeInject = (record) => this.part(EngineDeaths).note(record, this.client, this.poolId);
    this.liveness = new LivenessProbe(() => this.client, run.profile.pool.id, this.excuses, BOUNDS.answerMs);
    this.liveness.start();
    const { tunes: scenarioTunes } = this.settings;
    this.queueWatch = new QueueWatch(
      () => this.client,
      this.history,
      queueTimeoutOf(run.profile, scenarioTunes) + BOUNDS.queueTimeoutSlackMs,
    );
    this.queueWatch.start();
    this.timeline.measure('stack_start_ms', Date.now() - started, { replicas });
    return this.stack;
  }

  /** Starts the stack with `replicas` (and `slots`) and waits until its pool reports every replica ready. */
  async startHealthyPool(settings: { replicas: number; slots?: number }): Promise<void> {
    Object.assign(this.settings, settings);
    const stack = await this.startStack();
    const readyMs = await timed('stack: engines until the pool is ready', () =>
      poolReaches(this.client, stack.profile.pool.id, 'ready', stack.profile.startupTimeoutMs),
    );
    this.timeline.measure('pool_ready_after_start_ms', readyMs);
  }

  /** The size of the model the pool serves, bytes: the scenario's fixture, or the profile's real model file. */
  modelSizeBytes(): number {
    if (this.settings.modelSizeBytes !== undefined) return this.settings.modelSizeBytes;
    const { modelFile, modelSizeBytes } = this.profile.pool;
    return modelFile ? statSync(modelFile).size : modelSizeBytes;
  }

  /**
   * Makes the model at least `bytes`: a fixture of that size, or the profile's real model file, which must be that big
   * (a scenario about a model too big for a memory limit cannot run on a smaller one).
   */
  useModelOfAtLeast(bytes: number): void {
    if (!this.profile.pool.modelFile) {
      this.settings.modelSizeBytes = bytes;
      return;
    }
    const size = this.modelSizeBytes();
    if (size < bytes)
      throw new SuiteError(
        `The model ${this.profile.pool.modelFile} has ${size} bytes: expected at least ${bytes} (target profile ${this.profile.file})`,
      );
  }

  /** The model probe: the same request each time (prompt, seed, length), a new task id. */
  modelProbeTask(): TaskRequest {
    return newTask({ prompt: 'Which model are you?', seed: 424242, max_tokens: PATIENCE.probeTaskTokens });
  }

  /** A fresh task of `tokens` tokens, each with its own seed. */
  newTask(tokens: number): TaskRequest {
    return newTask({ max_tokens: tokens, seed: ++this.seed });
  }

  /** The queue timeout a Given step set, ms (from the scenario's tuning). */
  requireQueueTimeout(): number {
    const ms = this.settings.tunes['queue-timeout-ms'];
    if (ms === undefined) throw new SuiteError('No queue timeout set: a Given step must say how long tasks may wait');
    return Number(ms);
  }

  requireFocus(): TaskRecord {
    if (!this.focus) throw new SuiteError('No task to talk about: a step must submit one first');
    return this.focus;
  }

  requireStack(): StartedStack {
    if (!this.stack) throw new SuiteError('No stack is running in this scenario: a Given step must start the pool first');
    return this.stack;
  }

  /** The target profile of this run. */
  get profile(): TargetProfile {
    return runContext().profile;
  }

  /** The prefix of every named resource of this scenario (proxies, cgroups, mounts): run id and scenario number. */
  get resourcePrefix(): string {
    const run = runContext();
    return `llorch_${run.runId}_${run.scenarioCount}_`;
  }

  /** The id of the pool under test. */
  get poolId(): string {
    return this.requireStack().profile.pool.id;
  }
}

setWorldConstructor(ChaosWorld);
