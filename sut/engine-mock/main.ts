/**
 * engine-mock: a llama.cpp `llama-server` look-alike (server.ts). `--list-devices` answers as llama-server does and
 * exits, without loading the server: the pool manager runs it beside every staging (ORCH-1102), so it costs no more
 * than a bare process start.
 */
import { envInt } from '../common/env';
import { probeGpus } from '../common/gpu';

// Stands for a build without GPU support: it lists no device (as llama-server's CPU build does).
const cpuBuild = envInt('ENGINE_CPU_BUILD', 0) === 1;

if (process.argv.includes('--list-devices')) {
  // llama-server's own listing: the GPUs this build can use, `(none)` for a CPU build or a machine without one.
  const lines = (cpuBuild ? [] : probeGpus()).map(
    (d) => `  CUDA${d.index}: ${d.name} (${Math.round(d.memoryBytes / 2 ** 20)} MiB, ${Math.round(d.memoryBytes / 2 ** 20)} MiB free)`,
  );
  process.stdout.write(`Available devices:\n${lines.length > 0 ? lines.join('\n') : '  (none)'}\n`);
} else {
  void import('./server');
}
