import { describe, it } from 'node:test';
import { expect } from 'chai';
import { gpuErrorCountMismatches } from '../../support/checks/supervision';

describe('the GPU error counters judged against the faults (gpuErrorCountMismatches)', () => {
  const counters = (values: Record<string, number>) => (metric: string, replica: string) => values[`${metric}/${replica}`] ?? 0;
  const caused = new Map([
    ['r1', { driverResets: 1, eccErrors: 0 }],
    ['r2', { driverResets: 0, eccErrors: 1 }],
  ]);

  it('agree when each error is counted under its own name and replica', () => {
    expect(gpuErrorCountMismatches(counters({ 'driver_resets_total/r1': 1, 'ecc_errors_total/r2': 1 }), caused)).to.deep.equal([]);
  });

  it('name a driver reset counted as a crash, and an ECC error counted as a driver reset', () => {
    expect(gpuErrorCountMismatches(counters({ 'driver_resets_total/r2': 1 }), caused)).to.deep.equal([
      'r1: driver_resets_total 0, the faults caused 1',
      'r2: driver_resets_total 1, the faults caused 0',
      'r2: ecc_errors_total 0, the faults caused 1',
    ]);
  });
});
