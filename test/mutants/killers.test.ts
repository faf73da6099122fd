import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { expect } from 'chai';
import { KILLERS_FILE, lastKillers, saveKillers } from '../../scripts/mutants/killers';
import type { MutantResult } from '../../support/report/mutants';

const result = (id: string, over: Partial<MutantResult>): MutantResult => ({
  id,
  requirement: 'ORCH-3051',
  breaks: 'something',
  file: 'sut/x.ts',
  status: 'killed',
  detail: '',
  scenarios: [{ name: `killer of ${id}`, message: 'failed' }],
  byRequirement: true,
  ms: 1000,
  ...over,
});

describe("the mutation check's kept killers", () => {
  const root = mkdtempSync(path.join(tmpdir(), 'killers-'));
  mkdirSync(path.join(root, 'scripts', 'mutants'), { recursive: true });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('keeps only the mutants killed by their own requirement, and reads them back', () => {
    saveKillers(root, [
      result('b', { ms: 2000 }),
      result('a', {}),
      result('unrelated', { byRequirement: false }),
      result('survivor', { status: 'survived', scenarios: [] }),
    ]);
    expect(Object.keys(JSON.parse(readFileSync(path.join(root, KILLERS_FILE), 'utf8')))).to.deep.equal(['a', 'b']);
    expect([...lastKillers(root)]).to.deep.equal([
      ['a', { killer: 'killer of a', ms: 1000 }],
      ['b', { killer: 'killer of b', ms: 2000 }],
    ]);
  });

  it("lets the last local check's report override the kept file, and adds what only the report knows", () => {
    mkdirSync(path.join(root, 'reports'), { recursive: true });
    const report = { results: [result('b', { ms: 7000, scenarios: [{ name: 'another', message: '' }] }), result('c', {})] };
    writeFileSync(path.join(root, 'reports', 'mutants.json'), JSON.stringify(report));
    expect(Object.fromEntries(lastKillers(root))).to.deep.equal({
      a: { killer: 'killer of a', ms: 1000 },
      b: { killer: 'another', ms: 7000 },
      c: { killer: 'killer of c', ms: 1000 },
    });
  });
});
