import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { expect } from 'chai';
import type { PoolConfig } from '../../sut/pool-managerd/config';
import { engineGpuProblem } from '../../sut/pool-managerd/engine-checks';

const root = path.resolve(__dirname, '..', '..');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'gpu-honesty-'));
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

describe('ORCH-1102 from the engine side: a GPU pool never runs on a CPU build', () => {
  it('refuses a GPU pool whose engine lists no GPU, naming what it saw', async () => {
    const problem = await engineGpuProblem(pool([0], ['node', path.join(root, 'test', 'fixtures', 'cpu-engine.js')]));
    expect(problem).to.match(/sees 0 GPU device\(s\).*CPU build cannot serve a GPU pool; no CPU fallback \(ORCH-1102\)/);
  });

  it('accepts a GPU pool whose engine lists its GPU (the reference engine, from its inventory), and a pool that says cpu', async () => {
    const inventory = path.join(tmp, 'inventory.json');
    writeFileSync(inventory, JSON.stringify({ devices: [{ index: 0, name: 'Mock GPU 0', memoryBytes: 2 ** 34 }] }));
    const mock = ['node', path.join(root, 'dist', 'sut', 'engine-mock', 'main.js')];
    expect(await engineGpuProblem(pool([0], mock, { LLORCH_GPU_INVENTORY: inventory }))).to.equal(undefined);
    expect(await engineGpuProblem(pool('cpu', ['/no/such/engine']))).to.equal(undefined);
  });

  it('refuses a GPU pool on the real llama-server CPU build', async (t) => {
    const real = path.join(root, '.tools', 'bin', 'llama-server');
    // `npm test` runs this file again once the real engine is built, with CHAOS_NEEDS_LLAMA_SERVER=1: then no skip.
    if (!existsSync(real) && process.env.CHAOS_NEEDS_LLAMA_SERVER !== '1')
      return t.skip('no llama-server built (npm run install:llamacpp)');
    expect(await engineGpuProblem(pool([0], [real]))).to.match(/sees 0 GPU device\(s\)/);
  });

  it('says so when the engine cannot list its devices at all', async () => {
    expect(await engineGpuProblem(pool([0], ['/no/such/engine']))).to.match(/could not list its devices/);
  });
});
