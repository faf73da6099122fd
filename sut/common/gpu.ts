import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** One GPU device as the probe reports it. */
export interface GpuDevice {
  index: number;
  name: string;
  memoryBytes: number;
  /** GPU memory other processes hold (nvidia-smi's memory.used beside ours); an inventory may leave it out (none). */
  usedBytes?: number;
}

/**
 * Lists GPU devices: from the inventory file named by `LLORCH_GPU_INVENTORY` when set (CPU-only machines and tests),
 * else from `nvidia-smi`; an empty list means "no CUDA-capable device" (ORCH-1102: no CPU fallback).
 */
export function probeGpus(): GpuDevice[] {
  const inventory = process.env.LLORCH_GPU_INVENTORY;
  if (inventory) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(inventory, 'utf8'));
    } catch {
      // A missing or unreadable inventory is a vanished device, not a crash.
      return [];
    }
    const devices = (parsed as { devices?: unknown }).devices;
    return Array.isArray(devices) ? (devices as GpuDevice[]) : [];
  }
  try {
    const out = execFileSync('nvidia-smi', ['--query-gpu=index,name,memory.total', '--format=csv,noheader,nounits'], {
      encoding: 'utf8',
      timeout: 5000,
    });
    return out
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [index, name, mib] = line.split(',').map((s) => s.trim());
        return { index: Number(index), name, memoryBytes: Number(mib) * 1024 * 1024 };
      });
  } catch {
    return [];
  }
}
