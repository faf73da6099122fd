/**
 * Step lint: a Cucumber dry run (no stack started) that fails when any step is undefined or ambiguous. Cucumber's own
 * dry run exits 0 in those cases, so support/cucumber/step-lint.ts reads its messages.
 */
import { lintSteps } from '../support/cucumber/step-lint';

lintSteps()
  .then(({ total, problems }) => {
    for (const p of problems) console.error(`step lint: ${p}`);
    console.log(`step lint: ${total} steps, ${problems.length} undefined or ambiguous`);
    process.exit(problems.length ? 1 : 0);
  })
  .catch((err) => {
    console.error(`step lint: ${(err as Error).message}`);
    process.exit(1);
  });
