/**
 * Tag lint: every scenario carries at least one requirement ID from features/requirements.yaml and exactly one known
 * `@fault:<kind>`; other tags must be known markers. Exits 1 on any error; lists the requirement IDs no scenario covers.
 */
import path from 'node:path';
import { loadRequirements } from '../support/report/requirements';
import { lintTags, readScenarios } from '../support/report/tag-lint';

const root = path.resolve(__dirname, '..');
try {
  const requirements = loadRequirements(path.join(root, 'features', 'requirements.yaml'));
  const result = lintTags(readScenarios(path.join(root, 'features')), requirements);
  for (const e of result.errors) console.error(`tag lint: ${e}`);
  console.log(
    `tag lint: ${result.scenarios} scenarios, ${requirements.length} requirements, ${requirements.length - result.uncovered.length} covered`,
  );
  if (result.uncovered.length) console.log(`tag lint: not covered by any scenario yet: ${result.uncovered.join(', ')}`);
  process.exit(result.errors.length ? 1 : 0);
} catch (err) {
  console.error(`tag lint: ${(err as Error).message}`);
  process.exit(1);
}
