#!/usr/bin/env node
// Prints the chaos suite's closing line, `N passed, N failed[, N skipped]`, over the runs whose messages are given
// (default: reports/messages.ndjson; .ci/run also passes the llamacpp profile's): one count per scenario and run
// (its last attempt). Exits 1 when a given file is missing or no scenario ran.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const files = process.argv.slice(2).length ? process.argv.slice(2) : [path.join(__dirname, '..', 'reports', 'messages.ndjson')];
const rank = ['FAILED', 'AMBIGUOUS', 'UNDEFINED', 'PENDING', 'UNKNOWN', 'SKIPPED', 'PASSED'];
let passed = 0;
let failed = 0;
let skipped = 0;
let missing = 0;
for (const file of files) {
  if (!fs.existsSync(file)) {
    console.error(`summary: ${file} not found: that chaos suite run did not happen`);
    missing++;
    continue;
  }
  const testCaseToPickle = new Map();
  const startedToPickle = new Map();
  const status = new Map();
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const e = JSON.parse(line);
    if (e.testCase) testCaseToPickle.set(e.testCase.id, e.testCase.pickleId);
    if (e.testCaseStarted) {
      const pickle = testCaseToPickle.get(e.testCaseStarted.testCaseId);
      startedToPickle.set(e.testCaseStarted.id, pickle);
      status.set(pickle, 'PASSED'); // a new attempt replaces the previous one
    }
    if (e.testStepFinished) {
      const pickle = startedToPickle.get(e.testStepFinished.testCaseStartedId);
      const s = e.testStepFinished.testStepResult.status;
      if (rank.indexOf(s) < rank.indexOf(status.get(pickle))) status.set(pickle, s);
    }
  }
  const values = [...status.values()];
  passed += values.filter((s) => s === 'PASSED').length;
  skipped += values.filter((s) => s === 'SKIPPED').length;
  failed += values.filter((s) => s !== 'PASSED' && s !== 'SKIPPED').length;
}
failed += missing;
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(passed + failed + skipped === 0 || missing ? 1 : 0);
