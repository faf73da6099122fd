import { type GpuDevice, probeGpus } from '../common/gpu';

const MiB = 2 ** 20;

/** What a re-estimate of a replica's slots saw and decided, for its log line. */
export interface Reestimate {
  slots_before: number;
  slots_after: number;
  slot_bytes: number | null;
  device_free_bytes: number | null;
}

/**
 * A replica's slots (`--parallel` of its engine, and its share of the pool's capacity), re-estimated after its engine
 * ran out of GPU memory (ORCH-3039): the allocation that failed, in llama.cpp's words ("allocating N MiB on device D:
 * cudaMalloc failed: out of memory"), sizes what one more slot needs; the slots that fit are the device's free memory
 * (its size less what other processes hold, now that the engine is gone) over that size, at least 1 and fewer than
 * before. Without the allocation's size or the device's memory, one slot fewer. A host OOM kill does not come here.
 * The replica keeps the count it was given from then on, across restarts of the pool manager (its supervision memory):
 * memory the other process frees later does not raise it again.
 */
export class ReplicaCapacity {
  constructor(public slots: number) {}

  afterVramOom(logTail: string, devices: GpuDevice[] = probeGpus()): Reestimate {
    const before = this.slots;
    const failed = /allocating ([\d.]+) MiB on device (\d+): cudaMalloc failed: out of memory/.exec(logTail);
    const slotBytes = failed ? Number(failed[1]) * MiB : undefined;
    const device = failed ? devices.find((d) => d.index === Number(failed[2])) : undefined;
    const free = device ? device.memoryBytes - (device.usedBytes ?? 0) : undefined;
    const fit = slotBytes && free !== undefined ? Math.floor(free / slotBytes) : before - 1;
    this.slots = Math.max(1, Math.min(before - 1, fit));
    return { slots_before: before, slots_after: this.slots, slot_bytes: slotBytes ?? null, device_free_bytes: free ?? null };
  }
}
