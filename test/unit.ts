/**
 * `npm run test:unit`: every unit test file (test/**\/*.test.ts, in path order) in this one Node process, where
 * `node --test` given the files would start one process for each, loading ts-node and the support code 62 times.
 * Measured 2026-12-07 on 2 cores, alone: 49 s and 37 s of CPU against 69 s and about 54 s; in CI the unit tests share
 * the cores with the real engine's build, so the CPU is what counts. Each file is a suite of its own with the limit a
 * file had when it ran alone (60 s; `--test-timeout` would now bound the whole run: it timed out in CI at 60 s).
 * Each file still runs alone: `node --require ts-node/register --test test/<path>.test.ts`.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe } from 'node:test';
import { reapAll, reapOrphans } from '../support/processes/reaper';
import { onStopSignal, STOP_SIGNALS } from '../support/processes/stop-signals';

// Interrupted (a Ctrl-C, or the TERM `.ci/run` sends to npm test's session), this process takes along what its tests
// started: the stacks and Toxiproxy servers lead process groups of their own, which the signal misses, and so does
// what a runner that a test killed on purpose (SIGKILL) left for the next run to reap. Seen, sent TERM 20 to 35 s in:
// a stack or a Toxiproxy server left running 2 times in 3 without this.
onStopSignal(['SIGINT', 'SIGTERM'], (signal) => {
  reapAll();
  reapOrphans();
  process.exit(STOP_SIGNALS[signal]);
});

const FILE_LIMIT_MS = 60_000;
const files = readdirSync(__dirname, { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.test.ts'))
  .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
for (const file of files) describe(`test/${file}`, { timeout: FILE_LIMIT_MS }, () => require(path.join(__dirname, file)));
