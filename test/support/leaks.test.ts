import path from 'node:path';
import { after, describe, it } from 'node:test';
import { expect } from 'chai';
import { cleanLeaks, findLeaks, findToxicLeaks } from '../../support/observe/leaks';
import { ProcessSpec } from '../../support/processes/process-spec';
import { ownerTag, reapAll } from '../../support/processes/reaper';
import { Wait } from '../../support/processes/wait/wait';
import { ToxiproxyService } from '../../support/stack/toxiproxy';
import { tempDir } from '../temp-dir';

describe('leak check', () => {
  after(() => {
    reapAll();
  });

  it('finds a process left with the owner tag and a proxy left with the prefix, names them, and removes them', async () => {
    const toxiproxy = await ToxiproxyService.start(tempDir('chaos-leak-'));
    try {
      const prefix = `llorch_leaktest_${process.pid}_`;
      await toxiproxy.createProxy(`${prefix}forgotten`, '127.0.0.1:9');
      const proc = await new ProcessSpec('forever', ['node', path.join(__dirname, '..', 'fixtures', 'forever.js')])
        .withWaitStrategy(Wait.forLogLine(/running/))
        .start();
      const keep = toxiproxy.pid === undefined ? [] : [toxiproxy.pid];
      const leaks = await findLeaks(prefix, ownerTag, keep, toxiproxy);
      expect(leaks.map((l) => l.kind).sort()).to.deep.equal(['process', 'proxy']);
      expect(leaks.find((l) => l.kind === 'process')?.what)
        .to.contain(String(proc.pid))
        .and.contain('forever.js');
      expect(leaks.find((l) => l.kind === 'proxy')?.what).to.equal(`${prefix}forgotten`);
      expect(await cleanLeaks(leaks, toxiproxy)).to.deep.equal([]);
      await proc.exited;
      expect(await findLeaks(prefix, ownerTag, keep, toxiproxy)).to.deep.equal([]);
    } finally {
      await toxiproxy.stop();
    }
  });

  it('finds a toxic left on a proxy of the scenario (a fault that outlived its heal), names it, and removes it', async () => {
    const toxiproxy = await ToxiproxyService.start(tempDir('chaos-leak-'));
    try {
      const prefix = `llorch_toxictest_${process.pid}_`;
      const proxy = await toxiproxy.createProxy(`${prefix}engine-r1`, '127.0.0.1:9');
      await proxy.addToxic({
        name: 'forgotten_latency',
        type: 'latency',
        stream: 'downstream',
        toxicity: 1,
        attributes: { latency: 1000 },
      });
      const other = await toxiproxy.createProxy(`llorch_othertest_${process.pid}_engine-r1`, '127.0.0.1:9');
      await other.addToxic({ name: 'not_ours', type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: 1 } });
      const leaks = await findToxicLeaks(prefix, toxiproxy);
      expect(leaks).to.deep.equal([{ kind: 'toxic', what: `forgotten_latency on ${prefix}engine-r1` }]);
      expect(await cleanLeaks(leaks, toxiproxy)).to.deep.equal([]);
      expect(await findToxicLeaks(prefix, toxiproxy)).to.deep.equal([]);
      expect((await toxiproxy.toxics()).map((t) => t.toxic)).to.deep.equal(['not_ours']);
    } finally {
      await toxiproxy.stop();
    }
  });
});
