import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readFileSync } from 'node:fs';
import { getText, probe } from '../common/http-get';
import type { PoolConfig } from './config';

/**
 * Names why an engine exited, from its exit code, signal, the end of its log and whether the kernel's OOM killer
 * killed it (ORCH-3039: a host OOM kill is told apart from a VRAM out-of-memory, which llama.cpp reports in its log,
 * and from any other SIGKILL).
 */
export function classifyExit(code: number | null, signal: NodeJS.Signals | null, logTail: string, oomKilled = false): string {
  if (oomKilled && signal === 'SIGKILL') return 'oom_host: killed by the kernel OOM killer (host memory limit)';
  if (/CUDA error: out of memory|cudaMalloc failed|failed to allocate .*buffer/i.test(logTail))
    return 'oom_vram: the engine ran out of GPU memory';
  if (/fallen off the bus|device lost/i.test(logTail)) return 'gpu_lost: the GPU disappeared under the engine';
  // ORCH-3053: an uncorrectable ECC error is a fault of the GPU's memory, not of the driver: surfaced on its own.
  if (/uncorrectable ECC error|cudaErrorECCUncorrectable/i.test(logTail)) return 'ecc_error: uncorrectable ECC error in engine log';
  if (/CUDA error|cudaErrorLaunchFailure|driver reset/i.test(logTail)) return 'driver_reset: CUDA error in engine log';
  if (/no CUDA-capable device/i.test(logTail)) return 'no_gpu: no CUDA-capable device is detected';
  if (signal) return `killed by ${signal}`;
  return `exited with code ${code}`;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A zombie still answers kill(0); it is dead for our purposes.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/**
 * Waits until the engine on `port` generates nothing (`GET /slots`: no slot `is_processing`, as llama-server and the
 * mock report it), twice in a row 50 ms apart so that a dispatch sent just before the orchestrator saw the replica
 * leave rotation is seen too; false when `withinMs` passes first (or the engine cannot say).
 */
export async function engineIdle(port: number, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  let idleSeen = 0;
  while (Date.now() < deadline) {
    try {
      const slots = JSON.parse(await getText(`http://127.0.0.1:${port}/slots`, 1000)) as { is_processing?: boolean }[];
      idleSeen = Array.isArray(slots) && slots.every((x) => !x.is_processing) ? idleSeen + 1 : 0;
    } catch {
      idleSeen = 0;
    }
    if (idleSeen >= 2) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

export function healthOk(port: number): Promise<boolean> {
  return probe(`http://127.0.0.1:${port}/health`, 1000);
}

/** The engine's own build (`build_info` of its `/props`, as llama-server answers it), or undefined when it says none. */
export async function engineVersion(port: number): Promise<string | undefined> {
  try {
    const info = (JSON.parse(await getText(`http://127.0.0.1:${port}/props`, 1000)) as { build_info?: unknown }).build_info;
    return typeof info === 'string' && info ? info : undefined;
  } catch {
    return undefined;
  }
}

export function sleepMs(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** SIGTERM to `pid`, then SIGKILL once `graceMs` has passed; resolves once it is gone, true when it had to be killed. */
export async function terminate(pid: number, graceMs: number): Promise<boolean> {
  const send = (signal: NodeJS.Signals): void => {
    try {
      process.kill(pid, signal);
    } catch {
      /* already gone */
    }
  };
  send('SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await sleepMs(20);
  if (!isAlive(pid)) return false;
  send('SIGKILL');
  while (isAlive(pid)) await sleepMs(10);
  return true;
}

/** The kernel's count of OOM kills: the engine's memory cgroup's when known, else the whole host's (/proc/vmstat). */
export function oomKills(memoryCgroupDir?: string): number {
  try {
    const text = memoryCgroupDir ? readFileSync(`${memoryCgroupDir}/memory.oom_control`, 'utf8') : readFileSync('/proc/vmstat', 'utf8');
    const line = text.split('\n').find((l) => l.startsWith('oom_kill '));
    return line ? Number(line.split(' ')[1]) : 0;
  } catch {
    return 0;
  }
}

/** The memory cgroup (v1) directory a live process is in, or undefined (no v1 memory controller, or gone). */
export function memoryCgroupOf(pid: number): string | undefined {
  try {
    const line = readFileSync(`/proc/${pid}/cgroup`, 'utf8')
      .split('\n')
      .find((l) => /^\d+:memory:/.test(l));
    return line ? `/sys/fs/cgroup/memory${line.split(':')[2]}` : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Tells whether the kernel's OOM killer killed an engine, from the OOM-kill counts of the memory cgroup it was last
 * seen in and of the host, against their values when it was first seen there (another process's OOM kill on the
 * host in that window could be mistaken for it; its own group's count cannot).
 */
export class OomWatch {
  private cgroup?: string;
  private cgroupKills = 0;
  private hostKills = 0;

  /** At spawn: a fresh watch, with the host's count as the baseline. */
  spawned(pid: number | undefined): void {
    this.cgroup = undefined;
    this.hostKills = oomKills();
    this.note(pid);
  }

  /**
   * While the engine lives: notes the memory cgroup it is in now. The baseline is taken only when it is first seen in
   * a group, never refreshed after, so an OOM kill counted just before its exit event arrives is not missed.
   */
  note(pid: number | undefined): void {
    const cgroup = pid === undefined ? undefined : memoryCgroupOf(pid);
    if (cgroup === undefined || cgroup === this.cgroup) return;
    this.cgroup = cgroup;
    this.cgroupKills = oomKills(cgroup);
  }

  /** At exit: did the kernel's OOM killer kill it (its group's count rose, or else the host's)? */
  killed(): boolean {
    if (this.cgroup !== undefined && oomKills(this.cgroup) > this.cgroupKills) return true;
    return oomKills() > this.hostKills;
  }
}

/** The last 4 KiB an engine wrote to its log since `offset` (this run of it only). */
export function readLogTail(file: string, offset: number): string {
  try {
    return readFileSync(file).subarray(offset).toString('utf8').slice(-4096);
  } catch {
    return '';
  }
}

const execFileAsync = promisify(execFile);
const gpuEnginesSeen = new Set<string>();

/**
 * ORCH-1102 from the engine's side: a GPU pool's engine must itself see GPUs, or it would run on the CPU while the pool
 * says GPU (a llama.cpp CPU build does just that). Asks the engine binary, as llama-server answers it
 * (`--list-devices`: `Available devices:` then one line per device, `(none)` without any). Returns the problem, or
 * undefined when it sees at least as many devices as the pool uses; a positive answer is kept for the process's life
 * (the binary does not change; a GPU that vanishes later is the device probe's to see). An abort (the pool stops) kills
 * the listing and settles only once its process is gone, so that a stopped pool manager leaves no process behind.
 */
export async function engineGpuProblem(pool: PoolConfig, signal: AbortSignal): Promise<string | undefined> {
  if (pool.devices === 'cpu' || pool.devices.length === 0) return undefined;
  const [command, ...argv] = pool.engine_command;
  const key = JSON.stringify(pool.engine_command);
  if (gpuEnginesSeen.has(key)) return undefined;
  let listing: string;
  const run = execFileAsync(command, [...argv, '--list-devices'], {
    env: { ...process.env, ...pool.engine_env },
    timeout: 10_000,
    encoding: 'utf8',
    signal,
    killSignal: 'SIGKILL',
  });
  // execFile settles on an abort as soon as it has sent the kill, before the process is gone: a stop awaits its close.
  const closed = new Promise<void>((resolve) => run.child.once('close', () => resolve()));
  try {
    const out = await run;
    listing = `${out.stdout}\n${out.stderr}`;
  } catch (err) {
    if (signal.aborted) await closed;
    return `the engine could not list its devices (${(err as Error).message.split('\n')[0]}); no CPU fallback`;
  }
  const after = listing.slice(listing.indexOf('Available devices:') + 'Available devices:'.length);
  const seen = after
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && l !== '(none)' && /^\w+\d+:/.test(l));
  if (!listing.includes('Available devices:') || seen.length < Math.max(...pool.devices) + 1)
    return `the engine sees ${seen.length} GPU device(s) [${seen.join('; ')}] for GPU device(s) ${pool.devices.join(',')}: a CPU build cannot serve a GPU pool; no CPU fallback (ORCH-1102)`;
  gpuEnginesSeen.add(key);
  return undefined;
}
