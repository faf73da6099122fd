import { setTimeout as delay } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { expect } from 'chai';
import { takeSplit, timed } from '../../support/core/time-split';

describe('time split', () => {
  it('counts each stretch once, for the most specific kind of work open then', async () => {
    takeSplit();
    let rerunsWall = 0;
    const started = performance.now();
    await timed("After: the checker's evidence and checks", async () => {
      await delay(40);
      // Two reruns side by side inside the judge: their time counts once, as reruns, not as checks.
      const t = performance.now();
      await Promise.all([timed('undisturbed reruns', () => delay(60)), timed('undisturbed reruns', () => delay(60))]);
      rerunsWall = performance.now() - t;
    });
    const wall = performance.now() - started;
    const split = takeSplit();
    expect(split['undisturbed reruns']).to.be.within(Math.floor(rerunsWall) - 2, Math.ceil(rerunsWall) + 2);
    expect(split["After: the checker's evidence and checks"]).to.be.within(
      Math.floor(wall - rerunsWall) - 2,
      Math.ceil(wall - rerunsWall) + 2,
    );
    expect(Object.keys(split)).to.have.length(2);
  });

  it('forgets a section still open when the split is taken', async () => {
    takeSplit();
    const late = timed('heals and their verification', () => delay(50));
    takeSplit();
    await late;
    expect(takeSplit()).to.deep.equal({});
  });
});
