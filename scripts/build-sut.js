#!/usr/bin/env node
/**
 * Builds the reference stack: one bundled file per daemon (dist/sut/<daemon>/bundle.js), so a daemon starts by parsing
 * one file instead of resolving and reading hundreds of modules, and beside it the daemon's start file main.js
 * (scripts/sut-launcher.js), which runs the bundle with V8's code cache (npm run bench reports the start-up
 * breakdown). better-sqlite3 stays outside the bundle: it loads a native addon. Types are checked by `npm run typecheck`.
 *
 *   node scripts/build-sut.js [SUT_DIR] [OUT_DIR]     defaults: sut dist/sut
 */
const path = require('node:path');
const { copyFileSync, rmSync } = require('node:fs');
const esbuild = require('esbuild');

const root = path.resolve(__dirname, '..');
const sutDir = path.resolve(process.argv[2] ?? path.join(root, 'sut'));
const outDir = path.resolve(process.argv[3] ?? path.join(root, 'dist', 'sut'));
const DAEMONS = ['orchestratord', 'pool-managerd', 'engine-mock'];

rmSync(outDir, { recursive: true, force: true });
esbuild
  .build({
    entryPoints: DAEMONS.map((d) => ({ in: path.join(sutDir, d, 'main.ts'), out: `${d}/bundle` })),
    outdir: outDir,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['better-sqlite3'],
    sourcemap: true,
    logLevel: 'warning',
  })
  .then(() => {
    for (const d of DAEMONS) copyFileSync(path.join(__dirname, 'sut-launcher.js'), path.join(outDir, d, 'main.js'));
  })
  .catch(() => process.exit(1)); // esbuild has already printed what failed and where
