import { readFileSync } from 'node:fs';

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

export async function healthOk(port: number): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(1000) });
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
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
 * Tells whether the kernel's OOM killer killed an engine: `note(pid)` (at spawn and at every health check) records
 * where its memory is accounted and the OOM-kill counts there and on the host; `killed()`, at its exit, says whether
 * either count rose since. The window is one health interval, so another process's OOM kill is rarely mistaken.
 */
export class OomWatch {
  private cgroup?: string;
  private cgroupKills = 0;
  private hostKills = 0;

  note(pid: number | undefined): void {
    this.cgroup = pid === undefined ? undefined : memoryCgroupOf(pid);
    this.cgroupKills = this.cgroup ? oomKills(this.cgroup) : 0;
    this.hostKills = oomKills();
  }

  killed(): boolean {
    return (this.cgroup !== undefined && oomKills(this.cgroup) > this.cgroupKills) || oomKills() > this.hostKills;
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
