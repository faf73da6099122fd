import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { expect } from 'chai';
import { DiskFullFault, isMountPoint } from '../../support/faults/disk-full';

const notRoot = process.getuid?.() !== 0 ? 'mounting a tmpfs needs root' : false;

describe('a full disk', { skip: notRoot }, () => {
  it('stays full when the target frees what it wrote, and has room again once healed', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'llorch-disk-test-'));
    const fault = new DiskFullFault(dir, `llorch_unit_${process.pid}_disk`, 1024 * 1024);
    try {
      fault.mount();
      // The target's partial file, written before the disk filled up; it deletes it on ENOSPC (as the pool manager
      // deletes a partial model), between the fill and the check: found in CI, where the check then saw 12 MB free.
      const partial = path.join(dir, 'model.partial');
      writeFileSync(partial, Buffer.alloc(256 * 1024, 1));
      await fault.inject();
      rmSync(partial);
      const full = await fault.verify();
      expect(full.verdict, JSON.stringify(full.observed)).to.equal('confirmed');
      expect(full.observed.freed_by_target_bytes, 'the space the target freed, taken back').to.be.at.least(256 * 1024);
      expect(full.observed.free_bytes).to.equal(0);
      await fault.heal();
      const healed = await fault.verifyHealed();
      expect(healed.verdict, JSON.stringify(healed.observed)).to.equal('confirmed');
    } finally {
      await fault.dispose();
      expect(isMountPoint(dir), 'unmounted').to.equal(false);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
