import { after, before, describe, it } from 'node:test';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { Proxy } from 'toxiproxy-node-client';
import { probeLink } from '../../../support/faults/link-probe';
import { NetworkDownFault } from '../../../support/faults/network-down';
import { NetworkLatencyFault } from '../../../support/faults/network-latency';
import { InvalidFaultSpec } from '../../../support/errors';
import { reapAll } from '../../../support/processes/reaper';
import type { LinkTarget } from '../../../support/stack/stack';
import { ToxiproxyService } from '../../../support/stack/toxiproxy';
import { startEchoServer } from '../../fixtures/echo-server';

describe('network faults through the real toxiproxy-server, against a TCP echo server', () => {
  let toxiproxy: ToxiproxyService;
  let echo: Awaited<ReturnType<typeof startEchoServer>>;
  let proxy: Proxy;
  let link: LinkTarget;

  before(async () => {
    toxiproxy = await ToxiproxyService.start(mkdtempSync(path.join(os.tmpdir(), 'chaos-test-')));
    echo = await startEchoServer();
    proxy = await toxiproxy.createProxy(`llorch_test_${process.pid}_echo`, echo.address);
    link = { description: 'the echo link', proxy };
  });

  after(async () => {
    await proxy?.remove().catch(() => undefined);
    await echo?.close();
    await toxiproxy?.stop();
    reapAll();
  });

  it('the link works before any fault', async () => {
    expect((await probeLink(proxy.listen, 1000)).outcome).to.equal('connected');
  });

  it('network.down: inject → confirmed (refused) → heal → gone; heal twice', async () => {
    const fault = new NetworkDownFault(link);
    await fault.inject();
    const evidence = await fault.verify();
    expect(evidence.verdict, JSON.stringify(evidence)).to.equal('confirmed');
    await fault.heal();
    expect((await fault.verify()).verdict).to.equal('mismatch');
    await fault.heal();
    expect((await probeLink(proxy.listen, 1000)).outcome).to.equal('connected');
  });

  it('network.latency: inject → confirmed (first byte late) → heal → gone; heal twice', async () => {
    const fault = new NetworkLatencyFault(link, { latencyMs: 150, jitterMs: 20 });
    await fault.inject();
    const evidence = await fault.verify();
    expect(evidence.verdict, JSON.stringify(evidence)).to.equal('confirmed');
    expect((evidence.observed.probe as { firstByteMs: number }).firstByteMs).to.be.at.least(130);
    await fault.heal();
    expect((await fault.verify()).verdict).to.equal('mismatch');
    await fault.heal();
  });

  it('network.latency: heal after a failed inject (proxy gone) does not throw', async () => {
    const ghost = await toxiproxy.createProxy(`llorch_test_${process.pid}_ghost`, echo.address);
    await ghost.remove();
    const fault = new NetworkLatencyFault({ description: 'a removed link', proxy: ghost }, { latencyMs: 100 });
    const err = await fault.inject().catch((e) => e);
    expect(err).to.be.instanceOf(Error);
    await fault.heal().catch((e) => expect.fail(`heal threw: ${e.message}`));
  });

  it('network.latency: a fault on a different link than the one probed is not confirmed (mis-targeted)', async () => {
    const other = await toxiproxy.createProxy(`llorch_test_${process.pid}_other`, echo.address);
    const fault = new NetworkLatencyFault({ description: 'the echo link, but wired to the other proxy', proxy: other }, { latencyMs: 150 });
    await fault.inject();
    // The toxic sits on `other`; probing `proxy` must not see it.
    const misTargeted = new NetworkLatencyFault(link, { latencyMs: 150 });
    expect((await misTargeted.verify()).verdict).to.equal('mismatch');
    await fault.heal();
    await other.remove();
  });

  it('rejects impossible parameters at definition time', () => {
    expect(() => new NetworkLatencyFault(link, { latencyMs: -5 })).to.throw(InvalidFaultSpec, 'Expected `latencyMs` to be a positive integer, got `-5`');
    expect(() => new NetworkLatencyFault(link, { latencyMs: 10, jitterMs: 20 })).to.throw(InvalidFaultSpec);
  });
});
