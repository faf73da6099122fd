import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { expect } from 'chai';
import { loadRequirements } from '../../support/report/requirements';
import { readScenarios } from '../../support/report/tag-lint';
import { MUTANTS } from '../../scripts/mutants/catalogue';

const ROOT = path.resolve(__dirname, '..', '..');

// A change to the stack can move the text a mutant changes: the check then reports the mutant invalid, found only by
// a full `npm run mutants` (engine-gpu-unchecked was, after bd4810b changed the line it names). Checked here instead,
// in every `npm test`.
describe('the mutation catalogue', () => {
  it("finds each mutant's text exactly once in its file of the current stack", () => {
    const problems = MUTANTS.flatMap((m) => {
      const count = readFileSync(path.join(ROOT, m.file), 'utf8').split(m.find).length - 1;
      return count === 1 ? [] : [`${m.id}: its text occurs ${count} times in ${m.file}, not once`];
    });
    expect(problems).to.deep.equal([]);
  });

  it('names each mutant once, by a requirement that some scenario is tagged with', () => {
    const ids = MUTANTS.map((m) => m.id);
    expect(
      ids.filter((id, k) => ids.indexOf(id) !== k),
      'ids named twice',
    ).to.deep.equal([]);
    const known = new Set(loadRequirements(path.join(ROOT, 'features', 'requirements.yaml')).map((r) => r.id));
    const tagged = new Set(readScenarios(path.join(ROOT, 'features')).flatMap((s) => s.tags));
    const problems = MUTANTS.flatMap((m) => [
      ...(known.has(m.requirement) ? [] : [`${m.id}: requirement ${m.requirement} is not in features/requirements.yaml`]),
      ...(tagged.has(`@${m.requirement}`) ? [] : [`${m.id}: no scenario is tagged @${m.requirement}`]),
    ]);
    expect(problems).to.deep.equal([]);
  });
});
