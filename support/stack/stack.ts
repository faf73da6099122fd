import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { InvalidConfiguration, MissingPrerequisite, SuiteError } from '../core/errors';
import { engineAtStart, engineProcess } from './engine-process';
import { PhaseClock } from '../core/phase-clock';
import { timed } from '../core/time-split';
import { PoolManagerClient } from '../pool-manager/client';
import type { ProcessSpec } from '../processes/process-spec';
import type { ExitedProcess, RunningProcess } from '../processes/running-process';
import { planComponents } from './components';
import { writeGpuInventory, writeModelFile } from './fixtures';
import type { TappedRequest } from './dispatch-tap';
import { createLinks, removeLinks, type StackLinks, wantedLinks } from './links';
import { collectLogs } from './logs';
import { freePort } from './ports';
import type { LinkTarget, ProcessTarget } from '../faults/targets';
import type { TargetProfile } from './profile';
import { Placeholders, render } from './template';
import type { ToxiproxyService } from './toxiproxy';

/** What a scenario asks of the stack it starts. */
export interface StackRequest {
  replicas: number;
  /** Slots per replica; the profile's default when absent. */
  slots?: number;
  /** Values for `${tune:NAME|default}` placeholders. */
  tunes?: Record<string, string>;
  /** The scenario's own folder: data, logs, generated files. */
  dir: string;
  /** Prefix of this scenario's proxy names on the Toxiproxy server. */
  proxyPrefix: string;
  /** Size of the model file to provision, bytes; the profile's when absent. */
  modelSizeBytes?: number;
  /** Put the suite's DispatchTap behind every engine link, to see each request that reaches a replica. */
  recordDispatches?: boolean;
}

const ROOT = path.resolve(__dirname, '..', '..');

/**
 * The running target of one scenario, built from a target profile: its components (started in the profile's order),
 * its proxies, and typed ways to reach them. Only the profile knows commands, ports and URLs.
 */
export class StartedStack {
  private readonly running = new Map<string, RunningProcess>();
  private readonly exits: ExitedProcess[] = [];
  /** Where start-up time went: each phase in order with its duration, ms (the bench reports it). */
  readonly startup: { phase: string; ms: number }[] = [];

  private constructor(
    readonly profile: TargetProfile,
    readonly request: StackRequest,
    readonly replicaIds: string[],
    readonly orchestratorUrl: string,
    readonly poolManagerUrl: string,
    private readonly specs: Map<string, () => ProcessSpec>,
    private readonly links: StackLinks,
    private readonly drainingUrls: Map<string, string>,
    private readonly toxiproxy: ToxiproxyService,
    /** Component name or `engine-<replica>` → the port it listens on, to check pids against socket owners. */
    private readonly ports: Map<string, number>,
  ) {}

  /** Allocates ports, creates proxies, writes generated files, starts every component and waits for each to be ready. */
  static async start(profile: TargetProfile, request: StackRequest, toxiproxy: ToxiproxyService): Promise<StartedStack> {
    const phases = new PhaseClock();
    const stack = await timed('stack: files, ports and proxies', () => StartedStack.prepare(profile, request, toxiproxy, phases));
    return timed('stack: daemons until listening', () => stack.startDaemons(phases));
  }

