// The tree's dependency rules (design/ARCHITECTURE.md, reference/style.md B1), checked by `npm run lint:deps`
// (part of `npm test`). Paths are resolved, so a rule cannot be dodged by spelling an import differently.
'use strict';

module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'An import cycle: move what both sides need to a lower level (support/core, support/faults/targets.ts).',
      from: {},
      to: { circular: true },
    },
    {
      name: 'cucumber-only-in-support-cucumber',
      severity: 'error',
      comment:
        'Only support/cucumber/ (World, hooks, parameter types, formatter) and the step definitions import @cucumber/cucumber; ' +
        'everything else in support/ stays unit-testable without Cucumber.',
      from: { pathNot: '^(support/cucumber/|steps/)' },
      to: { path: 'node_modules/@cucumber/cucumber/' },
    },
    {
      name: 'suite-never-imports-the-stack',
      severity: 'error',
      comment: 'The suite talks to its target only over HTTP, signals and the OS: nothing outside sut/ (and its own tests) imports sut/.',
      from: { pathNot: '^(sut/|test/sut/)' },
      to: { path: '^sut/' },
    },
    {
      name: 'stack-never-imports-the-suite',
      severity: 'error',
      comment: 'The reference stack stands alone: sut/ imports nothing of support/, steps/, scripts/ or test/.',
      from: { path: '^sut/' },
      to: { path: '^(support|steps|scripts|test)/' },
    },
    {
      name: 'faults-and-processes-stay-low',
      severity: 'error',
      comment: 'support/faults/ and support/processes/ import no step, World, report, stack or observer code: they are handed targets.',
      from: { path: '^support/(faults|processes)/' },
      to: { path: '^(steps/|support/(cucumber|report|stack|observe)/)' },
    },
    {
      name: 'core-is-the-bottom',
      severity: 'error',
      comment: 'support/core/ (errors, the poll helper, pid probes) depends on nothing else of the suite.',
      from: { path: '^support/core/' },
      to: { path: '^(steps|scripts|test|support/(?!core/))' },
    },
    {
      name: 'support-never-reaches-up',
      severity: 'error',
      comment: 'support/ never imports steps/, scripts/ or test/: what both need lives in support/.',
      from: { path: '^support/' },
      to: { path: '^(steps|scripts|test)/' },
    },
    {
      name: 'steps-delegate',
      severity: 'error',
      comment: 'Step definitions do not call HTTP, processes or Toxiproxy themselves: they delegate to support/.',
      from: { path: '^steps/' },
      to: { path: 'node_modules/(axios|execa|toxiproxy-node-client)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^(dist|reports|\\.tools)/' },
  },
};
