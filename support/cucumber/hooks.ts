import {
  After,
  AfterAll,
  Before,
  BeforeAll,
  ITestCaseHookParameter,
  setDefaultTimeout,
  setParallelCanAssign,
  Status,
} from '@cucumber/cucumber';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { InvalidConfiguration, MissingPrerequisite, SuiteError } from '../core/errors';
import { stoppingSignal } from '../core/stopping';
import { takeSplit, timed } from '../core/time-split';
import { takeWaits } from '../core/wait-journal';
import { BOUNDS } from '../checks/bounds';
import { LoadRanAcrossFaults } from '../checks/load';
import { OrchestratorStayedLive } from '../checks/liveness';
import { judge } from './verdict';
import { ownerTag, reapAll } from '../processes/reaper';
import { cleanLeaks, findLeaks, findToxicLeaks, type Leak, NO_PROXY_SERVER } from '../observe/leaks';
import { faultTagMismatch, tagProblems } from '../report/tag-lint';
import { SKIP_ATTACHMENT, type SkipRecord } from '../report/traceability';
import { renderTimelineSvg } from '../report/timeline-svg';
import { CAPABILITIES, missingCapabilities } from '../stack/capabilities';
import { installSignalHandlers } from './interrupt';
import { ROOT, runContext, setUpRun, tearDownRun } from './run';
import type { ChaosWorld } from './world';
import { faultWindows } from '../history/windows';

setDefaultTimeout(20_000);

/**
 * With parallel workers, a scenario tagged `@serial` (its timing is the verdict, or it starves the machine) runs with
 * no other scenario beside it, and no other scenario starts while it runs.
 */
setParallelCanAssign((pickle, inProgress) => {
  const serial = (p: { tags: readonly { name: string }[] }): boolean => p.tags.some((t) => t.name === '@serial');
  if (inProgress.some(serial)) return false;
  return !serial(pickle) || inProgress.length === 0;
});

/** The scenario running now, for the signal handlers only (a runner interrupted mid-scenario still heals it). */
let active: ChaosWorld | undefined;
/** Whether this process runs scenarios (a runner in-process, or a worker), not only hands them out (a coordinator). */
let runsScenarios = false;
installSignalHandlers({
  activeScenario: () => active,
  runsScenarios: () => runsScenarios,
  sweepRun: async () => {
    let prefix: string;
    try {
      prefix = `llorch_${runContext().runId}_`;
    } catch {
      return []; // between two runs of one process (the explorer): nothing is set up
    }
    return leakCheck('the interrupted run', prefix);
  },
});

BeforeAll({ timeout: 30_000 }, async function () {
  if (!existsSync(path.join(ROOT, 'dist', 'sut', 'orchestratord', 'main.js'))) {
    throw new MissingPrerequisite('The reference stack is not built (dist/sut missing): run `npm install` (or `npm run build:sut`)');
  }
  runsScenarios = true;
  await setUpRun(String(this.parameters.profile ?? 'profiles/reference.json'));
});

AfterAll({ timeout: 15_000 }, async function () {
  const run = runContext();
  const failures = await leakCheck('the run', `llorch_${run.runId}_`);
  await tearDownRun();
  reapAll();
  if (failures.length) throw new SuiteError(failures.join('\n'));
});

/**
 * After a scenario (or the run): what of it is left — processes with this runner's owner tag other than its Toxiproxy
 * server, proxies, cgroups, mounts named with `prefix` — is reported, then removed; the report fails the scenario.
 */
async function leakCheck(who: string, prefix: string): Promise<string[]> {
  const toxiproxy = runContext().toxiproxy;
  const keep = toxiproxy?.pid === undefined ? [] : [toxiproxy.pid];
  return reportLeaks(who, await findLeaks(prefix, ownerTag, keep, toxiproxy ?? NO_PROXY_SERVER));
}

