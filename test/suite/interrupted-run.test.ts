import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { expect } from 'chai';
import { eventually } from '../../support/core/eventually';
import { startTimeOf } from '../../support/core/pids';
import { processesOwnedBy, reapAll } from '../../support/processes/reaper';
import { ToxiproxyService } from '../../support/stack/toxiproxy';
import { tempDir } from '../temp-dir';

const root = path.resolve(__dirname, '..', '..');

/**
 * The suite's own robustness: a runner interrupted in the middle of a scenario leaves nothing behind. SIGINT: it heals
 * and reaps on its way out. SIGKILL: it cannot, so the next run's start-up finds and removes what it left.
 * The runs share a Toxiproxy server of this test (TOXIPROXY_URL), so leftover proxies can be seen.
 */
describe('a chaos run interrupted mid-scenario leaves no process, proxy or toxic behind', () => {
  let toxiproxy: ToxiproxyService;
  const reports = tempDir('interrupted-run-');

  before(async () => {
    toxiproxy = await ToxiproxyService.start(reports);
  });

  after(async () => {
    await toxiproxy?.stop();
    reapAll();
  });

  /** Starts a runner on the engine-crash scenario (a long one) and waits until its stack is up. */
  async function runnerMidScenario(): Promise<{ child: ChildProcess; tag: string; exited: Promise<number | null> }> {
    const child = spawn(
      process.execPath,
      [path.join(root, 'node_modules', '@cucumber', 'cucumber', 'bin', 'cucumber.js'), 'features/process/engine-crash.feature'],
      {
        cwd: root,
        env: { ...process.env, TOXIPROXY_URL: toxiproxy.url, CHAOS_REPORTS_DIR: reports },
        stdio: 'ignore',
      },
    );
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const tag = `${child.pid}:${startTimeOf(child.pid!)}`;
    await eventually(
      'the runner has a stack with engines up',
      async () => {
        const ours = processesOwnedBy((t) => t === tag);
        return { ok: ours.length >= 3, seen: `${ours.length} processes of the run` };
      },
      { withinMs: 30_000, everyMs: 20 },
    );
    return { child, tag, exited };
  }

  const proxiesOf = async (pid: number): Promise<string[]> =>
    Object.keys(await toxiproxy.client.getAll()).filter((n) => n.startsWith(`llorch_${pid}x`));

  it('SIGINT: the runner heals, stops everything it started and exits', { timeout: 60_000 }, async () => {
    const { child, tag, exited } = await runnerMidScenario();
    expect(await proxiesOf(child.pid!), 'proxies while running').to.not.be.empty;
    child.kill('SIGINT');
    expect(await exited, 'runner exit code').to.equal(130);
    expect(
      processesOwnedBy((t) => t === tag),
      'processes left',
    ).to.deep.equal([]);
    expect(await proxiesOf(child.pid!), 'proxies left').to.deep.equal([]);
  });

  it('SIGKILL: what the killed runner left is removed by the next run', { timeout: 90_000 }, async () => {
    const { child, tag, exited } = await runnerMidScenario();
    child.kill('SIGKILL');
    await exited;
    // The kill is real: the runner could not clean up after itself.
    expect(
      processesOwnedBy((t) => t === tag),
      'processes the killed runner left',
    ).to.not.be.empty;
    expect(await proxiesOf(child.pid!), 'proxies the killed runner left').to.not.be.empty;
    const next = spawn(process.execPath, [path.join(root, 'node_modules', '@cucumber', 'cucumber', 'bin', 'cucumber.js'), '-p', 'smoke'], {
      cwd: root,
      env: { ...process.env, TOXIPROXY_URL: toxiproxy.url, CHAOS_REPORTS_DIR: reports },
      stdio: 'ignore',
    });
    expect(await new Promise((resolve) => next.once('exit', resolve)), 'next run exit code').to.equal(0);
    expect(
      processesOwnedBy((t) => t === tag),
      'processes of the killed run after the next run',
    ).to.deep.equal([]);
    expect(await proxiesOf(child.pid!), 'proxies of the killed run after the next run').to.deep.equal([]);
  });
});
