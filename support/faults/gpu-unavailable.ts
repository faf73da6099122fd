import { declareKind } from './kind';
import { writeFileSync } from 'node:fs';
import { InvalidFaultSpec } from '../core/errors';
import type { Evidence, Fault, HealVerified } from './fault';
import type { ExploreForms } from './explore-form';
import { inventoryDevices, originalInventory } from './gpu-inventory-file';

/**
 * The GPU vanishes: the device inventory the target's GPU probe reads lists no device any more (on machines without
 * `nvidia-smi`, the reference stack probes that file; a real deployment maps the fault to its own mechanism in the
 * target profile). Engines that probe again, or start, find no CUDA device. Heal restores the inventory as it was.
 * Proven by the inventory listing no device.
 */
export class GpuUnavailableFault implements Fault, HealVerified {
  readonly kind = 'gpu.unavailable' as const;
  private original?: string;

  constructor(private readonly inventoryFile: string) {
    if (!inventoryFile) throw new InvalidFaultSpec('a gpu.unavailable fault needs the device inventory file');
  }

  describe(): string {
    return `every GPU device gone (inventory ${this.inventoryFile} emptied)`;
  }

  async inject(): Promise<void> {
    this.original = originalInventory(this.inventoryFile, this.original);
    writeFileSync(this.inventoryFile, JSON.stringify({ devices: [] }));
  }

  async verify(): Promise<Evidence> {
    const devices = listed(this.inventoryFile);
    return {
      verdict: devices === 0 ? 'confirmed' : 'mismatch',
      observed: {
        inventory: this.inventoryFile,
        devices_listed: devices,
        devices_before: this.original === undefined ? null : listed(this.inventoryFile, this.original),
      },
    };
  }

  async heal(): Promise<void> {
    if (this.original === undefined) return;
    writeFileSync(this.inventoryFile, this.original);
  }

  /** After the heal the inventory lists as many devices as before the fault. */
  async verifyHealed(): Promise<Evidence> {
    if (this.original === undefined) return { verdict: 'confirmed', observed: { reason: 'never injected: nothing to restore' } };
    const now = listed(this.inventoryFile);
    const before = listed(this.inventoryFile, this.original);
    return {
      verdict: now === before ? 'confirmed' : 'mismatch',
      observed: { inventory: this.inventoryFile, devices_listed: now, devices_before: before },
    };
  }
}

/** How many devices the inventory lists (its file's, or `text`), or why it lists none that can be read. */
function listed(file: string, text?: string): number | string {
  const devices = inventoryDevices(file, text);
  return typeof devices === 'string' ? devices : devices.length;
}

/** The explorer's form: every GPU gone until it comes back; the engines cannot run meanwhile. */
export const GPU_FORMS = {
  'gpu-gone': {
    place: 'gpu',
    inject: () => 'the GPU vanishes',
    heal: () => 'the GPU comes back',
    needs: ['gpu-inventory'],
    // No engine runs while it lasts, so nothing crosses a replica's link either: a link fault could neither be proven
    // applied nor healed then (found by the explorer, seed 11: a cut healed while the GPUs were gone).
    blocks: ['engine', 'link'],
  },
} satisfies ExploreForms;

/** What a target offers the GPU faults: a device inventory its GPU probe reads (the `gpu-inventory` capability). */
export const GPU_INVENTORY = 'the GPU probe reads a device inventory the suite can empty (faults.gpu.unavailable)';

/** The kind, declared once (support/faults/kind.ts): the registry, the tags, the checker and the explorer read it. */
export const GPU_UNAVAILABLE = declareKind(
  {
    kind: 'gpu.unavailable',
    meaning: 'every GPU device gone: the device probe finds none',
    file: __filename,
    errors: ['WORKER_RESET', 'POOL_UNAVAILABLE', 'POOL_UNREADY'],
    needs: { 'gpu-inventory': GPU_INVENTORY },
    mechanism: 'gpu-inventory',
    explore: GPU_FORMS,
  },
  GpuUnavailableFault,
);
