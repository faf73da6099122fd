import { describe, it } from 'node:test';
import { expect } from 'chai';
import { RestartBreaker } from '../../sut/pool-managerd/restart-breaker';

const policy = { breakerThreshold: 3, stormWindowMs: 1000, stormMaxRestarts: 4 };

describe('pool manager restart breaker', () => {
  it('restarts below the threshold, counting consecutive failures for the backoff', () => {
    const b = new RestartBreaker(policy);
    expect(b.onExit(0)).to.deep.equal({ kind: 'restart', failures: 1 });
    b.onRestart(10);
    expect(b.onExit(20)).to.deep.equal({ kind: 'restart', failures: 2 });
  });

  it('opens at the threshold of consecutive failures', () => {
    const b = new RestartBreaker(policy);
    b.onExit(0);
    b.onExit(1);
    expect(b.onExit(2)).to.deep.equal({ kind: 'open', reason: '3 consecutive failures', storm: false });
    expect(b.state).to.equal('open');
  });

  it('opens on a restart storm inside the window even below the failure threshold', () => {
    const b = new RestartBreaker({ ...policy, breakerThreshold: 100 });
    for (let t = 0; t < 4; t++) {
      expect(b.onExit(t * 100).kind).to.equal('restart');
      b.onRestart(t * 100 + 1);
    }
    expect(b.onExit(450)).to.include({ kind: 'open', storm: true });
  });

  it('forgets restarts that left the sliding window', () => {
    const b = new RestartBreaker({ ...policy, breakerThreshold: 100 });
    for (let t = 0; t < 4; t++) {
      b.onExit(t);
      b.onRestart(t);
    }
    expect(b.onExit(5000).kind).to.equal('restart');
  });

  it('closes after a good trial start and opens again after a failed one', () => {
    const b = new RestartBreaker(policy);
    for (let t = 0; t < 3; t++) b.onExit(t);
    b.halfOpen();
    expect(b.onReady()).to.equal(true);
    expect(b.state).to.equal('closed');
    expect(b.consecutiveFailures).to.equal(0);
    for (let t = 0; t < 3; t++) b.onExit(t);
    b.halfOpen();
    expect(b.onExit(10)).to.deep.equal({ kind: 'open', reason: 'trial start failed', storm: false });
  });

  it('a ready engine in a closed breaker closes nothing; stability resets the count', () => {
    const b = new RestartBreaker(policy);
    b.onExit(0);
    expect(b.onReady()).to.equal(false);
    b.onStable();
    expect(b.onExit(1)).to.deep.equal({ kind: 'restart', failures: 1 });
  });

  it('survives a snapshot and restore', () => {
    const b = new RestartBreaker(policy);
    b.onExit(0);
    b.onRestart(1);
    const copy = new RestartBreaker(policy);
    copy.restore(b.snapshot());
    expect(copy.snapshot()).to.deep.equal(b.snapshot());
  });
});
