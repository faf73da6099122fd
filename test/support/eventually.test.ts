import { describe, it } from 'node:test';
import { expect } from 'chai';
import { WaitTimedOut } from '../../support/core/errors';
import { eventually } from '../../support/core/eventually';

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
