#!/usr/bin/env node
// Installs Debian's chromium for the report's browser test when it is missing and this machine can (root, apt-get);
// otherwise says why, and the browser test is skipped with that reason. Never downloads a browser build of its own.
'use strict';
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];
if (CANDIDATES.some((p) => fs.existsSync(p))) {
  console.log('[browser] chromium present');
  process.exit(0);
}
const root = process.getuid && process.getuid() === 0;
const apt = spawnSync('sh', ['-c', 'command -v apt-get'], { encoding: 'utf8' }).status === 0;
if (!root || !apt) {
  console.log(
    `[browser] chromium missing and not installable here (${root ? 'no apt-get' : 'not root'}): the report's browser test will be skipped`,
  );
  process.exit(0);
}
try {
  console.log('[browser] apt-get install chromium (Debian package)');
  execFileSync('apt-get', ['update'], { stdio: 'inherit' });
  execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
} catch (err) {
  console.log(`[browser] could not install chromium (${err.message}): the report's browser test will be skipped`);
}
