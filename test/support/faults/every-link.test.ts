import { describe, it } from 'node:test';
import { expect } from 'chai';
import { everyLink } from '../../../support/faults/link-checks';
import type { LinkTarget } from '../../../support/faults/targets';

const links = ['r1', 'r2', 'r3'].map((r) => ({ description: `the link to replica ${r}` }) as LinkTarget);

describe('a fault on several links acts on all of them at once', () => {
  it('starts every link before any ends, and ends once all have', async () => {
    const started: string[] = [];
    const ended: string[] = [];
    await everyLink(links, async (l) => {
      started.push(l.description);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(started, 'every link started before the first ended').to.have.length(3);
      ended.push(l.description);
    });
    expect(ended).to.have.length(3);
  });

  it('throws the first failure only once every other link has settled, so that the heal after it misses none', async () => {
    const settled: string[] = [];
    const run = everyLink(links, async (l) => {
      if (l.description.endsWith('r1')) throw new Error('proxy r1 is gone');
      await new Promise((resolve) => setTimeout(resolve, 30));
      settled.push(l.description);
    });
    const err = await run.catch((e: Error) => e);
    expect((err as Error).message).to.equal('proxy r1 is gone');
    expect(settled, 'the other links had ended when it threw').to.deep.equal(['the link to replica r2', 'the link to replica r3']);
  });
});
