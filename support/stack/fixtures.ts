import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Writes a model file of `sizeBytes` deterministic bytes (engines read it whole into memory, so its size is what a
 * memory limit sees). Returns its sha256.
 */
export function writeModelFile(path: string, sizeBytes: number, flavour = 'llama-orch-chaos model', magic = 'GGUF'): string {
  const block = createHash('sha512').update(flavour).digest();
  const buffer = Buffer.alloc(sizeBytes);
  for (let offset = 0; offset < sizeBytes; offset += block.length) block.copy(buffer, offset);
  // The GGUF magic, as every real model file starts with it: an engine checks it before loading the rest.
  buffer.write(magic, 0, 'latin1');
  writeFileSync(path, buffer);
  return createHash('sha256').update(buffer).digest('hex');
}

/** Writes the GPU inventory the stack's device probe reads on machines without `nvidia-smi`. */
export function writeGpuInventory(path: string, devices: number): void {
  const list = Array.from({ length: devices }, (_, index) => ({ index, name: `Mock GPU ${index}`, memoryBytes: 24 * 1024 ** 3 }));
  writeFileSync(path, JSON.stringify({ devices: list }, null, 2));
}

/**
 * The tunes that set a pool on `devices` GPUs of a host inventory written in `dir` (for a profile whose engines are a
 * CPU build as they are, such as llama-server's: the pool manager sees the GPUs, the engines cannot use them).
 */
export function gpuPoolOnHostInventory(dir: string, devices: number): Record<string, string> {
  mkdirSync(dir, { recursive: true });
  const inventory = join(dir, 'host-gpu-inventory.json');
  writeGpuInventory(inventory, devices);
  return { 'pool-devices': Array.from({ length: devices }, (_, i) => i).join(','), 'host-gpu-inventory': inventory };
}
