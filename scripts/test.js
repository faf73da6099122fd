#!/usr/bin/env node
/**
 * `npm test`: everything, in the order of `npm run test:reference` then `npm run test:llamacpp`, with the one long
 * build overlapped: the real engine's build (npm run install:llamacpp, several minutes on 2 cores) starts first, in a
 * session of its own at nice 19, beside the typecheck, the lints, the unit tests and the explorer's short run (where
 * the kernel schedules sessions as groups, autogroup, as on this project's machines, nice only ranks the build's own
 * processes, and the build and the checks share the cores evenly);
 * no suite runs until it has ended, so no timing verdict of a suite shares the cores with it. The typecheck and the
 * lints run beside the unit tests (startStaticChecks). Stops at the first
 * failure (and ends the build), as `&&` would. The build's output goes to reports/install-llamacpp.log.
 *
 *   node scripts/test.js               everything (npm test)
 *   node scripts/test.js --reference   the checks and the suite on the reference profile (npm run test:reference)
 *   node scripts/test.js --llamacpp    the real engine's install and the suite on it (npm run test:llamacpp)
 */
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const buildLog = path.join(root, 'reports', 'install-llamacpp.log');

/** Runs an npm script (or a command) in the foreground; exits the whole run on failure. */
function step(label, cmd, args, env = {}, onFailure = () => {}) {
  const started = Date.now();
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  const took = `${((Date.now() - started) / 1000).toFixed(0)} s`;
  if (r.status !== 0) {
    onFailure();
    console.error(`[test] ${label} failed (exit ${r.status ?? r.signal}) after ${took}`);
    stopBuild();
    process.exit(r.status || 1);
  }
  console.log(`[test] ${label}: ${took}`);
}

let build;
let buildEnded;
let buildStarted;
function startBuild() {
  fs.mkdirSync(path.dirname(buildLog), { recursive: true });
  const out = fs.openSync(buildLog, 'w');
  const started = Date.now();
  buildStarted = started;
  build = spawn('nice', ['-n', '19', 'node', path.join(__dirname, 'install-llamacpp.js')], {
    cwd: root,
    stdio: ['ignore', out, out],
    detached: true, // its own process group, so that a failure elsewhere ends the compilers too
  });
  buildEnded = new Promise((resolve) =>
    build.on('exit', (code, signal) => resolve({ code, signal, seconds: Math.round((Date.now() - started) / 1000) })),
  );
  console.log(`[test] the real engine's build runs beside the checks (nice 19), its output in ${path.relative(root, buildLog)}`);
}

function stopBuild() {
  if (build && build.exitCode === null) {
    try {
      process.kill(-build.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
}

const reference = !process.argv.includes('--llamacpp');
const llamacpp = !process.argv.includes('--reference');
const STATIC_CHECKS = ['typecheck', 'lint', 'lint:tags', 'lint:steps'];

/**
 * Starts the static checks (the typecheck and the lints, which judge no timing), one after the other in a child of
 * their own (this script with --static-checks), beside the unit tests: once the build has ended before the checks,
 * their chain is what the run waits for, and these need no core to themselves. Their output goes to
 * reports/static-checks.log and is printed once they have ended. Returns a function that waits for them and stops the
 * whole run if one failed.
 */
function startStaticChecks() {
  const log = path.join(root, 'reports', 'static-checks.log');
  fs.mkdirSync(path.dirname(log), { recursive: true });
  const out = fs.openSync(log, 'w');
  const child = spawn(process.execPath, [__filename, '--static-checks'], { cwd: root, stdio: ['ignore', out, out] });
  fs.closeSync(out);
  const ended = new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal)));
  process.once('exit', () => child.exitCode === null && child.kill('SIGTERM'));
  return async () => {
    const code = await ended;
    process.stdout.write(fs.readFileSync(log, 'utf8'));
    if (code !== 0) {
      console.error(`[test] the static checks failed (${code}): their output is above`);
      stopBuild();
      process.exit(typeof code === 'number' ? code : 1);
    }
  };
}

