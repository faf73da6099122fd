import { existsSync, readFileSync } from 'node:fs';
import { InvalidFaultSpec } from '../core/errors';

/** A device as the target's GPU inventory lists it (the file its GPU probe reads in place of nvidia-smi). */
export interface InventoryDevice {
  index: number;
  memoryBytes: number;
  /** What processes other than the engines hold. */
  usedBytes?: number;
}

/**
 * The inventory's text before a GPU fault first changed it, for its heal to write back: `kept` once taken, else read
 * now. A target without the file cannot take the fault.
 */
export function originalInventory(file: string, kept: string | undefined): string {
  if (kept !== undefined) return kept;
  if (!existsSync(file)) throw new InvalidFaultSpec(`GPU inventory ${file} does not exist`);
  return readFileSync(file, 'utf8');
}

/** The devices an inventory lists (its file's, or `text`), or why it lists none that can be read. */
export function inventoryDevices(file: string, text?: string): InventoryDevice[] | string {
  try {
    const devices = (JSON.parse(text ?? readFileSync(file, 'utf8')) as { devices?: unknown }).devices;
    return Array.isArray(devices) ? (devices as InventoryDevice[]) : 'no device list';
  } catch (err) {
    return `unreadable: ${(err as Error).message}`;
  }
}
