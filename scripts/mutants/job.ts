/**
 * One job slot of the mutation check (scripts/mutants/suite-runs.ts starts it with `fork`, on its own port stripe):
 * runs the suite's parts against mutants, one at a time, as the parent asks (support/cucumber/part-runner.ts). Its
 * support code is loaded once, by the first part: a run of its own (`npx cucumber-js`) paid about 1.8 s of process
 * start and loading per part.
 */
import path from 'node:path';
import { type PartAnswer, type PartRequest, PartRunner } from '../../support/cucumber/part-runner';

const runner = new PartRunner(path.resolve(__dirname, '..', '..'));

// The parent gone (the check ended, or was killed), this slot ends too; its runs' own exit hooks reap their stacks.
process.on('disconnect', () => process.exit(0));
process.on('message', (request: PartRequest) => {
  runner.run(request).then(
    (answer) => process.send?.(answer),
    (err: unknown) => process.send?.({ passed: false, error: err instanceof Error ? err.message : String(err) } satisfies PartAnswer),
  );
});