/** Names what leaked and who left it, removes it, and returns the failure (none when nothing leaked). */
async function reportLeaks(who: string, leaks: Leak[]): Promise<string[]> {
  if (leaks.length === 0) return [];
  const stuck = await cleanLeaks(leaks, runContext().toxiproxy ?? NO_PROXY_SERVER);
  return [
    `Leak: ${who} left ${leaks.map((l) => `${l.kind} ${l.what}`).join('; ')} (removed now${stuck.length ? `; could not remove: ${stuck.join('; ')}` : ''})`,
  ];
}

Before(async function (this: ChaosWorld, { pickle, gherkinDocument }: ITestCaseHookParameter) {
  const tags = pickle.tags.map((t) => t.name);
  const problems = tagProblems(tags, new Set(runContext().requirements.map((r) => r.id)));
  const where = `${pickle.uri}:${gherkinDocument.feature?.children.find((c) => c.scenario?.id === pickle.astNodeIds[0])?.scenario?.location.line ?? '?'}`;
  if (problems.length) throw new InvalidConfiguration(`Scenario "${pickle.name}" at ${where} has bad tags: ${problems.join('; ')}`);
  // A scenario handed out while the runner stops on a signal starts nothing (support/core/stopping.ts).
  if (stoppingSignal()) return 'skipped';
  const skip = skipReason(tags);
  if (skip) {
    this.log(`${skip.applicable ? 'Skipped' : 'Not applicable'}: ${skip.reason}`);
    this.attach(JSON.stringify(skip), { mediaType: 'application/json', fileName: SKIP_ATTACHMENT });
    return 'skipped';
  }
  this.faultKinds = tags.filter((t) => t.startsWith('@fault:')).map((t) => t.slice('@fault:'.length));
  takeWaits(); // from here on, the journal's waits are this scenario's
  takeSplit(); // and so is the time split
  this.prepare(slug(pickle.name));
  active = this;
  return undefined;
});

