import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { expect } from 'chai';
import { diedUnseen } from '../../sut/pool-managerd/engine-process';
import { loadMemory, saveMemory } from '../../sut/pool-managerd/replica-state';
import { tempDir } from '../temp-dir';

const dir = tempDir('pid-file-');

describe('what a pool manager finds of its predecessor (CHAOS-003)', () => {
  it('tells an engine that died unseen (its pid file left, its process gone) from a live one and from none', () => {
    const file = path.join(dir, 'r1.pid');
    expect(diedUnseen(file), 'no pid file').to.equal(false);
    writeFileSync(file, JSON.stringify({ pid: process.pid }));
    expect(diedUnseen(file), 'a live process').to.equal(false);
    const gone = spawnSync('node', ['-e', '0']).pid as number;
    writeFileSync(file, JSON.stringify({ pid: gone }));
    expect(diedUnseen(file), `process ${gone}, exited`).to.equal(true);
  });

  it('reads back the memory it wrote, and leaves no file of the write beside it (a kill in mid-write is not tested here)', () => {
    const file = path.join(dir, 'r1.state.json');
    const memory = {
      restarts: 2,
      driverResets: 0,
      breaker: { state: 'closed' as const, consecutiveFailures: 2, restartTimes: [1, 2] },
      openUntil: 0,
    };
    expect(saveMemory(file, memory)).to.equal(true);
    expect(loadMemory(file)).to.deep.equal(memory);
    expect(JSON.parse(readFileSync(file, 'utf8'))).to.deep.equal(memory);
    expect(readdirSync(dir).filter((f) => f.startsWith('r1.state'))).to.deep.equal(['r1.state.json']);
  });
});
