import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { MissingPrerequisite, SuiteError } from '../core/errors';
import { startTimeOf } from '../core/pids';
import { ownerTag, reapOrphans } from '../processes/reaper';
import { suiteCgroups } from '../faults/cgroup';
import { suiteMounts, unmount } from '../faults/disk-full';
import { loadRequirements, Requirement } from '../report/requirements';
import { loadProfile, TargetProfile } from '../stack/profile';
import { ToxiproxyService } from '../stack/toxiproxy';

/**
 * Run-wide resources, set up once per runner process in `BeforeAll` and torn down in `AfterAll`: the target profile,
 * the requirement registry and the Toxiproxy server. This is the one piece of module-level state the suite has
 * (documented exception to "the World is the only scenario state"): starting Toxiproxy per scenario would cost a
 * second each. Scenarios only read it.
 */
export interface RunContext {
  runId: string;
  root: string;
  runDir: string;
  profile: TargetProfile;
  requirements: Requirement[];
  toxiproxy?: ToxiproxyService;
  /** Why Toxiproxy is missing, to fail every scenario that needs it with the same message. */
  toxiproxyError?: SuiteError;
  scenarioCount: number;
}

let current: RunContext | undefined;

export const ROOT = path.resolve(__dirname, '..', '..');

/** Validates the configuration, cleans what a killed run left, and starts Toxiproxy. */
export async function setUpRun(profileFile: string): Promise<RunContext> {
  const orphans = reapOrphans();
  // The run id is the runner's owner tag (pid and start time): leftovers of a dead run can be told from a live one's.
  const runId = ownerTag.replace(':', 'x');
  const runsDir = path.join(reportsDir(), 'runs');
  const leftovers = await removeDeadRunResources();
  if (leftovers.length)
    console.warn(`[chaos] removed ${leftovers.length} cgroups and mounts left by an earlier, interrupted run: ${leftovers.join(', ')}`);
  removeDeadRunDirs(runsDir);
  const runDir = path.join(runsDir, runId);
  mkdirSync(runDir, { recursive: true });
  const profile = loadProfile(path.resolve(ROOT, profileFile));
  checkRequires(profile);
  const requirements = loadRequirements(path.join(ROOT, 'features', 'requirements.yaml'));
  current = { runId, root: ROOT, runDir, profile, requirements, scenarioCount: 0 };
  if (orphans.length) console.warn(`[chaos] killed ${orphans.length} processes left by an earlier, interrupted run: ${orphans.join(', ')}`);
  try {
    current.toxiproxy = await ToxiproxyService.start(runDir);
    // A shared server (TOXIPROXY_URL) may hold proxies of a run that was killed: remove those of dead runs.
    if (process.env.TOXIPROXY_URL) await current.toxiproxy.removeProxiesOf((name) => isDeadRun(/^llorch_(\d+x\d+)_/.exec(name)?.[1]));
  } catch (err) {
    if (!(err instanceof MissingPrerequisite)) throw err;
    current.toxiproxyError = err;
  }
  return current;
}

/** Refuses a target whose machine lacks what its profile requires (`requires`), naming the command and what it proves. */
export function checkRequires(profile: TargetProfile): void {
  for (const { command, reason } of profile.requires) {
    const run = spawnSync(command[0], command.slice(1), { encoding: 'utf8', timeout: 10_000 });
    if (run.status === 0) continue;
    const why = run.error ? run.error.message : `exit ${run.status ?? run.signal}: ${`${run.stderr}${run.stdout}`.trim().split('\n')[0]}`;
    throw new MissingPrerequisite(`Target profile ${profile.file} needs ${reason}: \`${command.join(' ')}\` failed (${why})`);
  }
}

/** The reports folder: `CHAOS_REPORTS_DIR`, or `reports/` in the repository. */
export function reportsDir(): string {
  return path.resolve(ROOT, process.env.CHAOS_REPORTS_DIR || 'reports');
}

/** True for a run id (`<pid>x<start time>`) whose runner is gone. */
function isDeadRun(runId: string | undefined): boolean {
  if (!runId) return false;
  const [pid, start] = runId.split('x');
  return startTimeOf(Number(pid)) !== start;
}

/** The run id a resource name of the suite carries (`llorch_<pid>x<start>_…`), if any. */
function runIdOf(name: string): string | undefined {
  return /^llorch_(\d+x\d+)_/.exec(name)?.[1];
}

/**
 * Removes the cgroups and unmounts the tmpfs mounts of runs that are no longer alive (a runner killed with SIGKILL
 * could not heal); mounts first, so their folders can then be removed. Returns what it removed.
 */
export async function removeDeadRunResources(): Promise<string[]> {
  const removed: string[] = [];
  for (const m of suiteMounts()) {
    if (!isDeadRun(runIdOf(m.name))) continue;
    try {
      unmount(m.dir);
      removed.push(`mount ${m.dir}`);
    } catch {
      /* already gone */
    }
  }
  for (const controller of ['memory', 'cpu'] as const) {
    for (const group of suiteCgroups(controller, (n) => isDeadRun(runIdOf(n)))) {
      await group.remove().catch(() => undefined);
      removed.push(`cgroup ${group.dir}`);
    }
  }
  return removed;
}

/** Removes the scenario folders of runs that have ended; a live run's (another runner's) stay. */
function removeDeadRunDirs(runsDir: string): void {
  if (!existsSync(runsDir)) return;
  for (const dir of readdirSync(runsDir))
    if (!/^\d+x\d+$/.test(dir) || isDeadRun(dir)) rmSync(path.join(runsDir, dir), { recursive: true, force: true });
}

export function runContext(): RunContext {
  if (!current) throw new SuiteError('The run was not set up (BeforeAll did not run)');
  return current;
}

export async function tearDownRun(): Promise<void> {
  if (!current) return;
  const prefix = `llorch_${current.runId}_`;
  if (process.env.TOXIPROXY_URL && current.toxiproxy)
    await current.toxiproxy.removeProxiesOf((name) => name.startsWith(prefix)).catch(() => undefined);
  await current.toxiproxy?.stop();
  current = undefined;
}
