import { describe, it } from 'node:test';
import { expect } from 'chai';
import { FaultNotConfirmed } from '../../support/core/errors';
import type { Evidence, Fault } from '../../support/faults/fault';
import { FaultLedger } from '../../support/faults/ledger';
import { Timeline } from '../../support/core/timeline';

/** A fault that records what happens to it. */
function recordingFault(
  name: string,
  log: string[],
  options: { verdict?: Evidence['verdict']; failInject?: boolean; failHeal?: boolean } = {},
): Fault {
  return {
    kind: 'network.latency',
    describe: () => name,
    inject: async () => {
      log.push(`inject ${name}`);
      if (options.failInject) throw new Error(`${name} inject failed`);
    },
    verify: async () => ({ verdict: options.verdict ?? 'confirmed', observed: { name } }),
    heal: async () => {
      log.push(`heal ${name}`);
      if (options.failHeal) throw new Error(`${name} heal failed`);
    },
  };
}

describe('FaultLedger', () => {
  it('heals in reverse order of application, each fault once', async () => {
    const log: string[] = [];
    const ledger = new FaultLedger(new Timeline());
    await ledger.apply(recordingFault('a', log));
    await ledger.apply(recordingFault('b', log));
    await ledger.healAll();
    await ledger.healAll();
    expect(log).to.deep.equal(['inject a', 'inject b', 'heal b', 'heal a']);
  });

  it('fails the apply when verification does not confirm the fault, and still heals it', async () => {
    const log: string[] = [];
    const ledger = new FaultLedger(new Timeline());
    const err = await ledger.apply(recordingFault('quiet', log, { verdict: 'mismatch' })).catch((e) => e);
    expect(err).to.be.instanceOf(FaultNotConfirmed);
    expect(err.message).to.contain('Fault not confirmed: quiet');
    expect(err.message).to.contain('mismatch');
    await ledger.healAll();
    expect(log).to.deep.equal(['inject quiet', 'heal quiet']);
  });

  it('heals a fault whose inject failed half-way', async () => {
    const log: string[] = [];
    const ledger = new FaultLedger(new Timeline());
    await ledger.apply(recordingFault('broken', log, { failInject: true })).catch(() => undefined);
    expect(await ledger.healAll()).to.deep.equal([]);
    expect(log).to.deep.equal(['inject broken', 'heal broken']);
  });

  it('reports a heal error without stopping the other heals', async () => {
    const log: string[] = [];
    const ledger = new FaultLedger(new Timeline());
    await ledger.apply(recordingFault('a', log));
    await ledger.apply(recordingFault('b', log, { failHeal: true }));
    const errors = await ledger.healAll();
    expect(errors.map((e) => e.message)).to.deep.equal(['Heal failed: b: b heal failed']);
    expect(log).to.deep.equal(['inject a', 'inject b', 'heal b', 'heal a']);
  });

  it('records injected, verified and healed times on the timeline', async () => {
    const timeline = new Timeline();
    const ledger = new FaultLedger(timeline);
    await ledger.apply(recordingFault('a', []));
    await ledger.healAll();
    expect(timeline.all().map((e) => e.name)).to.deep.equal(['fault.injected', 'fault.verified', 'fault.healed']);
    expect(ledger.records()[0]).to.include({ kind: 'network.latency', description: 'a' });
  });
});
