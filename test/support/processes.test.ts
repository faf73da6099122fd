import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { expect } from 'chai';
import { ProcessStartFailed, WaitTimedOut } from '../../support/core/errors';
import { ProcessSpec } from '../../support/processes/process-spec';
import { isAlive } from '../../support/core/pids';
import { ownerTag, processesOwnedBy, reapAll } from '../../support/processes/reaper';
import { Wait } from '../../support/processes/wait/wait';

const fixture = (name: string): string[] => ['node', path.join(__dirname, '..', 'fixtures', name)];

describe('ProcessSpec and wait strategies', () => {
  after(() => {
    reapAll();
  });

  it('starts a process and waits for its log line', async () => {
    const proc = await new ProcessSpec('forever', fixture('forever.js'))
      .withWaitStrategy(Wait.forLogLine(/running/))
      .withStartupTimeout(5000)
      .start();
    expect(proc.isRunning).to.equal(true);
    const exited = await proc.stop(1000);
    expect(exited.signal).to.equal('SIGTERM');
    expect(isAlive(proc.pid)).to.equal(false);
  });

  it('waits for an HTTP endpoint to answer the expected status', async () => {
    const server = http.createServer((_req, res) => res.end('ok')).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/health`;
    const proc = await new ProcessSpec('forever', fixture('forever.js')).withWaitStrategy(Wait.forHttp(url).forStatus(200)).start();
    await proc.stop(1000);
    server.close();
  });

  // The limit must leave the process time to print its first line, or the tail is empty: under a busy machine (a
  // compiler and a suite beside the unit tests) a Node start took over 200 ms (seen in a fresh-clone CI run).
  it('times out with the condition, the limit and the log tail, and leaves no process behind', async () => {
    const err = await new ProcessSpec('forever', fixture('forever.js'))
      .withWaitStrategy(Wait.forLogLine(/never printed/))
      .withStartupTimeout(1500)
      .start()
      .catch((e) => e);
    expect(err).to.be.instanceOf(WaitTimedOut);
    expect(err.message).to.match(/^forever ready \(log line matching \/never printed\/\): not reached within 1500 ms/);
    expect(err.message).to.contain('forever: running');
    expect(processesOwnedBy((tag) => tag === ownerTag)).to.deep.equal([]);
  });

  it('says the process exited, with its code and last lines, instead of timing out', async () => {
    const err = await new ProcessSpec('exits-early', fixture('exits-early.js'))
      .withWaitStrategy(Wait.forLogLine(/ready/))
      .withStartupTimeout(5000)
      .start()
      .catch((e) => e);
    expect(err).to.be.instanceOf(ProcessStartFailed);
    expect(err.message).to.contain('exits-early exited with exit code 3');
    expect(err.message).to.contain('exits-early: missing configuration');
  });

  it('stops a process that ignores SIGTERM with SIGKILL after the grace period', async () => {
    const proc = await new ProcessSpec('no-killable', fixture('no-killable.js')).withWaitStrategy(Wait.forLogLine(/running/)).start();
    const started = Date.now();
    const exited = await proc.stop(300);
    expect(exited.signal).to.equal('SIGKILL');
    expect(Date.now() - started).to.be.at.least(250);
  });

  it('reaps every process it started, whatever their state', async () => {
    const a = await new ProcessSpec('forever', fixture('forever.js')).withWaitStrategy(Wait.forLogLine(/running/)).start();
    const b = await new ProcessSpec('no-killable', fixture('no-killable.js')).withWaitStrategy(Wait.forLogLine(/running/)).start();
    reapAll();
    await Promise.all([a.exited, b.exited]);
    expect(isAlive(a.pid) || isAlive(b.pid)).to.equal(false);
  });
});