  /** Files, ports, proxies and the components' specs: everything of a start but the processes. */
  private static async prepare(
    profile: TargetProfile,
    request: StackRequest,
    toxiproxy: ToxiproxyService,
    phases: PhaseClock,
  ): Promise<StartedStack> {
    mkdirSync(request.dir, { recursive: true });
    const replicaIds = Array.from({ length: request.replicas }, (_, i) => `r${i + 1}`);
    const slots = request.slots ?? profile.pool.slots;
    const modelPath = profile.pool.modelFile ?? path.join(request.dir, 'model.gguf');
    if (profile.pool.modelFile && !existsSync(modelPath))
      throw new MissingPrerequisite(
        `Target profile ${profile.file}: model ${modelPath} (field \`pool.modelFile\`) does not exist; run \`npm run install:llamacpp\` or set LLORCH_MODEL`,
      );
    if (!profile.pool.modelFile) writeModelFile(modelPath, request.modelSizeBytes ?? profile.pool.modelSizeBytes);
    const gpuInventory = path.join(request.dir, 'gpu-inventory.json');
    writeGpuInventory(gpuInventory, profile.pool.gpuDevices);

    const values = new Placeholders(profile, {
      dir: request.dir,
      root: ROOT,
      model: modelPath,
      gpuInventory,
      slots,
      replicaIds,
      tunes: request.tunes ?? {},
    });
    const resolve = (name: string): unknown => values.resolve(name);
    // Every ${port:NAME} anywhere in the profile, per replica where it mentions one, gets a free port up front.
    await values.allocatePorts(freePort);
    phases.mark('files and ports');

    const wanted = wantedLinks(profile.proxies, replicaIds, (upstream, replica) => String(render(upstream, resolve, replica)));
    const tapped = new Set(request.recordDispatches ? replicaIds.map((r) => `engine-${r}`) : []);
    const links = await createLinks(toxiproxy, request.proxyPrefix, wanted, (name) => tapped.has(name));
    for (const [name, proxy] of links.proxies) values.proxies.set(name, proxy.listen);
    phases.mark('proxies');
    for (const [name, content] of Object.entries(profile.files)) {
      const file = path.join(request.dir, `${name}.json`);
      values.files.set(name, file);
      writeFileSync(file, JSON.stringify(render(content, resolve), null, 2));
    }

    const { specs, drainingUrls, listenPorts } = planComponents(profile, resolve, replicaIds, ROOT, request.dir);
    return new StartedStack(
      profile,
      request,
      replicaIds,
      String(render(profile.api.orchestrator, resolve)),
      String(render(profile.api.poolManager, resolve)),
      specs,
      links,
      drainingUrls,
      toxiproxy,
      listenPorts,
    );
  }

  /** Starts the components in the profile's order, each stage's side by side; stops what started if one fails. */
  private async startDaemons(phases: PhaseClock): Promise<StartedStack> {
    try {
      for (const stage of this.profile.startOrder) {
        const started = await Promise.allSettled(stage.map((name) => this.startComponentNow(name)));
        const failed = started.find((s) => s.status === 'rejected');
        if (failed) throw failed.reason;
        phases.mark(stage.join(' + '));
      }
    } catch (err) {
      await this.stop(); // what did start must not outlive a failed start
      throw err;
    }
    this.startup.push(...phases.phases);
    return this;
  }

  /** Starts (or starts again, with the same ports and data) one component and waits until it is ready. */
  async startComponent(name: string): Promise<RunningProcess> {
    return timed('stack: restarts within the scenario', () => this.startComponentNow(name));
  }

  private async startComponentNow(name: string): Promise<RunningProcess> {
    const spec = this.specs.get(name);
    if (!spec)
      throw new SuiteError(`No component "${name}" in target profile ${this.profile.file} (has: ${[...this.specs.keys()].join(', ')})`);
    const current = this.running.get(name);
    if (current?.isRunning) throw new SuiteError(`${name} is already running (pid ${current.pid})`);
    const proc = await spec().start();
    this.running.set(name, proc);
    void proc.exited.then((e) => this.exits.push(e));
    return proc;
  }

  component(name: string): RunningProcess {
    const proc = this.running.get(name);
    if (!proc) throw new SuiteError(`${name} was never started in this scenario`);
    return proc;
  }

  /** The URL that answers non-200 while a component drains, if the profile names one. */
  drainingUrl(name: string): string | undefined {
    return this.drainingUrls.get(name);
  }

  processTarget(role: 'orchestrator' | 'pool-manager'): ProcessTarget {
    return { description: `the ${role}`, pid: async () => this.component(role).pid, port: this.ports.get(role) };
  }

  /** The pool manager's own API, for what only it knows (engine pids, restarts, breakers, its metrics). */
  get poolManager(): PoolManagerClient {
    return new PoolManagerClient(this.poolManagerUrl);
  }

  /** The file a component's output goes to. */
  componentLogFile(name: string): string {
    return path.join(this.request.dir, `${name}.log`);
  }

  /** The engine process of one replica, as the pool manager reports it right now. */
  engineTarget(replicaId: string): ProcessTarget {
    this.assertReplica(replicaId);
    return engineProcess(
      this.poolManager,
      this.profile.pool.id,
      replicaId,
      this.engineAddress(replicaId),
      this.ports.get(`engine-${replicaId}`),
    );
  }

