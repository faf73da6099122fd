import { describe, it } from 'node:test';
import { expect } from 'chai';
import { backoffCeilingsMs, backoffSpreadProblems, RetryPolicySeen } from '../../support/checks/retries';

const policy: RetryPolicySeen = { baseMs: 20, capMs: 200, budget: 3 };

/** A deterministic stand-in for Math.random: evenly spread values, shuffled by a fixed stride. */
const spread = (n: number): number[] => Array.from({ length: n }, (_, k) => ((k * 7919) % n) / n);

describe('HTU-1002 from the client: times to fail spread as full jitter does, within the ceilings', () => {
  it('the ceilings are min(cap, base × 2^k), one per backoff of the budget', () => {
    expect(backoffCeilingsMs(policy)).to.deep.equal([20, 40]);
    expect(backoffCeilingsMs({ baseMs: 150, capMs: 200, budget: 4 })).to.deep.equal([150, 200, 200]);
  });

  it('accepts fully jittered backoffs on top of a fixed cost', () => {
    const u = spread(30);
    const times = u.map((x, k) => 8 + x * 20 + u[(k * 13) % 30] * 40);
    expect(backoffSpreadProblems(times, policy).problems).to.be.empty;
    // One task held up 30 ms by the machine (a stressed run's worst seen) does not decide the verdict.
    expect(backoffSpreadProblems([...times.slice(1), times[0] + 30], policy).problems).to.be.empty;
  });

  it('rejects a fixed backoff, no backoff, a backoff past its ceiling, and too few tasks', () => {
    const fixed = spread(30).map((x) => 68 + x * 4);
    expect(backoffSpreadProblems(fixed, policy).problems.join()).to.match(/not jittered/);
    const none = spread(30).map((x) => 6 + x * 4);
    expect(backoffSpreadProblems(none, policy).problems.join()).to.match(/not jittered/);
    const doubled = spread(30).map((x) => 8 + x * 120);
    expect(backoffSpreadProblems(doubled, policy).problems.join()).to.match(/past their ceilings/);
    const u = spread(30);
    const twiceTheCeilings = u.map((x, k) => 8 + x * 40 + u[(k * 13) % 30] * 80);
    expect(backoffSpreadProblems(twiceTheCeilings, policy).problems.join()).to.match(/past their ceilings/);
    expect(backoffSpreadProblems([10, 40, 70], policy).problems.join()).to.match(/at least 10/);
  });
});
