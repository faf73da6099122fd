import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, it } from 'node:test';
import { expect } from 'chai';

const LAUNCHER = path.join(__dirname, '..', '..', 'scripts', 'llamacpp-cc-launcher.sh');

/** The command line the launcher runs for a compile of `source` at -O2 (`echo` stands for the compiler). */
function compiled(source: string): string {
  return execFileSync('sh', [LAUNCHER, 'echo', '-DNDEBUG', '-O2', '-o', 'x.o', '-c', source], { encoding: 'utf8' }).trim();
}

describe("the llama-server build's compiler launcher", () => {
  const src = '/b/vendor/llama.cpp';
  const build = '/b/.tools/build/llama-server';

  it('compiles the sources no token goes through at -O0, their unity files too', () => {
    for (const source of [
      `${src}/common/arg.cpp`,
      `${src}/tools/server/server-context.cpp`,
      `${src}/vendor/cpp-httplib/httplib.cpp`,
      `${build}/common/CMakeFiles/llama-common.dir/Unity/unity_0_cxx.cxx`,
      `${build}/tools/server/CMakeFiles/server-context.dir/Unity/unity_1_cxx.cxx`,
      `${build}/tools/server/CMakeFiles/llama-server-impl.dir/Unity/unity_0_cxx.cxx`,
      `${build}/tools/mtmd/CMakeFiles/mtmd.dir/Unity/unity_0_cxx.cxx`,
    ])
      expect(compiled(source), source).to.equal(`-DNDEBUG -O0 -o x.o -c ${source}`);
  });

  it("compiles llama's src/ at -O1, its unity files too", () => {
    for (const source of [
      `${src}/src/llama-model.cpp`,
      `${build}/src/CMakeFiles/llama.dir/Unity/unity_core_0_cxx.cxx`,
      `${build}/src/CMakeFiles/llama.dir/Unity/unity_models_1_cxx.cxx`,
    ])
      expect(compiled(source), source).to.equal(`-DNDEBUG -O1 -o x.o -c ${source}`);
  });

  it('keeps -O2 for ggml, whose kernels do the arithmetic of the tokens', () => {
    for (const source of [`${src}/ggml/src/ggml-cpu/ops.cpp`, `${src}/ggml/src/ggml.c`, `${build}/ggml/src/CMakeFiles/ggml-cpu.dir/x.cpp`])
      expect(compiled(source), source).to.equal(`-DNDEBUG -O2 -o x.o -c ${source}`);
  });
});
