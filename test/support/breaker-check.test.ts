import { describe, it } from 'node:test';
import { expect } from 'chai';
import { BreakerShedsFailingReplica, longestRun } from '../../support/checks/breaker';
import { mostAtOnce, SeenDispatch } from '../../support/history/dispatches';

const policy = { threshold: 3, cooldownMs: 500, skewMs: 25 };
/** A dispatch that reached the replica at `at` and failed 2 ms later (a cut link). */
const cut = (at: number): SeenDispatch => ({ at, endedAt: at + 2 });

describe('the breaker judged at the link (ORCH-3040)', () => {
  it('passes a breaker that opens at the threshold and lets one trial through per cool-down', () => {
    const seen = [cut(0), cut(100), cut(200), cut(750), cut(1300)];
    const v = BreakerShedsFailingReplica(seen, policy, 1700);
    expect(v.valid, v.detail).to.equal(true);
    expect(v.detail).to.contain('2 trial(s)');
  });

  it('fails a breaker that never opens: dispatches keep arriving within the cool-down', () => {
    const seen = [0, 100, 200, 300, 400, 500].map(cut);
    const v = BreakerShedsFailingReplica(seen, policy, 1000);
    expect(v.valid).to.equal(false);
    expect(v.detail).to.contain('within the cool-down');
  });

  it('fails a failed trial that does not start a full cool-down', () => {
    const seen = [cut(0), cut(100), cut(200), cut(750), cut(900)];
    expect(BreakerShedsFailingReplica(seen, policy, 1500).valid).to.equal(false);
  });

  it('fails a breaker that never lets a trial through, and cannot judge one that never reached its threshold', () => {
    expect(BreakerShedsFailingReplica([cut(0), cut(100), cut(200)], policy, 2000).valid).to.equal(false);
    expect(BreakerShedsFailingReplica([cut(0), cut(100)], policy, 2000).valid).to.equal('unknown');
  });
});

describe('the breaker judged at the link, for a fault the engine applies itself', () => {
  /** A dispatch the engine answered with `status` 2 ms after it arrived. */
  const answered = (at: number, status: number): SeenDispatch => ({ at, endedAt: at + 2, status });

  it('judges from the first dispatch not answered 200: one served before the fault took effect is not a failure', () => {
    const seen = [answered(0, 200), answered(180, 500), answered(280, 500), answered(380, 500), answered(980, 500)];
    const v = BreakerShedsFailingReplica(seen, policy, 1500);
    expect(v.valid, v.detail).to.equal(true);
  });

  it('still fails a breaker that never opens on HTTP 500s', () => {
    const seen = [answered(0, 200), ...[180, 280, 380, 480, 580].map((at) => answered(at, 500))];
    expect(BreakerShedsFailingReplica(seen, policy, 1500).valid).to.equal(false);
  });
});

describe('what the link saw', () => {
  it('counts dispatches side by side, an end and an arrival at the same moment not', () => {
    expect(
      mostAtOnce(
        [
          { at: 0, endedAt: 50 },
          { at: 50, endedAt: 90 },
        ],
        100,
      ),
    ).to.equal(1);
    expect(
      mostAtOnce(
        [
          { at: 0, endedAt: 50 },
          { at: 40, endedAt: 90 },
        ],
        100,
      ),
    ).to.equal(2);
    expect(mostAtOnce([{ at: 0 }, { at: 60, endedAt: 70 }], 100), 'one still open counts until now').to.equal(2);
  });

  it('finds the longest run of refused dispatches, broken by one served', () => {
    const seen = [400, 400, 200, 400, 400, 400, 200].map((status, k) => ({ at: k, status }));
    expect(longestRun(seen, (d) => d.status === 400)).to.equal(3);
  });
});
