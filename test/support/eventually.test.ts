import { describe, it } from 'node:test';
import { expect } from 'chai';
import { WaitTimedOut } from '../../support/core/errors';
import { eventually } from '../../support/core/eventually';
import { share, takeWaits } from '../../support/core/wait-journal';

describe('eventually', () => {
  it('returns as soon as the probe reports ok', async () => {
    let calls = 0;
    const { value } = await eventually('third call', async () => ({ ok: ++calls === 3, seen: `call ${calls}`, value: calls }), {
      withinMs: 1000,
      everyMs: 1,
    });
    expect(value).to.equal(3);
  });

  it('fails with the condition, the limit and what was last seen', async () => {
    const err = await eventually('pool p0 ready', async () => ({ ok: false, seen: 'state=degraded' }), { withinMs: 30, everyMs: 1 }).catch(
      (e) => e,
    );
    expect(err).to.be.instanceOf(WaitTimedOut);
    expect(err.message).to.equal('pool p0 ready: not reached within 30 ms (last seen: state=degraded)');
  });

  it('treats a throwing probe as not yet, and reports its error', async () => {
    const err = await eventually(
      'answer',
      async () => {
        throw new Error('ECONNREFUSED');
      },
      { withinMs: 10, everyMs: 1 },
    ).catch((e) => e);
    expect(err.message).to.contain('last seen: probe failed: ECONNREFUSED');
  });
});

describe('the wait journal (what npm run stress reads)', () => {
  it('keeps, per condition shape, the wait that used most of its limit; a wait not met used all of it', async () => {
    takeWaits();
    await eventually('task 0b3c1e2a-1111-4222-8333-444455556666 ends', async () => ({ ok: true, seen: 'ended' }), { withinMs: 1000 });
    let calls = 0;
    await eventually('task 9f3c1e2a-1111-4222-8333-444455556666 ends', async () => ({ ok: ++calls === 3, seen: '' }), {
      withinMs: 1000,
      everyMs: 15,
    });
    await eventually('replica r2 ready', async () => ({ ok: false, seen: 'starting' }), { withinMs: 20, everyMs: 5 }).catch(
      () => undefined,
    );
    const waits = takeWaits();
    expect(waits.map((w) => w.condition)).to.deep.equal(['replica r<n> ready', 'task <id> ends']);
    expect(waits[0]).to.include({ met: false, limitMs: 20 });
    expect(share(waits[0])).to.equal(1);
    // The slower of the two task waits (two 15 ms sleeps; Date.now() counts whole ms, and a timer may fire in the
    // last ms before its due time by that clock, so each sleep may read 14 ms: seen once as 29 in a full unit run).
    expect(waits[1].usedMs).to.be.at.least(28);
    expect(takeWaits()).to.deep.equal([]); // taken means gone
  });

  it('leaves out waits below the share asked for', async () => {
    takeWaits();
    await eventually('quick', async () => ({ ok: true, seen: '' }), { withinMs: 10_000 });
    expect(takeWaits(0.1)).to.deep.equal([]);
  });
});
