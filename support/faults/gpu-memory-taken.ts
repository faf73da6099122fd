import { readFileSync, writeFileSync } from 'node:fs';
import { InvalidFaultSpec } from '../core/errors';
import type { Evidence, Fault, HealVerified } from './fault';
import { inventoryDevices, originalInventory } from './gpu-inventory-file';
import { GPU_INVENTORY } from './gpu-unavailable';
import { declareKind } from './kind';

const GiB = 2 ** 30;

/**
 * Another process takes GPU memory: the device inventory the target's GPU probe reads (the stand-in for nvidia-smi on
 * machines without it) says the first device has only `leftBytes` free, the rest held by that other process. An engine
 * that needs more for a slot it has not used yet runs out of GPU memory then (ORCH-3039). Heal restores the inventory
 * as it was. Proven by the inventory: the first device listed with exactly `leftBytes` free.
 */
export class GpuMemoryTakenFault implements Fault, HealVerified {
  readonly kind = 'gpu.memory-taken' as const;
  private original?: string;

  constructor(
    private readonly inventoryFile: string,
    private readonly leftBytes: number,
  ) {
    if (!inventoryFile) throw new InvalidFaultSpec('a gpu.memory-taken fault needs the device inventory file');
    if (!(leftBytes >= 0)) throw new InvalidFaultSpec(`a gpu.memory-taken fault needs the memory it leaves free, got ${leftBytes}`);
  }

  describe(): string {
    return `another process holds all but ${this.leftBytes / GiB} GiB of the first GPU (inventory ${this.inventoryFile})`;
  }

  async inject(): Promise<void> {
    this.original = originalInventory(this.inventoryFile, this.original);
    const devices = inventoryDevices(this.inventoryFile, this.original);
    const first = typeof devices === 'string' ? undefined : devices[0];
    if (!first)
      throw new InvalidFaultSpec(
        `GPU inventory ${this.inventoryFile} lists no device whose memory could be taken${typeof devices === 'string' ? ` (${devices})` : ''}`,
      );
    if (first.memoryBytes < this.leftBytes)
      throw new InvalidFaultSpec(
        `GPU ${first.index} has ${first.memoryBytes / GiB} GiB in all: ${this.leftBytes / GiB} GiB cannot be left`,
      );
    const taken = { ...first, usedBytes: first.memoryBytes - this.leftBytes };
    writeFileSync(this.inventoryFile, JSON.stringify({ devices: [taken, ...devices.slice(1)] }, null, 2));
  }

  async verify(): Promise<Evidence> {
    const devices = inventoryDevices(this.inventoryFile);
    const first = typeof devices === 'string' ? devices : (devices[0] ?? 'no device listed');
    const free = typeof first === 'string' ? first : first.memoryBytes - (first.usedBytes ?? 0);
    return {
      verdict: free === this.leftBytes ? 'confirmed' : 'mismatch',
      observed: { inventory: this.inventoryFile, free_bytes: free, expected_free_bytes: this.leftBytes },
    };
  }

  async heal(): Promise<void> {
    if (this.original !== undefined) writeFileSync(this.inventoryFile, this.original);
  }

  /** After the heal the inventory is as it was before the fault. */
  async verifyHealed(): Promise<Evidence> {
    if (this.original === undefined) return { verdict: 'confirmed', observed: { reason: 'never injected: nothing to restore' } };
    const now = readFileSync(this.inventoryFile, 'utf8');
    return {
      verdict: now === this.original ? 'confirmed' : 'mismatch',
      observed: { inventory: this.inventoryFile, restored: now === this.original },
    };
  }
}

const APPLY = "another process takes all but {int} GiB of the GPU's memory";
const HEAL = "the other process frees the GPU's memory";

/** The kind, declared once (support/faults/kind.ts): the registry, the tags, the checker and the explorer read it. */
export const GPU_MEMORY_TAKEN = declareKind(
  {
    kind: 'gpu.memory-taken',
    meaning: 'another process holds most of the GPU memory: an engine that needs more runs out of it',
    file: __filename,
    // The engine dies of it mid-stream (a reset) and is restarted; a pool of one refuses meanwhile.
    errors: ['WORKER_RESET', 'POOL_UNAVAILABLE', 'POOL_UNREADY'],
    needs: {
      'gpu-inventory': GPU_INVENTORY,
      'engine-vram-per-slot':
        "an engine's slots take the GPU memory it is told to (tune engine-vram-per-slot-bytes), and it dies of a failed allocation in llama.cpp's words",
    },
    mechanism: 'gpu-inventory',
    steps: [
      {
        phrase: APPLY,
        apply: (site, gib) => ({ fault: new GpuMemoryTakenFault(site.gpuInventory(), Number(gib) * GiB), subject: 'the GPU' }),
      },
      { phrase: HEAL, heal: () => 'the GPU' },
    ],
    explore: {
      notExplorable:
        'its effect (an engine out of GPU memory) needs tasks on more slots than the memory left holds, which the generic load does not promise',
    },
  },
  GpuMemoryTakenFault,
);
