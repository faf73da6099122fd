/**
 * Step lint: a Cucumber dry run (no stack started) that fails when any step is undefined or ambiguous. Cucumber's own
 * dry run exits 0 in those cases, so this reads its messages.
 */
import { loadConfiguration, runCucumber } from '@cucumber/cucumber/api';

/** Every step of the features defined exactly once, by a Cucumber dry run of profile `lint`: the problems found and the steps counted. */
export async function lintSteps(): Promise<{ total: number; problems: string[] }> {
  const { runConfiguration } = await loadConfiguration({ profiles: ['lint'] });
  const problems: string[] = [];
  const pickles = new Map<string, string>();
  const steps = new Map<string, string>();
  let total = 0;
  await runCucumber(runConfiguration, undefined, (envelope) => {
    if (envelope.pickle) {
      pickles.set(envelope.pickle.id, `${envelope.pickle.uri}: ${envelope.pickle.name}`);
      for (const s of envelope.pickle.steps) steps.set(s.id, s.text);
    }
    if (envelope.testCase) {
      for (const ts of envelope.testCase.testSteps) {
        if (!ts.pickleStepId) continue;
        total++;
        const ids = ts.stepDefinitionIds ?? [];
        const where = `${pickles.get(envelope.testCase.pickleId)}: "${steps.get(ts.pickleStepId)}"`;
        if (ids.length === 0) problems.push(`undefined step in ${where}`);
        if (ids.length > 1) problems.push(`ambiguous step (${ids.length} definitions) in ${where}`);
      }
    }
  });
  return { total, problems };
}
