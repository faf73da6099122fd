import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { expect } from 'chai';
import type { Proxy } from 'toxiproxy-node-client';
import { InvalidFaultSpec } from '../../../support/core/errors';
import type { Fault } from '../../../support/faults/fault';
import { probeLink } from '../../../support/faults/link-probe';
import { NetworkCutFault } from '../../../support/faults/network-cut';
import { NetworkTruncateFault } from '../../../support/faults/network-truncate';
import { NetworkDownFault } from '../../../support/faults/network-down';
import { NetworkLatencyFault } from '../../../support/faults/network-latency';
import { NetworkPartitionFault } from '../../../support/faults/network-partition';
import { NetworkResetFault } from '../../../support/faults/network-reset';
import { NetworkSlowFault } from '../../../support/faults/network-slow';
import { NetworkTimeoutFault } from '../../../support/faults/network-timeout';
import { reapAll } from '../../../support/processes/reaper';
import type { LinkTarget } from '../../../support/faults/targets';
import { ToxiproxyService } from '../../../support/stack/toxiproxy';
import { startEchoServer } from '../../fixtures/echo-server';
import { tempDir } from '../../temp-dir';

const ctx = { signal: new AbortController().signal, log: () => undefined };

describe('network faults through the real toxiproxy-server, against a TCP echo server', () => {
  let toxiproxy: ToxiproxyService;
  const logDir = tempDir('chaos-test-');
  let echo: Awaited<ReturnType<typeof startEchoServer>>;
  const proxies: Proxy[] = [];
  let link: LinkTarget;
  let other: LinkTarget;

  const newLink = async (name: string): Promise<LinkTarget> => {
    const proxy = await toxiproxy.createProxy(`llorch_test_${process.pid}_${name}`, echo.address);
    proxies.push(proxy);
    return {
      description: `the ${name} link`,
      proxy,
      trafficBytes: (direction?: 'upstream' | 'downstream') => toxiproxy.trafficBytes(proxy.name, direction),
    };
  };

  before(async () => {
    toxiproxy = await ToxiproxyService.start(logDir);
    echo = await startEchoServer();
    link = await newLink('echo');
    other = await newLink('other');
  });

  after(async () => {
    await Promise.all(proxies.map((p) => p.remove().catch(() => undefined)));
    await echo?.close();
    await toxiproxy?.stop();
    reapAll();
  });

  it('the links answer before any fault', async () => {
    expect((await probeLink(link.proxy.listen, 1000)).outcome).to.equal('answered');
    expect((await probeLink(other.proxy.listen, 1000)).outcome).to.equal('answered');
  });

  const cases: [string, () => Fault][] = [
    ['network.down', () => new NetworkDownFault(link)],
    ['network.latency', () => new NetworkLatencyFault(link, { latencyMs: 150, jitterMs: 20 })],
    ['network.timeout', () => new NetworkTimeoutFault(link, 300)],
    ['network.reset (every connection)', () => new NetworkResetFault(link, 1)],
    ['network.reset (a share of connections)', () => new NetworkResetFault(link, 0.5, 'downstream', 40)],
    ['network.reset (a share, as they open)', () => new NetworkResetFault(link, 0.5, 'upstream', 40)],
    ['network.slow', () => new NetworkSlowFault(link, 1)],
    ['network.cut', () => new NetworkCutFault(link, 100)],
    ['network.truncate', () => new NetworkTruncateFault(link, 150)],
    ['network.partition', () => new NetworkPartitionFault('both links', [link, other])],
  ];

  for (const [name, make] of cases) {
    it(`${name}: inject → confirmed → heal → gone; heal twice`, async () => {
      const fault = make();
      await fault.inject(ctx);
      const evidence = await fault.verify(ctx);
      expect(evidence.verdict, JSON.stringify(evidence.observed)).to.equal('confirmed');
      await fault.heal(ctx);
      const after = await fault.verify(ctx);
      expect(after.verdict, `after heal: ${JSON.stringify(after.observed)}`).to.equal('mismatch');
      await fault.heal(ctx);
      expect((await probeLink(link.proxy.listen, 1000)).outcome).to.equal('answered');
    });
  }

  it("network.slow: a heal just after a reader left does not wait out Toxiproxy's 5 s flush (its log shows no timeout)", async () => {
    const fault = new NetworkSlowFault(link, 1);
    await fault.inject(ctx);
    // A reader that leaves mid-dribble, as a client cancels a stream: 100 bytes sent every 5 ms and echoed back, a
    // chunk each, through 1 KB/s; the socket closed at the first bytes back, with more chunks on their way.
    const [host, port] = link.proxy.listen.split(':');
    await new Promise<void>((resolve, reject) => {
      let sent = 0;
      const client = net.connect(Number(port), host);
      const writes = setInterval(() => (++sent > 200 ? clearInterval(writes) : client.write(Buffer.alloc(100, 120))), 5);
      client.once('data', () => {
        clearInterval(writes);
        client.destroy();
        resolve();
      });
      client.once('error', reject);
    });
    await fault.heal(ctx);
    const log = readFileSync(path.join(logDir, 'toxiproxy-server.log'), 'utf8');
    expect(log).not.to.contain('could not write to output');
  });

  it('every network fault heals after a failed inject (its proxy is gone)', async () => {
    const ghost = await toxiproxy.createProxy(`llorch_test_${process.pid}_ghost`, echo.address);
    await ghost.remove();
    const ghostLink = { description: 'a removed link', proxy: ghost, trafficBytes: async () => 0 };
    for (const fault of [
      new NetworkDownFault(ghostLink),
      new NetworkPartitionFault('ghost', [ghostLink]),
      new NetworkLatencyFault(ghostLink, { latencyMs: 100 }),
      new NetworkTimeoutFault(ghostLink),
      new NetworkResetFault(ghostLink),
      new NetworkSlowFault(ghostLink, 1),
      new NetworkCutFault(ghostLink, 10),
    ]) {
      expect(
        await fault.inject(ctx).then(
          () => 'injected',
          () => 'failed',
        ),
      ).to.equal('failed');
      await fault.heal(ctx).catch((e) => expect.fail(`${fault.kind} heal threw: ${e.message}`));
    }
  });

  it('a fault put on another link than the one it claims is not confirmed (mis-targeted)', async () => {
    // The toxic goes on `other`, but the fault under test names `link`: its verify must not confirm anything.
    const real = new NetworkLatencyFault(other, { latencyMs: 150 });
    await real.inject(ctx);
    const misTargeted = new NetworkLatencyFault(link, { latencyMs: 150 });
    const evidence = await misTargeted.verify(ctx);
    expect(evidence.verdict).to.equal('mismatch');
    await real.heal(ctx);
  });

  it('rejects impossible parameters at definition time', () => {
    expect(() => new NetworkLatencyFault(link, { latencyMs: -5 })).to.throw(
      InvalidFaultSpec,
      'Expected `latencyMs` to be a positive integer, got `-5`',
    );
    expect(() => new NetworkLatencyFault(link, { latencyMs: 10, jitterMs: 20 })).to.throw(InvalidFaultSpec);
    expect(() => new NetworkResetFault(link, 1.5)).to.throw(InvalidFaultSpec, 'Expected `toxicity` to be in (0, 1], got `1.5`');
    expect(() => new NetworkSlowFault(link, 0)).to.throw(InvalidFaultSpec);
    expect(() => new NetworkCutFault(link, -1)).to.throw(InvalidFaultSpec);
    expect(() => new NetworkPartitionFault('nothing', [])).to.throw(
      InvalidFaultSpec,
      'a partition must cut at least one link with a proxy',
    );
  });

  it('preflight: confirmed only when traffic crosses the proxy; heal verified only when the toxic is gone and traffic flows', async () => {
    const idle = await newLink('idle');
    const fault = new NetworkLatencyFault(idle, { latencyMs: 50 });
    // Nothing uses this link: a fault on it would act on no one's path.
    expect((await fault.preflight(ctx)).verdict).to.equal('mismatch');
    const traffic = setInterval(() => void probeLink(idle.proxy.listen, 500), 20);
    try {
      expect((await fault.preflight(ctx)).verdict).to.equal('confirmed');
      await fault.inject(ctx);
      expect((await fault.verifyHealed(ctx)).verdict, 'toxic still listed').to.equal('mismatch');
      await fault.heal(ctx);
      expect((await fault.verifyHealed(ctx)).verdict).to.equal('confirmed');
    } finally {
      clearInterval(traffic);
    }
  });
});
