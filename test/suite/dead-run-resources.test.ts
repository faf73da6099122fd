import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { expect } from 'chai';
import { removeDeadRunResources } from '../../support/cucumber/run';
import { Cgroup, cgroupUnavailable } from '../../support/faults/cgroup';
import { isMountPoint } from '../../support/faults/disk-full';
import { tempDir } from '../temp-dir';

// A run id whose runner is gone: pid 1 never has start time 1, so the run counts as dead.
const DEAD = 'llorch_1x1_7_';

describe('what a runner killed mid-scenario leaves is removed by the next run', { skip: cgroupUnavailable('memory') }, () => {
  it("removes a dead run's cgroups and unmounts its tmpfs mounts", async () => {
    const groups = [new Cgroup('memory', `${DEAD}mem-r1`), new Cgroup('cpu', `${DEAD}cpu-r1`)];
    for (const g of groups) g.create();
    const dir = tempDir('chaos-dead-mount-');
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=65536', `${DEAD}disk`, dir]);
    expect(isMountPoint(dir), 'mounted').to.equal(true);
    const removed = await removeDeadRunResources();
    expect(removed).to.include(`mount ${dir}`).and.include(`cgroup ${groups[0].dir}`).and.include(`cgroup ${groups[1].dir}`);
    expect(isMountPoint(dir), 'still mounted').to.equal(false);
    for (const g of groups) expect(existsSync(g.dir), `${g.dir} still there`).to.equal(false);
  });

  it("leaves a live run's resources alone", async () => {
    // This runner's own run id (its pid and real start time) is alive.
    const { startTimeOf } = await import('../../support/core/pids');
    const mine = new Cgroup('memory', `llorch_${process.pid}x${startTimeOf(process.pid)}_1_mem`);
    mine.create();
    try {
      const removed = await removeDeadRunResources();
      expect(removed).to.not.include(`cgroup ${mine.dir}`);
      expect(existsSync(mine.dir)).to.equal(true);
    } finally {
      await mine.remove();
    }
  });
});
