import { describe, it } from 'node:test';
import { expect } from 'chai';
import { exponentialDelayMs, fullJitterDelayMs } from '../../sut/common/backoff';

describe('backoff', () => {
  const policy = { initialMs: 100, maxMs: 1000, multiplier: 2, jitter: 0.1 };

  it('follows the exponential series, capped', () => {
    const mid = () => 0.5;
    expect([1, 2, 3, 4, 5, 6].map((n) => exponentialDelayMs(policy, n, mid))).to.deep.equal([100, 200, 400, 800, 1000, 1000]);
  });

  it('stays within ±10 % jitter', () => {
    expect(exponentialDelayMs(policy, 3, () => 0)).to.equal(360);
    expect(exponentialDelayMs(policy, 3, () => 0.999999)).to.equal(440);
  });

  it('full jitter draws from [0, min(cap, base·2^attempt))', () => {
    expect(fullJitterDelayMs(50, 1000, 0, () => 0.999)).to.equal(49);
    expect(fullJitterDelayMs(50, 1000, 3, () => 0.5)).to.equal(200);
    expect(fullJitterDelayMs(50, 300, 10, () => 0.999)).to.equal(299);
    expect(fullJitterDelayMs(50, 300, 10, () => 0)).to.equal(0);
  });
});
