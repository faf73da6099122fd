import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { expect } from 'chai';
import type { PoolConfig } from '../../sut/pool-managerd/config';
import { engineGpuProblem } from '../../sut/pool-managerd/engine-checks';
import { eventually } from '../../support/core/eventually';
import { tempDir } from '../temp-dir';

const root = path.resolve(__dirname, '..', '..');
const tmp = tempDir('gpu-honesty-');
const pool = (devices: number[] | 'cpu', engine_command: string[], engine_env?: Record<string, string>): PoolConfig => ({
  pool_id: 'p',
  engine: 'llamacpp',
  model_ref: 'file:/m',
  devices,
  slots: 1,
  ctx: 128,
  engine_command,
  engine_env,
  replicas: [],
});

const listDevices = (p: PoolConfig) => engineGpuProblem(p, new AbortController().signal);
const alive = (pid: number): boolean => {
  if (!(pid > 0)) throw new Error(`alive(${pid}): not a process id`);
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('ORCH-1102 from the engine side: a GPU pool never runs on a CPU build', () => {
  it('refuses a GPU pool whose engine lists no GPU, naming what it saw', async () => {
    const problem = await listDevices(pool([0], ['node', path.join(root, 'test', 'fixtures', 'cpu-engine.js')]));
    expect(problem).to.match(/sees 0 GPU device\(s\).*CPU build cannot serve a GPU pool; no CPU fallback \(ORCH-1102\)/);
  });

  it('accepts a GPU pool whose engine lists its GPU (the reference engine, from its inventory), and a pool that says cpu', async () => {
    const inventory = path.join(tmp, 'inventory.json');
    writeFileSync(inventory, JSON.stringify({ devices: [{ index: 0, name: 'Mock GPU 0', memoryBytes: 2 ** 34 }] }));
    const mock = ['node', path.join(root, 'dist', 'sut', 'engine-mock', 'main.js')];
    expect(await listDevices(pool([0], mock, { LLORCH_GPU_INVENTORY: inventory }))).to.equal(undefined);
    expect(await listDevices(pool('cpu', ['/no/such/engine']))).to.equal(undefined);
  });

  it('refuses a GPU pool on the real llama-server CPU build', async (t) => {
    const real = path.join(root, '.tools', 'bin', 'llama-server');
    // `npm test` runs this file again once the real engine is built, with CHAOS_NEEDS_LLAMA_SERVER=1: then no skip.
    if (!existsSync(real) && process.env.CHAOS_NEEDS_LLAMA_SERVER !== '1')
      return t.skip('no llama-server built (npm run install:llamacpp)');
    expect(await listDevices(pool([0], [real]))).to.match(/sees 0 GPU device\(s\)/);
  });

  it('a stop kills a listing under way and settles only once its process is gone', async () => {
    const pidFile = path.join(tmp, 'hanging-engine.pid');
    const hangs = `require('fs').writeFileSync(${JSON.stringify(pidFile)}, String(process.pid)); setTimeout(() => {}, 60000)`;
    const abort = new AbortController();
    const listing = engineGpuProblem(pool([0], ['node', '-e', hangs, '--']), abort.signal);
    // The file exists before its pid is written into it: wait for the pid itself (an empty read gave pid 0, which
    // `kill(0, 0)` finds "alive": it is this process group).
    const { value: pid } = await eventually(
      'the listing process wrote its pid',
      async () => {
        const text = existsSync(pidFile) ? readFileSync(pidFile, 'utf8') : '';
        return { ok: /^[1-9]\d*$/.test(text), seen: JSON.stringify(text), value: Number(text) };
      },
      { withinMs: 5000, everyMs: 10 },
    );
    if (pid === undefined) throw new Error('eventually returned no pid');
    abort.abort();
    expect(await listing).to.match(/could not list its devices/);
    expect(alive(pid), `listing process ${pid} still alive after the stop settled`).to.equal(false);
  });

  it('says so when the engine cannot list its devices at all', async () => {
    expect(await listDevices(pool([0], ['/no/such/engine']))).to.match(/could not list its devices/);
  });
});
