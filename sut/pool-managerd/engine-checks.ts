import { readFileSync } from 'node:fs';

/** Names why an engine exited, from its exit code, signal and the end of its log. */
export function classifyExit(code: number | null, signal: NodeJS.Signals | null, logTail: string): string {
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
