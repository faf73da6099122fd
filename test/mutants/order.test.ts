import { describe, it } from 'node:test';
import { expect } from 'chai';
import { type LastRun, runOrder } from '../../scripts/mutants/order';

describe('the order of the mutation check', () => {
  const mutants = ['a', 'b', 'c', 'd', 'e', 'f'].map((id) => ({ id }));
  const last = new Map<string, LastRun>([
    ['a', { killer: 'plain one', ms: 5_000 }],
    ['b', { killer: 'serial one', ms: 9_000 }],
    ['c', { killer: 'plain two', ms: 20_000 }],
    ['e', { killer: 'serial two', ms: 4_000 }],
    ['f', { killer: 'plain one', ms: 5_000 }],
  ]);
  const isSerial = (name: string): boolean => name.startsWith('serial');

  it('takes the unknown first, then the plain ones longest first, then the serial ones back to back', () => {
    expect(runOrder(mutants, last, isSerial).map((m) => m.id)).to.deep.equal(['d', 'c', 'a', 'f', 'b', 'e']);
  });

  it("keeps the catalogue's order without a last check", () => {
    expect(runOrder(mutants, new Map(), isSerial).map((m) => m.id)).to.deep.equal(['a', 'b', 'c', 'd', 'e', 'f']);
  });
});
