import { describe, it } from 'node:test';
import { expect } from 'chai';
import { PoolReloadFault, type ReloadOutcome, type ReloadSite } from '../../../support/faults/pool-reload';

const ctx = { signal: new AbortController().signal, log: () => undefined };

/** A control plane that answers `status` (and `body`) and a pool whose probes read `texts` in turn. */
function site(status: number, body: Record<string, unknown>, texts: string[]): ReloadSite & { deadlines: number[] } {
  const deadlines: number[] = [];
  let k = 0;
  return {
    deadlines,
    reload: async (deadlineMs) => {
      deadlines.push(deadlineMs);
      return { status, body };
    },
    probe: async () => texts[Math.min(k++, texts.length - 1)],
  };
}

async function run(s: ReloadSite, outcome: ReloadOutcome): Promise<{ fault: PoolReloadFault; verdict: string }> {
  const fault = new PoolReloadFault(s, outcome === 'switch' ? 'a new model' : 'a corrupt model', outcome, 500);
  expect((await fault.preflight()).verdict).to.equal('confirmed');
  await fault.inject(ctx);
  return { fault, verdict: (await fault.verify()).verdict };
}

const rolledBack = { code: 'RELOAD_ROLLED_BACK', message: 'reload of pool default rolled back: sha256 mismatch' };

describe('a reload under load, proven by what a client sees (pool.reload)', () => {
  it('is confirmed when a good model is said switched and served, the same on a second probe; its deadline is sent', async () => {
    const s = site(202, { reloaded: true }, ['old', 'new', 'new']);
    const { fault, verdict } = await run(s, 'switch');
    expect(verdict).to.equal('confirmed');
    expect(s.deadlines).to.deep.equal([500]);
    expect(fault.switchedAt).to.be.a('number');
  });

  it('is not when the pool says it switched but serves the old model (or two models)', async () => {
    expect((await run(site(202, {}, ['old', 'old', 'old']), 'switch')).verdict).to.equal('mismatch');
    expect((await run(site(202, {}, ['old', 'new', 'newer']), 'switch')).verdict).to.equal('mismatch');
  });

  it('is confirmed when a bad model is refused, said why, and the old one still served; not when it is served', async () => {
    expect((await run(site(409, rolledBack, ['old', 'old', 'old']), 'rollback')).verdict).to.equal('confirmed');
    const served = await run(site(202, { reloaded: true }, ['old', 'new', 'new']), 'rollback');
    expect(served.verdict).to.equal('mismatch');
    expect(served.fault.switchedAt).to.equal(undefined);
    expect((await run(site(409, { code: 'RELOAD_ROLLED_BACK' }, ['old', 'old', 'old']), 'rollback')).verdict, 'no message').to.equal(
      'mismatch',
    );
  });

  it('is not applied where no probe completes before it (its preflight)', async () => {
    const fault = new PoolReloadFault(
      { reload: async () => ({ status: 202, body: {} }), probe: async () => Promise.reject(new Error('refused until the end')) },
      'a new model',
      'switch',
      500,
    );
    expect((await fault.preflight()).verdict).to.equal('inconclusive');
  });
});
