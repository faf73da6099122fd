import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, it } from 'node:test';
import { expect } from 'chai';

const ROOT = path.resolve(__dirname, '..', '..');

describe("the long checks' scripts, given an option they do not know", () => {
  for (const script of ['bench', 'explore', 'mutants', 'soak']) {
    it(`${script}: says which option, which it knows and where its usage is, and exits 2 (no stack trace)`, () => {
      const r = spawnSync(process.execPath, ['--require', 'ts-node/register', `scripts/${script}.ts`, '--bogus'], {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true' },
        timeout: 60_000,
      });
      expect(r.status, r.stderr).to.equal(2);
      expect(r.stderr).to.match(
        new RegExp(`^${script}: Unknown option '--bogus'; its options: --\\w.*\\(usage: scripts/${script}\\.ts\\)`),
      );
      expect(r.stderr).to.not.match(/\n\s+at /);
    });
  }
});