async function main() {
  if (process.argv.includes('--static-checks')) {
    for (const s of STATIC_CHECKS) step(s, 'npm', ['run', '-s', s]);
    return;
  }
  process.once('SIGINT', () => {
    stopBuild();
    process.exit(130);
  });
  process.once('SIGTERM', () => {
    stopBuild();
    process.exit(143);
  });
  if (llamacpp) startBuild();
  if (reference) {
    step('browser', 'node', [path.join(__dirname, 'install-browser.js')]);
    const staticChecksEnded = startStaticChecks();
    step('unit tests', 'npm', ['run', '-s', 'test:unit'], {}, failingUnitTests);
    await staticChecksEnded();
    step('explore:short', 'npm', ['run', '-s', 'explore:short']);
  }
  if (llamacpp) {
    await waitForBuild();
    // The unit test of the GPU check against the real llama-server CPU build skips before the build: run it now.
    step('unit tests on the real engine', 'node', ['--require', 'ts-node/register', '--test', 'test/sut/gpu-honesty.test.ts'], {
      TS_NODE_TRANSPILE_ONLY: 'true',
      CHAOS_NEEDS_LLAMA_SERVER: '1',
    });
  }
  if (reference) {
    step('reference suite', 'npx', ['cucumber-js', '-p', 'ci']);
    step('trace:check (reference)', 'npm', ['run', '-s', 'trace:check']);
  }
  if (!llamacpp) return;
  // One scenario at a time: the profile's maxWorkers says so (its engines use the cores themselves).
  step('llamacpp suite', 'npx', ['cucumber-js', '-p', 'ci'], {
    CHAOS_PROFILE: 'profiles/llamacpp.json',
    CHAOS_REPORTS_DIR: 'reports/llamacpp',
  });
  // reports/index.html again, now that the real-engine run is beside it: the one page shows every profile's latest run.
  if (reference) step('front page', 'npm', ['run', '-s', 'report:front']);
  step('trace:check (llamacpp)', 'npm', ['run', '-s', 'trace:check', '--', 'reports/llamacpp/traceability.json']);
}

/** The spec reporter's list of failing tests with their errors, printed last, where a reader of the log's end sees it. */
function failingUnitTests() {
  const file = path.join(root, 'reports', 'unit-tests.txt');
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  const at = text.indexOf('failing tests:');
  if (at < 0) return;
  const lines = text.slice(at).split('\n');
  console.error(
    `[test] ${lines.slice(0, 120).join('\n')}${lines.length > 120 ? `\n… (${lines.length - 120} more lines in ${path.relative(root, file)})` : ''}`,
  );
}

async function waitForBuild() {
  const waitStarted = Date.now();
  const built = await buildEnded;
  const waited = Math.round((Date.now() - waitStarted) / 1000);
  const tail = fs.readFileSync(buildLog, 'utf8').trimEnd().split('\n').slice(-3).join('\n');
  // The steps run synchronously, so an install that ended during them is seen to end only once they have: its end is
  // then told by its log's last write, not by when its exit was seen.
  const lastWrite = Math.round((fs.statSync(buildLog).mtimeMs - buildStarted) / 1000);
  console.log(
    waited > 0
      ? `[test] the real engine's install ended after ${built.seconds} s (waited ${waited} s for it):\n${tail}`
      : `[test] the real engine's install had ended before the checks did (its log last written ${lastWrite} s after it started):\n${tail}`,
  );
  if (built.code !== 0) {
    console.error(`[test] npm run install:llamacpp failed (exit ${built.code ?? built.signal}): see ${path.relative(root, buildLog)}`);
    process.exit(1);
  }
}

main().catch((err) => {
  console.error(`[test] ${err.stack}`);
  stopBuild();
  process.exit(1);
});
