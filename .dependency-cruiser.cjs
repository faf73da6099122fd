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
      comment:
        'support/faults/ (one file per fault kind) and support/processes/ import no step, World, report, stack, load, check, ' +
        'observer or history code: they are handed targets. Sequences of faults live in support/faults/sequences/.',
      from: { path: '^support/(faults|processes)/', pathNot: '^support/faults/sequences/' },
      to: { path: '^(steps/|support/(cucumber|report|stack|observe|load|checks|history)/)' },
    },
    {
      name: 'fault-sequences-judge-nothing',
      severity: 'error',
      comment:
        'A fault sequence (a rolling kill, a crash loop) applies faults through the ledger and waits on probes: it imports ' +
        'no check, no load and no step or World code.',
      from: { path: '^support/faults/sequences/' },
      to: { path: '^(steps/|support/(cucumber|report|checks|load)/)' },
    },
    {
      name: 'load-judges-nothing',
      severity: 'error',
      comment:
        'support/load/ is what a client does: it records into the history and may wait on probes, but imports no check, ' +
        'no fault and no step or World code.',
      from: { path: '^support/load/' },
      to: { path: '^(steps/|support/(cucumber|report|checks|faults)/)' },
    },
    {
      name: 'checks-judge-the-record-alone',
      severity: 'error',
      comment:
        'support/checks/ judges the recorded history and evidence: pure functions that import no fault, load, stack, ' +
        'observer, process or Cucumber code (only support/core, support/history and the client types).',
      from: { path: '^support/checks/' },
      to: { path: '^(steps/|support/(faults|load|stack|observe|processes|cucumber|report|explore)/)' },
    },
    {
      name: 'observers-decide-nothing',
      severity: 'error',
      comment:
        'support/observe/ holds probes, waits and measures that record into the history: it may read logs with the ' +
        "checks' evidence readers, but never the verdict, the judge or the allowed-errors table.",
      from: { path: '^support/observe/' },
      to: { path: '^(steps/|support/(cucumber|report|load)/|support/checks/(judge|verdict|allowed-errors)\\.ts$)' },
    },
    {
      name: 'history-is-data',
      severity: 'error',
      comment: 'support/history/ is the record the four rooms meet in: it imports only support/core and the client types.',
      from: { path: '^support/history/' },
      to: { path: '^(steps|scripts|test)/|^support/(?!core/|history/|orchestrator/)' },
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
