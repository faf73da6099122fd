import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { expect } from 'chai';
import { loadPoolsFile } from '../../sut/pool-managerd/config';
import { tempDir } from '../temp-dir';

const dir = tempDir('chaos-pools-');
const pools = (devices: unknown): string => {
  const file = path.join(dir, `pools-${Math.random().toString(36).slice(2)}.json`);
  const pool = {
    pool_id: 'p',
    model_ref: 'file:m',
    engine_command: ['e'],
    slots: 1,
    devices,
    replicas: [{ replica_id: 'r1', port: 1, advertised_url: 'http://127.0.0.1:1' }],
  };
  writeFileSync(file, JSON.stringify({ cache_dir: dir, run_dir: dir, pools: [pool] }));
  return file;
};

describe('the pool manager reads the devices of a pool', () => {
  it('as a list, as text the way CUDA_VISIBLE_DEVICES writes them, or "cpu"', () => {
    expect(loadPoolsFile(pools([0, 1])).pools[0].devices).to.deep.equal([0, 1]);
    expect(loadPoolsFile(pools('0,1')).pools[0].devices).to.deep.equal([0, 1]);
    expect(loadPoolsFile(pools('cpu')).pools[0].devices).to.equal('cpu');
  });

  it('refuses anything else, naming the file and the field', () => {
    const file = pools('gpu0');
    expect(() => loadPoolsFile(file)).to.throw(`${file}: field \`pools[0].devices\` must be an array of GPU device indices`);
  });
});