  /** The engine of one replica caught as its pool manager starts it (the pool must still be staging its model). */
  engineAtStart(replicaId: string): ProcessTarget {
    this.assertReplica(replicaId);
    return engineAtStart(this.component('pool-manager').pid, replicaId, this.ports.get(`engine-${replicaId}`));
  }

  /** The network path from the orchestrator to one replica's engine. */
  engineLink(replicaId: string): LinkTarget {
    this.assertReplica(replicaId);
    return this.link(`engine-${replicaId}`, `the link from the orchestrator to replica ${replicaId}`);
  }

  /** Requests that reached one replica through its link, as the suite's tap saw them (the stack was asked to record them). */
  requestsTo(replicaId: string): Promise<readonly TappedRequest[]> {
    this.assertReplica(replicaId);
    const tap = this.links.taps.get(`engine-${replicaId}`);
    if (!tap) throw new SuiteError(`The requests reaching replica ${replicaId} were not recorded: the stack was started without taps`);
    return tap.requests();
  }

  /** The engine of a replica, `host:port`, reached directly (no proxy, no tap). */
  engineAddress(replicaId: string): string {
    this.assertReplica(replicaId);
    return this.links.upstreams.get(`engine-${replicaId}`) ?? this.engineLink(replicaId).proxy.upstream;
  }

  /** The links from the orchestrator to every replica's engine. */
  engineLinks(): LinkTarget[] {
    return this.replicaIds.map((r) => this.engineLink(r));
  }

  poolManagerLink(): LinkTarget {
    return this.link('pool-manager', 'the link from the orchestrator to the pool manager');
  }

  private link(name: string, description: string): LinkTarget {
    const proxy = this.links.proxies.get(name);
    if (!proxy) throw new SuiteError(`Target profile ${this.profile.file} puts no proxy named "${name}" in front of ${description}`);
    return { description, proxy, trafficBytes: (direction) => this.toxiproxy.trafficBytes(proxy.name, direction) };
  }

  private assertReplica(replicaId: string): void {
    if (!this.replicaIds.includes(replicaId))
      throw new SuiteError(`No replica ${replicaId} in this pool (has: ${this.replicaIds.join(', ')})`);
  }

  /** The log file of one replica's engine, from the profile's `engineLog`. */
  engineLogFile(replicaId: string): string {
    this.assertReplica(replicaId);
    if (!this.profile.engineLog)
      throw new InvalidConfiguration(`Target profile ${this.profile.file}: field \`engineLog\` is needed to read an engine's log`);
    return this.fill(this.profile.engineLog, replicaId);
  }

  /** Each replica's engine log file (replica id → file), from the profile's `engineLog`. */
  engineLogFiles(): Map<string, string> {
    return new Map(this.replicaIds.map((r) => [r, this.engineLogFile(r)]));
  }

  /** The folder where the pool manager stages models, from the profile's `modelCache`. */
  modelCacheDir(): string {
    if (!this.profile.modelCache)
      throw new InvalidConfiguration(`Target profile ${this.profile.file}: field \`modelCache\` is needed to look at staged models`);
    return this.fill(this.profile.modelCache);
  }

  /** The model file the pool is provisioned from. */
  get modelFile(): string {
    return this.profile.pool.modelFile ?? path.join(this.request.dir, 'model.gguf');
  }

  /** Fills the few placeholders that stay meaningful after start-up: `${dir}`, `${pool.id}`, `${replica}`. */
  fill(template: string, replicaId?: string): string {
    return template
      .replace(/\$\{dir\}/g, this.request.dir)
      .replace(/\$\{pool\.id\}/g, this.profile.pool.id)
      .replace(/\$\{replica\}/g, replicaId ?? '${replica}');
  }

  /** Each component's log and every log under the profile's `logDirs`, for the report. */
  logs(): { name: string; text: string }[] {
    return collectLogs(
      [...this.specs.keys()].map((name) => this.componentLogFile(name)),
      this.profile.logDirs.map((d) => this.fill(d)),
    );
  }

  /** Stops every component, side by side (each gracefully, then SIGKILL after its grace), then removes the proxies. Idempotent. */
  async stop(): Promise<void> {
    await Promise.all(
      this.profile.startOrder.flat().map(async (name) => {
        const proc = this.running.get(name);
        if (proc) await proc.stop(this.profile.components[name].stopGraceMs);
      }),
    );
    await removeLinks(this.links);
  }
}
