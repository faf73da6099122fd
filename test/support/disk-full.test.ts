import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { expect } from 'chai';
import { DiskFullFault, fillUntilFull, isMountPoint } from '../../support/faults/disk-full';

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

describe('a full disk, its target freeing space during the check', { skip: notRoot }, () => {
  /** The target frees its partial file once, between the check's look at the free blocks and its write probe. */
  class FreedDuringTheLook extends DiskFullFault {
    looks = 0;
    constructor(
      dir: string,
      private readonly partial: string,
    ) {
      super(dir, `llorch_unit_${process.pid}_race`, 1024 * 1024);
    }
    protected override probeWrite(): string {
      if (++this.looks === 1) rmSync(this.partial);
      return super.probeWrite();
    }
  }

  it('looks again until the blocks and a write agree that it is full', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'llorch-disk-test-'));
    const partial = path.join(dir, 'model.partial');
    const fault = new FreedDuringTheLook(dir, partial);
    try {
      fault.mount();
      writeFileSync(partial, Buffer.alloc(256 * 1024, 1));
      await fault.inject();
      const full = await fault.verify();
      expect(full.verdict, JSON.stringify(full.observed)).to.equal('confirmed');
      expect(fault.looks, 'the first look saw the freed space').to.equal(2);
      expect(full.observed.freed_by_target_bytes, 'the space the target freed, taken back').to.be.at.least(256 * 1024);
    } finally {
      await fault.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("a full disk's fill", () => {
  /** A disk of `free` bytes: a write takes what fits and fails with ENOSPC once none is left; `onWrite` runs before each. */
  function disk(free: number, onWrite: (size: number) => void = () => {}) {
    const state = { free, calls: 0 };
    const write = (size: number): number => {
      state.calls++;
      onWrite(size);
      if (state.free === 0) throw Object.assign(new Error('ENOSPC'), { code: 'ENOSPC' });
      const n = Math.min(size, state.free);
      state.free -= n;
      return n;
    };
    return { state, write };
  }

  it('takes back in large writes what the target frees while the fill is down to single bytes', () => {
    // The pool manager deletes its 9.4 MB partial model when its own write meets ENOSPC: here, at the fill's first
    // 1-byte write. Stepping down only once, the fill took that space back one byte per write (9.4 million writes).
    let freed = false;
    const d = disk(3 * 65536 + 4096 + 100, (size) => {
      if (size === 1 && !freed) {
        freed = true;
        d.state.free += 9_400_000;
      }
    });
    const written = fillUntilFull(d.write);
    expect(d.state.free, 'not one byte left').to.equal(0);
    expect(written).to.equal(3 * 65536 + 4096 + 100 + 9_400_000);
    expect(d.state.calls, 'writes').to.be.below(1000);
  });

  it('fills to the last byte, and stops at the first write that fails with anything else', () => {
    const d = disk(65536 + 513);
    expect(fillUntilFull(d.write)).to.equal(65536 + 513);
    expect(d.state.free).to.equal(0);
    expect(() =>
      fillUntilFull(() => {
        throw Object.assign(new Error('EIO'), { code: 'EIO' });
      }),
    ).to.throw('EIO');
  });
});
