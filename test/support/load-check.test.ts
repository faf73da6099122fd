import { describe, it } from 'node:test';
import { expect } from 'chai';
import { LoadRanAcrossFaults } from '../../support/checks/load';

describe('a steady load ran across the faults (the precondition of "under a steady load")', () => {
  const everyTenth = Array.from({ length: 30 }, (_, k) => 1000 + 100 * k); // 1000 .. 3900, one every 100 ms

  it('passes a load that ran before, during and after each fault, and a short fault between two ticks', () => {
    expect(LoadRanAcrossFaults(everyTenth, 3900, [{ from: 1500, to: 2500 }], 100).valid).to.equal(true);
    expect(LoadRanAcrossFaults(everyTenth, 3900, [{ from: 1510, to: 1560 }], 100).valid, 'shorter than two ticks').to.equal(true);
    expect(LoadRanAcrossFaults(everyTenth, 3990, [{ from: 3950, to: 3960 }], 100).valid, 'after its last tick, before it stopped').to.equal(
      true,
    );
  });

  it('fails a load that was spent before the fault, began after it, or skipped a long fault', () => {
    const spent = LoadRanAcrossFaults(everyTenth, 3900, [{ from: 5000, to: 6000 }], 100);
    expect(LoadRanAcrossFaults(everyTenth, 3900, [{ from: 3950, to: 3960 }], 100).valid, 'stopped just before').to.equal(false);
    expect(spent.valid).to.equal(false);
    expect(spent.detail).to.contain('was not running when the fault');
    expect(LoadRanAcrossFaults(everyTenth, 3900, [{ from: 500, to: 800 }], 100).valid, 'began after').to.equal(false);
    const gap = [1000, 1100, 3000, 3100];
    expect(LoadRanAcrossFaults(gap, 3100, [{ from: 1500, to: 2500 }], 100).detail).to.contain('no task of the steady load');
  });

  it('judges a fault the load was stopped during by the part before the stop', () => {
    // The load stopped on purpose at 1550, 50 ms into a fault that lasts until 5000: too short a part to need a tick.
    expect(LoadRanAcrossFaults([1000, 1100, 1200, 1300, 1400, 1500], 1550, [{ from: 1500, to: 5000 }], 100).valid).to.equal(true);
    // Stopped 1000 ms into it with no tick since the fault began: a load that skipped the fault.
    const skipped = LoadRanAcrossFaults([1000, 1100, 1200, 1300, 1400], 2500, [{ from: 1450, to: 5000 }], 100);
    expect(skipped.valid).to.equal(false);
    expect(skipped.detail).to.contain('1050 ms of it under the load');
  });
});
