#!/usr/bin/env node
// Installs the real Shopify toxiproxy-server into .tools/bin (git-ignored), once.
// Skipped when TOXIPROXY_URL names a running server or toxiproxy-server is already on PATH.
'use strict';
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const { MODULE, root, binDir, target, HINT } = require('../support/stack/toxiproxy-binary.js');

function onPath(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).status === 0;
}

function main() {
  if (process.env.TOXIPROXY_URL) {
    console.log(`[toxiproxy] TOXIPROXY_URL=${process.env.TOXIPROXY_URL}: using that server, nothing to install`);
    return;
  }
  if (fs.existsSync(target)) {
    console.log(`[toxiproxy] already installed: ${path.relative(root, target)}`);
    return;
  }
  if (onPath('toxiproxy-server')) {
    console.log('[toxiproxy] toxiproxy-server found on PATH: nothing to install');
    return;
  }
  if (!onPath('go')) {
    console.warn(`[toxiproxy] WARNING: no Go toolchain: ${HINT}`);
    return;
  }
  fs.mkdirSync(binDir, { recursive: true });
  console.log(`[toxiproxy] go install ${MODULE} → ${path.relative(root, binDir)}`);
  try {
    // Only the server, no cgo, no debug symbols or build paths: the smallest honest build (npm ci's time, measured).
    execFileSync('go', ['install', '-trimpath', '-ldflags=-s -w', MODULE], {
      stdio: 'inherit',
      env: { ...process.env, GOBIN: binDir, CGO_ENABLED: '0' },
    });
  } catch (err) {
    console.warn(`[toxiproxy] WARNING: go install ${MODULE} failed (${err.message}); ${HINT}`);
    return;
  }
  // The module's binary is named after its folder, cmd/server.
  fs.renameSync(path.join(binDir, 'server'), target);
  console.log(`[toxiproxy] installed ${path.relative(root, target)}`);
}

main();
