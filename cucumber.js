// Cucumber profiles: `default` runs every scenario, `ci` the same with summary output, `smoke` the @smoke ones,
// `lint` a dry run that fails on an undefined or ambiguous step.
// Every run writes reports/cucumber.html, messages.ndjson, junit.xml and traceability.html (+ .json).
// The target is the profile named by CHAOS_PROFILE (default: profiles/reference.json, the embedded reference stack).
'use strict';

// Type-checking is `npm run typecheck`'s job; at run time ts-node only transpiles (much faster start-up).
process.env.TS_NODE_TRANSPILE_ONLY ??= 'true';

// CHAOS_REPORTS_DIR moves every report (and the scenarios' folders) elsewhere, e.g. for a run beside another.
const dir = process.env.CHAOS_REPORTS_DIR || 'reports';
const reports = [
  ['html', `${dir}/cucumber.html`],
  ['message', `${dir}/messages.ndjson`],
  ['junit', `${dir}/junit.xml`],
  ['./support/cucumber/traceability-formatter.js', `${dir}/traceability.html`],
];

const profileFile = process.env.CHAOS_PROFILE || 'profiles/reference.json';

const common = {
  requireModule: ['ts-node/register'],
  // The support code Cucumber loads: the World, hooks and parameter types (other files there are imported by them).
  require: ['support/cucumber/world.ts', 'support/cucumber/hooks.ts', 'support/cucumber/parameter-types.ts', 'steps/**/*.ts'],
  format: ['progress', ...reports],
  formatOptions: { junit: { suiteName: 'llama-orch chaos' } },
  worldParameters: { profile: profileFile },
};

// One worker runs in this process (cucumber's `parallel: 0`): `parallel: 1` would start a worker process that loads
// the support code a second time, about 1.3 s per run (measured: a one-scenario run took 4.8 s, now 3.4 s), paid by
// every run of the mutation check and by the real-engine profile's serial run.
const maxWorkers = declaredMaxWorkers(profileFile);
const workers = Number(process.env.CHAOS_WORKERS ?? Math.min(2, maxWorkers ?? 2));
if (maxWorkers !== undefined && workers > maxWorkers)
  console.error(`[chaos] CHAOS_WORKERS=${workers}: more workers than ${profileFile} bears (maxWorkers ${maxWorkers}; its notes say why)`);

/**
 * The most workers a profile says its target bears (`maxWorkers`: the real engines use the cores themselves), or none.
 * A profile that cannot be read, or a `maxWorkers` that is no positive integer, is left to the run's profile loader,
 * which stops the run naming the file and the field (support/stack/profile.ts).
 */
function declaredMaxWorkers(file) {
  try {
    const max = JSON.parse(require('node:fs').readFileSync(file, 'utf8')).maxWorkers;
    return Number.isInteger(max) && max > 0 ? max : undefined;
  } catch {
    return undefined;
  }
}

module.exports = {
  default: common,
  // Two workers: every run exercises the isolation between workers. More do not pay on 2 cores (2026-12-06, 73
  // scenarios, one run each): 2 workers 125 s, 3 workers 112 s, 4 workers 129 s with a scenario failed (each stack
  // polls its engines, and the starts share the cores). Again 2026-12-07: 3 workers 98 s against 109 s alone, but
  // `npm run stress -- --parallel 3` passed 1 run of 3 (3 scenarios failed, one on a wait at 100 % of its limit),
  // where 2 workers pass 3 of 3. A profile's `maxWorkers` lowers the default (the real-engine profile's is 1: its
  // engines use the cores themselves); CHAOS_WORKERS overrides both.
  ci: { ...common, format: ['summary', ...reports], retry: 0, parallel: workers === 1 ? 0 : workers },
  smoke: { ...common, tags: '@smoke' },
  // `npm run lint:steps`: every step defined exactly once, no report written.
  lint: { ...common, dryRun: true, format: ['summary'] },
};
