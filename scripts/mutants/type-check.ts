import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';

/**
 * Type-checks every mutated stack in one compiler run (a mutant that does not compile is invalid, not killed): one
 * program over all copies loads the libraries once, where a run per mutant paid about 4 s of CPU each. `dir` holds one
 * copy per mutant, `<dir>/<id>/sut/`; the compiler options are the project's own (`tsconfig.json` at `root`).
 * Returns the errors by mutant id. It takes one core for a while (for 58 mutants, 27 s of CPU), so `npm run mutants`
 * runs it as one job of the machine, beside the first mutants' runs.
 */
export async function typeCheckMutants(root: string, dir: string, ids: string[]): Promise<Map<string, string>> {
  const base = JSON.parse(readFileSync(path.join(root, 'tsconfig.json'), 'utf8')) as { compilerOptions: Record<string, unknown> };
  const config = {
    compilerOptions: { ...base.compilerOptions, rootDir: '.', noEmit: true },
    include: ids.map((id) => `${id}/sut/**/*.ts`),
    exclude: ['**/*.test.ts'],
  };
  const file = path.join(dir, 'tsconfig.json');
  writeFileSync(file, JSON.stringify(config));
  // The project's own compiler, run by node (npx cost about 0.4 s of CPU more to find it).
  const check = await execa(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', file], { cwd: root, reject: false });
  const errors = new Map<string, string>();
  const stray: string[] = [];
  for (const line of `${check.stdout}${check.stderr}`.split('\n')) {
    const id = ids.find((i) => line.includes(`${i}/sut/`));
    if (id) errors.set(id, `${errors.get(id) ?? ''}${line}\n`);
    else if (/error TS\d+/.test(line)) stray.push(line);
  }
  // An error in none of the mutants' files (an option tsc does not know) is the check's own failure: a mutant's
  // errors beside it used to hide it.
  if (stray.length > 0 || (check.exitCode !== 0 && errors.size === 0))
    throw new Error(`the mutants' type-check failed outside any mutant:\n${stray.join('\n') || `${check.stdout}${check.stderr}`}`);
  return errors;
}
