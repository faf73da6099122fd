// Where the real Shopify toxiproxy-server is installed and how to get one: shared by the install script
// (scripts/install-toxiproxy.js, run by `npm install` before any TypeScript is built, hence plain JS) and by the
// suite (support/stack/toxiproxy.ts).
'use strict';
const path = require('node:path');

const VERSION = 'v2.12.0';
const MODULE = `github.com/Shopify/toxiproxy/v2/cmd/server@${VERSION}`;
const root = path.resolve(__dirname, '..', '..');
const binDir = path.join(root, '.tools', 'bin');
const target = path.join(binDir, 'toxiproxy-server');

/** How to get a server; printed by install and by any scenario that needs one. */
const HINT =
  'no toxiproxy-server available. Get one of these:\n' +
  `  - install Go and run "npm install" (it runs: go install ${MODULE} into .tools/bin),\n` +
  '  - put toxiproxy-server (Shopify Toxiproxy 2.x) on PATH,\n' +
  '  - or set TOXIPROXY_URL to a running Toxiproxy server.';

module.exports = { VERSION, MODULE, root, binDir, target, HINT };
