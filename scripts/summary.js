#!/usr/bin/env node
// Prints the chaos suite's closing line, `N passed, N failed[, N skipped]`, from reports/messages.ndjson: one count
// per scenario (its last attempt). Exits 1 when the file is missing or no scenario ran.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const file = process.argv[2] || path.join(__dirname, '..', 'reports', 'messages.ndjson');
if (!fs.existsSync(file)) {
  console.log('0 passed, 1 failed');
  console.error(`summary: ${file} not found: the chaos suite did not run`);
  process.exit(1);
}
const rank = ['FAILED', 'AMBIGUOUS', 'UNDEFINED', 'PENDING', 'UNKNOWN', 'SKIPPED', 'PASSED'];
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
const passed = values.filter((s) => s === 'PASSED').length;
const skipped = values.filter((s) => s === 'SKIPPED').length;
const failed = values.length - passed - skipped;
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(values.length === 0 ? 1 : 0);
