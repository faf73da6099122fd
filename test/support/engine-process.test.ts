import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { expect } from 'chai';
import type { PoolManagerClient } from '../../support/pool-manager/client';
import { engineAtStart, engineProcess } from '../../support/stack/engine-process';
import { hookPid } from '../../support/faults/targets';

/** An engine's health that says "loading" (503) for its first `loadingFor` answers, then ok; `asked` counts them. */
function engine(loadingFor: number): { server: Server; asked: () => number } {
  let asked = 0;
  const server = createServer((_req, res) => {
    asked++;
    res.writeHead(asked <= loadingFor ? 503 : 200).end();
  });
  return { server, asked: () => asked };
}

describe("a replica's engine as the faults see it", () => {
  let server: Server;
  let asked: () => number;
  let address: string;
  const poolManager = { replica: async () => ({ replica_id: 'r1', state: 'starting', pid: 4242 }) } as unknown as PoolManagerClient;

  before(async () => {
    ({ server, asked } = engine(3));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    address = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => server.close());

  it('gives the pid its pool manager reports at once, and the pid for a signal hook only once the engine serves', async () => {
    const target = engineProcess(poolManager, 'p', 'r1', address, undefined);
    expect(await target.pid()).to.equal(4242);
    expect(asked(), 'health asked before').to.equal(0);
    expect(await hookPid(target)).to.equal(4242);
    expect(asked(), 'health answers until one said it serves (3 said loading)').to.equal(4);
  });

  it('fails, naming what it last saw, when the engine never serves within the bound', async () => {
    const never = createServer((_req, res) => res.writeHead(503).end());
    await new Promise<void>((resolve) => never.listen(0, '127.0.0.1', resolve));
    const target = engineProcess(poolManager, 'p', 'r1', `127.0.0.1:${(never.address() as AddressInfo).port}`, undefined, 300);
    try {
      await hookPid(target).then(
        () => expect.fail('resolved for an engine that never served'),
        (err: Error) => expect(err.message).to.contain('its health 503'),
      );
    } finally {
      never.close();
    }
  });
});

describe("a replica's engine caught at its birth", () => {
  // This test's process stands for the pool manager: its children are the engines, told apart by their port.
  const children: ChildProcess[] = [];
  const start = (...args: string[]) => {
    // A group of its own, killed whole: the shell's sleep would outlive the shell, and hold its pipes open.
    const child = spawn('sh', ['-c', 'sleep 5', ...args], { stdio: 'ignore', detached: true });
    children.push(child);
    return child;
  };
  after(() => {
    for (const child of children) process.kill(-(child.pid as number), 'SIGKILL');
  });

  it('is the first process started with its port once asked', async () => {
    const target = engineAtStart(process.pid, 'r1', 4711);
    start('engine', '--port', '4712'); // another replica's engine, started before: not it
    const caught = target.pid();
    start('engine', '--list-devices'); // the pool manager's other children: not it
    await new Promise((resolve) => setTimeout(resolve, 50));
    const engine = start('engine', '--port', '4711');
    expect(await caught).to.equal(engine.pid);
  });

  it('is refused when that engine runs already: its start has passed', async () => {
    const running = start('engine', '--port', '4713');
    await new Promise((resolve) => setTimeout(resolve, 50));
    await engineAtStart(process.pid, 'r1', 4713)
      .pid()
      .then(
        () => expect.fail('caught an engine that was already running'),
        (err: Error) => expect(err.message).to.contain(`had already started (pid ${running.pid}`),
      );
  });
});
