import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { expect } from 'chai';
import { eventually } from '../../support/core/eventually';
import { childrenOf, startTimeOf } from '../../support/core/pids';
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

  /**
   * Starts a runner on the engine-crash scenario (a long one), or on `feature`, and waits until its stack is up. With
   * `asUser`, the way a user starts it: `npx cucumber-js -p ci` on 2 workers, in a process group of its own, so that a
   * test can signal all of it at once, as a terminal's Ctrl-C does. (The run used to leave its stacks running there,
   * 2 times in 3, and not when started without npx.)
   */
  async function runnerMidScenario(
    options: { asUser?: boolean; feature?: string } = {},
  ): Promise<{ child: ChildProcess; ours: (tag: string) => boolean; pids: number[]; exited: Promise<number | null> }> {
    const feature = options.feature ?? 'features/process/engine-crash.feature';
    const env = { ...process.env, TOXIPROXY_URL: toxiproxy.url, CHAOS_REPORTS_DIR: reports };
    const child = options.asUser
      ? spawn('npx', ['cucumber-js', '-p', 'ci', feature], {
          cwd: root,
          env: { ...env, CHAOS_WORKERS: '2' },
          stdio: 'ignore',
          detached: true,
        })
      : spawn(process.execPath, [path.join(root, 'node_modules', '@cucumber', 'cucumber', 'bin', 'cucumber.js'), feature], {
          cwd: root,
          env,
          stdio: 'ignore',
        });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    // The tags of the runner and of every process under it (a worker tags what it starts with its own pid), collected
    // while they live.
    const tags = new Set<string>();
    const ours = (t: string): boolean => tags.has(t);
    await eventually(
      'the runner has a stack with engines up',
      async () => {
        for (const pid of [child.pid!, ...descendantsOf(child.pid!)]) tags.add(`${pid}:${startTimeOf(pid)}`);
        const running = processesOwnedBy(ours);
        return { ok: running.length >= 3, seen: `${running.length} processes of the run` };
      },
      { withinMs: 30_000, everyMs: 20 },
    );
    const pids = [...tags].map((t) => Number(t.split(':')[0]));
    return { child, ours, pids, exited };
  }

  /** The runner's processes: its children, theirs, and so on (the daemons lead groups of their own, tagged). */
  const descendantsOf = (pid: number): number[] => childrenOf(pid).flatMap((c) => [c, ...descendantsOf(c)]);

  const proxiesOf = async (pids: number[]): Promise<string[]> =>
    Object.keys(await toxiproxy.client.getAll()).filter((n) => pids.some((pid) => n.startsWith(`llorch_${pid}x`)));

  it('SIGINT: the runner heals, stops everything it started and exits', { timeout: 60_000 }, async () => {
    const { child, ours, pids, exited } = await runnerMidScenario();
    expect(await proxiesOf(pids), 'proxies while running').to.not.be.empty;
    child.kill('SIGINT');
    expect(await exited, 'runner exit code').to.equal(130);
    expect(processesOwnedBy(ours), 'processes left').to.deep.equal([]);
    expect(await proxiesOf(pids), 'proxies left').to.deep.equal([]);
  });

  const notRoot = process.getuid?.() !== 0 && 'needs root: the full disks of its scenario are tmpfs mounts';
  it('Ctrl-C twice on a run with 2 workers: the second does not cut the healing short', { timeout: 60_000, skip: notRoot }, async () => {
    // Full disks (tmpfs mounts) on both workers, so that a heal cut short shows as a mount left too.
    const { child, ours, pids, exited } = await runnerMidScenario({ asUser: true, feature: 'features/resources/disk-full.feature' });
    // The whole group, as a terminal's Ctrl-C: the runner and its workers. 100 ms apart, an impatient user's second
    // press (a stated gap between two acts, not a wait for a state): it lands while the first one's heal is under way.
    process.kill(-child.pid!, 'SIGINT');
    await delay(100);
    process.kill(-child.pid!, 'SIGINT');
    await exited; // npx's own end (a signal ends it at once), not the run's: what the run started goes within 8 s
    // (3 s for the heal, then the disposal, bounded the same: support/cucumber/interrupt.ts).
    const mountsOfRun = (): string[] =>
      readFileSync('/proc/mounts', 'utf8')
        .split('\n')
        .filter((m) => pids.some((pid) => m.startsWith(`llorch_${pid}x`)));
    await eventually(
      'every process and mount of the run gone',
      async () => {
        const left = processesOwnedBy(ours);
        const mounts = mountsOfRun();
        return {
          ok: left.length + mounts.length === 0,
          seen: `processes ${left.join(', ') || 'none'}; mounts ${mounts.join('; ') || 'none'}`,
        };
      },
      { withinMs: 8000 },
    );
    expect(await proxiesOf(pids), 'proxies left').to.deep.equal([]);
  });

  it('SIGKILL: what the killed runner left is removed by the next run', { timeout: 90_000 }, async () => {
    const { child, ours, pids, exited } = await runnerMidScenario();
    child.kill('SIGKILL');
    await exited;
    // The kill is real: the runner could not clean up after itself.
    expect(processesOwnedBy(ours), 'processes the killed runner left').to.not.be.empty;
    expect(await proxiesOf(pids), 'proxies the killed runner left').to.not.be.empty;
    const next = spawn(process.execPath, [path.join(root, 'node_modules', '@cucumber', 'cucumber', 'bin', 'cucumber.js'), '-p', 'smoke'], {
      cwd: root,
      env: { ...process.env, TOXIPROXY_URL: toxiproxy.url, CHAOS_REPORTS_DIR: reports },
      stdio: 'ignore',
    });
    expect(await new Promise((resolve) => next.once('exit', resolve)), 'next run exit code').to.equal(0);
    expect(processesOwnedBy(ours), 'processes of the killed run after the next run').to.deep.equal([]);
    expect(await proxiesOf(pids), 'proxies of the killed run after the next run').to.deep.equal([]);
  });
});
