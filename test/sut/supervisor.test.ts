import type { ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { describe, it } from 'node:test';
import { expect } from 'chai';
import pino from 'pino';
import type { PoolConfig } from '../../sut/pool-managerd/config';
import { PoolMetrics } from '../../sut/pool-managerd/metrics';
import { ReplicaSupervisor } from '../../sut/pool-managerd/supervisor';
import type { SupervisionPolicy } from '../../sut/pool-managerd/supervision-policy';
import { tempDir } from '../temp-dir';

const freePort = (): Promise<number> =>
  new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });

async function until(what: string, ok: () => boolean, withinMs = 5000): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${withinMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('replica supervision (pool-managerd)', () => {
  it("a stopped engine's exit event that arrives after its successor started is not taken for the successor's", async () => {
    const port = await freePort();
    const pool: PoolConfig = {
      pool_id: 'p',
      engine: 'llamacpp',
      model_ref: 'file:/dev/null',
      devices: [0],
      slots: 1,
      ctx: 512,
      engine_command: ['node', path.join(__dirname, '..', 'fixtures', 'health-engine.js')],
      replicas: [],
    };
    const policy: SupervisionPolicy = {
      backoff: { initialMs: 10, maxMs: 100, multiplier: 2, jitter: 0 },
      breakerThreshold: 5,
      breakerCooldownMs: 1000,
      stormWindowMs: 60_000,
      stormMaxRestarts: 20,
      stableMs: 1000,
      healthPollMs: 10,
      healthIntervalMs: 50,
      startupTimeoutMs: 5000,
      shutdownGraceMs: 1000,
    };
    const runDir = tempDir('chaos-supervisor-');
    const replica = { replica_id: 'r1', port, advertised_url: `http://127.0.0.1:${port}` };
    const sup = new ReplicaSupervisor(pool, replica, () => '/dev/null', runDir, policy, pino({ level: 'silent' }), new PoolMetrics());
    try {
      await sup.start();
      await until('first engine ready', () => sup.status().state === 'ready');
      const first = (sup as unknown as { child: ChildProcess }).child;
      // The supervisor's own exit handlers of the first engine, to deliver its exit event late, by hand: as when the
      // kernel's news of the exit reaches the event loop only after a reload has stopped it and started the next one.
      const onExit = first.listeners('exit') as ((code: number | null, signal: string | null) => void)[];
      expect(onExit).to.have.length.greaterThan(0);
      await sup.stop();
      await sup.start();
      for (const handler of onExit) handler(0, null);
      await until('successor ready', () => sup.status().state === 'ready');
      expect(sup.status()).to.include({ state: 'ready', restarts: 0, last_error: undefined });
    } finally {
      await sup.stop();
      // A supervisor that lost track of an engine (the bug this test is about) leaves it running: end it here.
      for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
        const cmd = (() => {
          try {
            return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
          } catch {
            return '';
          }
        })();
        if (cmd.includes('health-engine.js') && cmd.includes(`\0${port}\0`)) process.kill(Number(pid), 'SIGKILL');
      }
    }
  });
});
