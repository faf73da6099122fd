import { declareKind } from './kind';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { InvalidFaultSpec } from '../core/errors';
import type { Evidence, Fault, HealVerified } from './fault';
import type { ExploreForms } from './explore-form';

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
    if (!existsSync(this.inventoryFile)) throw new InvalidFaultSpec(`GPU inventory ${this.inventoryFile} does not exist`);
    this.original ??= readFileSync(this.inventoryFile, 'utf8');
    writeFileSync(this.inventoryFile, JSON.stringify({ devices: [] }));
  }

  async verify(): Promise<Evidence> {
    const devices = listed(this.inventoryFile);
    return {
      verdict: devices === 0 ? 'confirmed' : 'mismatch',
      observed: {
        inventory: this.inventoryFile,
        devices_listed: devices,
        devices_before: this.original === undefined ? null : listed(undefined, this.original),
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
    const before = listed(undefined, this.original);
    return {
      verdict: now === before ? 'confirmed' : 'mismatch',
      observed: { inventory: this.inventoryFile, devices_listed: now, devices_before: before },
    };
  }
}

function listed(file: string | undefined, text?: string): number | string {
  try {
    const devices = (JSON.parse(text ?? readFileSync(file!, 'utf8')) as { devices?: unknown[] }).devices;
    return Array.isArray(devices) ? devices.length : 'no device list';
  } catch (err) {
    return `unreadable: ${(err as Error).message}`;
  }
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
