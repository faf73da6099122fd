import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { expect } from 'chai';
import { typeCheckMutants } from '../../scripts/mutants/type-check';
import { tempDir } from '../temp-dir';

const ROOT = path.resolve(__dirname, '..', '..');

describe("the mutants' type-check", () => {
  /**
   * Mutated copies of a one-file stack, in the repository's .mutants/ as `npm run mutants` makes them (where the
   * project's type packages are found; git and the lint ignore it).
   */
  function copies(sources: Record<string, string>): string {
    const dir = path.join(ROOT, '.mutants', `unit-test-${process.pid}`);
    for (const [id, text] of Object.entries(sources)) {
      mkdirSync(path.join(dir, id, 'sut'), { recursive: true });
      writeFileSync(path.join(dir, id, 'sut', 'stack.ts'), text);
    }
    return dir;
  }

  it("reports a mutant that does not compile, with the project's compiler options, and only that one", async () => {
    const dir = copies({
      compiles: "import { readFileSync } from 'node:fs';\nexport const size: number = readFileSync('x').length;\n",
      broken: "export const size: number = 'not a number';\n",
    });
    try {
      const errors = await typeCheckMutants(ROOT, dir, ['compiles', 'broken']);
      expect([...errors.keys()]).to.deep.equal(['broken']);
      expect(errors.get('broken')).to.match(/TS2322/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the mutants' type-check, its own failure", () => {
  it('stops on an error in none of the mutants files, even beside a mutant that does not compile', async () => {
    // A project of its own, with an option tsc does not know: tsc reports it against the check's own config,
    // type-checks on, and the mutant's own error must not hide it. (No DOM and no type packages: the file needs none.)
    const project = tempDir('mutants-type-check-');
    const dir = path.join(project, '.mutants');
    mkdirSync(path.join(dir, 'broken', 'sut'), { recursive: true });
    writeFileSync(
      path.join(project, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { strict: true, lib: ['es2022'], types: [], noSuchOption: true } }),
    );
    writeFileSync(path.join(dir, 'broken', 'sut', 'stack.ts'), "export const size: number = 'not a number';\n");
    try {
      const outcome = await typeCheckMutants(project, dir, ['broken']).then(
        (errors) => `returned ${[...errors.keys()].join(', ')}`,
        (err: Error) => err.message,
      );
      expect(outcome)
        .to.match(/outside any mutant/)
        .and.to.match(/noSuchOption/);
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });
});
