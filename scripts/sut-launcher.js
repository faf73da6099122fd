'use strict';
/**
 * The start file of one reference-stack daemon (scripts/build-sut.js copies it to dist/sut/<daemon>/main.js, beside
 * that daemon's bundle.js). It runs the bundle as Node runs a CommonJS main module, with V8's code cache: the first
 * start of a build compiles the bundle and, once its start-up code has run, writes what V8 compiled to
 * bundle.js.cache; every later start reads it instead of compiling again (measured by `npm run bench`: the stack's
 * start-up phases). V8 checks the cache against the source and rejects a stale one, which is then written anew; a
 * rebuild removes the folder, and with it the cache. Node 20 has no built-in module compile cache (22 has).
 */
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const vm = require('node:vm');

const file = path.join(__dirname, 'bundle.js');
const cacheFile = `${file}.cache`;
let cachedData;
try {
  cachedData = fs.readFileSync(cacheFile);
} catch {
  // No cache yet: this start compiles and writes it.
}
const script = new vm.Script(Module.wrap(fs.readFileSync(file, 'utf8')), { filename: file, cachedData });
const main = new Module(file, null);
main.filename = file;
main.paths = Module._nodeModulePaths(__dirname);
main.loaded = true;
require.main = main;
process.mainModule = main;
const localRequire = (id) => main.require(id);
localRequire.resolve = (request) => Module._resolveFilename(request, main);
localRequire.main = main;
localRequire.cache = Module._cache;
script.runInThisContext().call(main.exports, main.exports, localRequire, main, file, __dirname);

if (cachedData === undefined || script.cachedDataRejected) {
  // Once start-up has run, so that the functions it ran are in the cache too; not at an exit that comes sooner (a
  // device listing), whose cache would hold only the few functions it ran. Written whole or not at all (a rename),
  // by whichever start of the build gets there.
  setTimeout(() => {
    const partial = `${cacheFile}.${process.pid}`;
    try {
      fs.writeFileSync(partial, script.createCachedData());
      fs.renameSync(partial, cacheFile);
    } catch {
      fs.rmSync(partial, { force: true }); // a read-only tree runs uncached, as before
    }
  }, 200).unref();
}
