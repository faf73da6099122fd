import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** One GPU device as the probe reports it. */
export interface GpuDevice {
  index: number;
  name: string;
  memoryBytes: number;
  /**
   * GPU memory in use: nvidia-smi's memory.used (every process's, the pool's other engines' too); in an inventory, what
   * processes other than the engines hold (the reference engines count their own). An inventory may leave it out.
   */
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
    const out = execFileSync('nvidia-smi', ['--query-gpu=index,name,memory.total,memory.used', '--format=csv,noheader,nounits'], {
      encoding: 'utf8',
      timeout: 5000,
    });
    return out
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [index, name, mib, usedMib] = line.split(',').map((s) => s.trim());
        return { index: Number(index), name, memoryBytes: Number(mib) * 1024 * 1024, usedBytes: Number(usedMib) * 1024 * 1024 };
      });
  } catch {
    return [];
  }
}
