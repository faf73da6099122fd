import { When } from '@cucumber/cucumber';
import type { ChaosWorld } from '../support/cucumber/world';
import { DECLARATIONS } from '../support/faults/registry';
import { faultSite } from '../support/stack/mechanisms';

// The steps every fault kind declares in its own file (support/faults/kind.ts, `steps`): a kind added to the registry
// brings its phrases with it. Cucumber checks a step function's arity against its expression's parameters, so each
// function is given the length of its expression's.
for (const d of DECLARATIONS) {
  for (const step of d.steps ?? []) {
    const arity = (step.phrase.match(/\{[\w ]+\}/g) ?? []).length;
    const run =
      'apply' in step
        ? async function (this: ChaosWorld, ...args: string[]): Promise<void> {
            const { fault, subject } = step.apply(faultSite(this.requireStack()), ...args);
            await this.faults.apply(fault, subject);
          }
        : async function (this: ChaosWorld, ...args: string[]): Promise<void> {
            await this.faults.healSubject(step.heal(...args), d.kind);
          };
    When(step.phrase, Object.defineProperty(run, 'length', { value: arity }));
  }
}