After({ timeout: 90_000 }, async function (this: ChaosWorld, { result, pickle }: ITestCaseHookParameter) {
  const pickleName = pickle.name;
  const failures: string[] = [];
  // 1. Heal every fault, newest first, whatever happened; stop the background load (its tasks go on and are judged).
  const healErrors = await this.faults.healAll();
  await this.background?.stop();
  // 2. Judge the history with the strict checker, on what the client saw and the engines logged; a scenario that
  // submitted nothing still gets the liveness verdict on its pool health samples.
  const verdicts = !this.stack
    ? []
    : this.history.all().length > 0
      ? await timed("After: the checker's evidence and checks", () => judge(this))
      : [OrchestratorStayedLive(this.liveness?.samples ?? [], [], BOUNDS.answerMs)];
  this.workload.stop();
  this.liveness?.stop();
  this.queueWatch?.stop();
  for (const v of verdicts)
    if (v.valid !== true) failures.push(`History check ${v.check} ${v.valid === false ? 'failed' : 'could not decide'}: ${v.detail}`);
  // 3. The @fault: tags say what the scenario does to the stack: every tagged kind applied, nothing applied untagged.
  failures.push(
    ...faultTagMismatch(
      this.faultKinds,
      this.faults.records().map((r) => r.kind),
    ),
  );
  // 3a. A scenario under a steady load had it running across its faults: a load spent or stopped before a fault
  // would leave the fault unmet, and the scenario green by accident.
  if (this.background && this.stack) {
    const { tasksPerSecond, burst } = this.background.shape;
    const submitted = this.background.records.map((r) => r.submittedAt);
    const ended = this.background.endedAt ?? Date.now();
    const v = LoadRanAcrossFaults(submitted, ended, faultWindows(this.timeline), (1000 * (burst ?? 1)) / tasksPerSecond);
    if (v.valid !== true) failures.push(`History check ${v.check} failed: ${v.detail}`);
  }
  // 3b. A heal that failed or could not be verified fails the scenario too, reported after the verdicts.
  failures.push(...healErrors.map((e) => e.message));
  await timed('teardown and leak checks', async () => {
    // 4. A toxic still on the scenario's proxies outlived its heal: a leak (seen now, as stopping removes the proxies).
    failures.push(
      ...(await reportLeaks(
        `the scenario "${pickleName}"`,
        await findToxicLeaks(this.resourcePrefix, runContext().toxiproxy ?? NO_PROXY_SERVER),
      )),
    );
    // 5. Stop the stack (and its proxies); a killed run's leftovers are the reaper's.
    await this.stack?.stop().catch((err) => failures.push(`Stopping the stack failed: ${(err as Error).message}`));
    failures.push(...(await this.faults.disposeAll()).map((e) => e.message));
    // 6. Nothing of the scenario may be left: report what leaked, clean it, and fail.
    failures.push(...(await leakCheck(`the scenario "${pickleName}"`, this.resourcePrefix)));
  });
  // 7. Evidence for the report; logs when anything went wrong.
  const evidence = {
    faults: this.faults.records().map((r) => ({
      kind: r.kind,
      description: r.description,
      verdict: r.evidence?.verdict,
      observed: r.evidence?.observed,
      preflight: r.preflight,
      healed: r.healEvidence,
      healError: r.healError,
    })),
    measures: this.timeline.measures(),
    checks: verdicts,
    // Each wait that used a tenth of its limit or more, at its worst: what `npm run stress` reads.
    waits: takeWaits(0.1),
    // Where the scenario's time went, by kind of work (support/core/time-split.ts): what `npm run bench` sums.
    time_split_ms: takeSplit(),
  };
  this.attach(JSON.stringify(evidence, null, 2), { mediaType: 'application/json', fileName: 'evidence.json' });
  this.attach(JSON.stringify(this.timeline.all(), null, 2), { mediaType: 'application/json', fileName: 'timeline.json' });
  const poolSamples = (this.liveness?.samples ?? []).map((x) => ({ at: x.at - this.timeline.startedAt, replicas: x.replicas }));
  this.attach(renderTimelineSvg(this.timeline.all(), poolSamples), { mediaType: 'image/svg+xml', fileName: 'timeline.svg' });
  if (result?.status !== Status.PASSED || failures.length > 0) {
    for (const log of this.stack?.logs() ?? []) if (log.text) this.attach(log.text, { mediaType: 'text/plain', fileName: log.name });
  }
  active = undefined;
  // A passed scenario's folder (fixture model, staged copy, logs) goes: its evidence is in the report. A failed one's
  // stays for a closer look, until the next run in the same reports folder. CHAOS_KEEP_FILES=1 keeps them all.
  if (failures.length > 0) failures.push(`Its files: ${this.scenarioDir}`);
  else if (result?.status === Status.FAILED) this.log(`Its files: ${this.scenarioDir}`);
  else if (this.scenarioDir && !process.env.CHAOS_KEEP_FILES) rmSync(this.scenarioDir, { recursive: true, force: true });
  if (failures.length > 0) throw new SuiteError(failures.join('\n'));
});

/**
 * Why a scenario does not run here, or undefined when it does: it needs root, or a capability the target profile lacks.
 * `applicable: false` when every capability it lacks is one the profile declares not applicable, with the reason.
 */
function skipReason(tags: string[]): SkipRecord | undefined {
  if (tags.includes('@privileged') && process.getuid?.() !== 0)
    return { applicable: true, reason: `needs root (cgroups, mounts, namespaces); running as uid ${process.getuid?.()}` };
  const { profile } = runContext();
  const missing = missingCapabilities(tags, profile.capabilities);
  if (missing.length === 0) return undefined;
  if (missing.every((m) => profile.notApplicable[m] !== undefined))
    return {
      applicable: false,
      reason: `target profile ${profile.name}: ${missing.map((m) => `${m} cannot exist here: ${profile.notApplicable[m]}`).join('; ')}`,
    };
  const lacking = missing.filter((m) => profile.notApplicable[m] === undefined);
  return {
    applicable: true,
    reason: `target profile ${profile.name} does not offer ${lacking.map((m) => `${m} (${CAPABILITIES[m]})`).join('; ')}`,
  };
}

function slug(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60);
}
