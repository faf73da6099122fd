import { execFile } from 'node:child_process';
import http from 'node:http';
import type net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { expect } from 'chai';
import { DispatchTap } from '../../support/stack/dispatch-tap';

/** A server that answers POST with a chunked stream of 3 parts 30 ms apart, and GET at once with a fixed length. */
async function startStreamingServer(): Promise<{ address: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    req.resume();
    if (req.method === 'GET') return res.end('ok');
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    let n = 0;
    const timer = setInterval(() => {
      res.write(`data: ${n}\n\n`);
      if (++n === 3) {
        clearInterval(timer);
        res.end();
      }
    }, 30);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return { address: `127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

function send(agent: http.Agent, listen: string, method: string, path: string): Promise<number> {
  const [host, port] = listen.split(':');
  return new Promise((resolve, reject) => {
    const req = http.request({ host, port: Number(port), method, path, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(Date.now()));
    });
    req.on('error', reject);
    req.end(method === 'POST' ? '{"prompt":"x"}' : undefined);
  });
}

describe('the dispatch tap on a link', () => {
  let upstream: Awaited<ReturnType<typeof startStreamingServer>>;
  before(async () => {
    upstream = await startStreamingServer();
  });
  after(() => upstream.close());

  it('sees each request with its method, and a streamed response ended at its last chunk although the connection stays open', async () => {
    const tap = await DispatchTap.start(upstream.address);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const firstDone = await send(agent, tap.listen, 'POST', '/completion');
      await send(agent, tap.listen, 'GET', '/health');
      const seen = await tap.requests();
      expect(seen.map((r) => `${r.method} ${r.path}`)).to.deep.equal(['POST /completion', 'GET /health']);
      expect(seen.map((r) => r.status)).to.deep.equal([200, 200]);
      expect(seen[0].endedAt, 'the stream ended at its last chunk, on a connection kept alive').to.be.a('number');
      expect(Math.abs((seen[0].endedAt as number) - firstDone)).to.be.below(30);
      expect(seen[0].endedAt as number).to.be.at.least(seen[0].at + 60);
    } finally {
      agent.destroy();
      await tap.stop();
    }
  });

  it('shows two requests side by side only when they were', async () => {
    const tap = await DispatchTap.start(upstream.address);
    const agent = new http.Agent({ keepAlive: true });
    try {
      await Promise.all([send(agent, tap.listen, 'POST', '/a'), send(agent, tap.listen, 'POST', '/b')]);
      await send(agent, tap.listen, 'POST', '/c');
      const [a, b, c] = [...(await tap.requests())].sort((x, y) => x.path.localeCompare(y.path));
      expect(a.at < (b.endedAt as number) && b.at < (a.endedAt as number), 'a and b overlap').to.equal(true);
      expect(c.at, 'c began after both ended').to.be.at.least(Math.max(a.endedAt as number, b.endedAt as number));
    } finally {
      agent.destroy();
      await tap.stop();
    }
  });

  it("stamps a request when it arrives, while the suite's own thread is busy", async () => {
    const tap = await DispatchTap.start(upstream.address);
    try {
      // Another process sends a GET 300 ms from now; this thread is busy from now until 600 ms from now.
      const sendAt = Date.now() + 300;
      const [host, port] = tap.listen.split(':');
      const script = `setTimeout(() => require('http').get({host:'${host}',port:${port},path:'/health'}, (r) => r.resume()), ${sendAt} - Date.now())`;
      const child = new Promise((resolve) => execFile(process.execPath, ['-e', script], resolve));
      const busyUntil = sendAt + 300;
      while (Date.now() < busyUntil) {
        /* the suite's thread held, as by a long check */
      }
      await child;
      const [seen] = await tap.requests();
      expect(seen?.path).to.equal('/health');
      expect(seen.at - sendAt, 'ms from the send to the stamp').to.be.below(150);
    } finally {
      await tap.stop();
    }
  });
});
