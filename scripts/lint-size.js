#!/usr/bin/env node
// Fails when a source file of the suite or the stack is over the style's 300-line cap (reference/style.md B1:
// split it along its seams before it grows). Generated and data files are not counted.
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');

const LIMIT = 300;
const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '*.ts', '*.js'], { encoding: 'utf8' })
  .split('\n')
  .filter((f) => f && fs.existsSync(f));
const over = files.map((f) => [f, fs.readFileSync(f, 'utf8').split('\n').length - 1]).filter(([, n]) => n > LIMIT);
for (const [f, n] of over) console.error(`size lint: ${f} has ${n} lines, over the ${LIMIT}-line cap: split it along its seams`);
console.log(`size lint: ${files.length} files, ${over.length} over ${LIMIT} lines`);
process.exit(over.length ? 1 : 0);
