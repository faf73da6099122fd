import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { MissingPrerequisite, SuiteError } from '../errors';
import { reapOrphans } from '../processes/reaper';
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
  const runId = `${Date.now().toString(36)}${process.pid.toString(36)}`;
  const runsDir = path.join(ROOT, 'reports', 'runs');
  // Keep only this run's folder: a previous run's data is stale once a new run starts.
  rmSync(runsDir, { recursive: true, force: true });
  const runDir = path.join(runsDir, runId);
  mkdirSync(runDir, { recursive: true });
  const profile = loadProfile(path.resolve(ROOT, profileFile));
  const requirements = loadRequirements(path.join(ROOT, 'features', 'requirements.yaml'));
  current = { runId, root: ROOT, runDir, profile, requirements, scenarioCount: 0 };
  if (orphans.length) console.warn(`[chaos] killed ${orphans.length} processes left by an earlier, interrupted run: ${orphans.join(', ')}`);
  try {
    current.toxiproxy = await ToxiproxyService.start(runDir);
    // A shared server (TOXIPROXY_URL) may hold proxies of an earlier run that was killed: remove ours.
    if (process.env.TOXIPROXY_URL) await current.toxiproxy.removeProxies('llorch_');
  } catch (err) {
    if (!(err instanceof MissingPrerequisite)) throw err;
    current.toxiproxyError = err;
  }
  return current;
}

export function runContext(): RunContext {
  if (!current) throw new SuiteError('The run was not set up (BeforeAll did not run)');
  return current;
}

export async function tearDownRun(): Promise<void> {
  if (!current) return;
  if (process.env.TOXIPROXY_URL && current.toxiproxy) await current.toxiproxy.removeProxies(`llorch_${current.runId}`).catch(() => undefined);
  await current.toxiproxy?.stop();
  current = undefined;
}
