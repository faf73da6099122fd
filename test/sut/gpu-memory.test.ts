import { chmodSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { expect } from 'chai';
import { type GpuDevice, probeGpus } from '../../sut/common/gpu';
import { SlotMemory } from '../../sut/engine-mock/vram';
import { ReplicaCapacity } from '../../sut/pool-managerd/capacity';
import { classifyExit } from '../../sut/pool-managerd/engine-checks';
import { tempDir } from '../temp-dir';

const GiB = 2 ** 30;
const gpu = (usedGiB: number): GpuDevice[] => [{ index: 0, name: 'Mock GPU 0', memoryBytes: 24 * GiB, usedBytes: usedGiB * GiB }];

describe('GPU memory of engine slots (ORCH-3039)', () => {
  it('an engine takes a slot of GPU memory at its first task, and dies of the one more slot that does not fit', () => {
    let devices = gpu(0);
    const said: string[] = [];
    const memory = new SlotMemory(
      8 * GiB,
      () => devices,
      (words) => said.push(words),
    );
    expect(memory.outOfMemory(1)).to.equal(false);
    expect(memory.outOfMemory(1), 'a slot already held takes nothing more').to.equal(false);
    devices = gpu(8); // another process took 8 GiB: 16 left, 8 of them ours
    expect(memory.outOfMemory(2)).to.equal(false);
    expect(said).to.deep.equal([]);
    expect(memory.outOfMemory(3)).to.equal(true);
    expect(said.join('')).to.include('allocating 8192.00 MiB on device 0: cudaMalloc failed: out of memory');
    expect(classifyExit(134, null, said.join(''))).to.match(/^oom_vram/);
  });

  it('with no GPU memory per slot the engine counts nothing', () => {
    const memory = new SlotMemory(
      0,
      () => [],
      () => expect.fail('died'),
    );
    expect(memory.outOfMemory(64)).to.equal(false);
  });

  it("re-estimates a replica's slots from the failed allocation and the device's free memory", () => {
    const capacity = new ReplicaCapacity(4);
    const tail = 'ggml_backend_cuda_buffer_type_alloc_buffer: allocating 8192.00 MiB on device 0: cudaMalloc failed: out of memory\n';
    expect(capacity.afterVramOom(tail, gpu(8))).to.deep.equal({
      slots_before: 4,
      slots_after: 2,
      slot_bytes: 8 * GiB,
      device_free_bytes: 16 * GiB,
    });
    expect(capacity.slots).to.equal(2);
  });

  it('keeps at least 1 slot and always fewer than before; without the sizes, one slot fewer', () => {
    const tail = 'allocating 8192.00 MiB on device 0: cudaMalloc failed: out of memory';
    expect(new ReplicaCapacity(4).afterVramOom(tail, gpu(20)).slots_after, 'nothing fits').to.equal(1);
    expect(new ReplicaCapacity(2).afterVramOom(tail, gpu(0)).slots_after, 'all would fit').to.equal(1);
    expect(new ReplicaCapacity(4).afterVramOom('CUDA error: out of memory', gpu(0)).slots_after, 'no size said').to.equal(3);
    expect(new ReplicaCapacity(1).afterVramOom(tail, []).slots_after, 'already 1').to.equal(1);
  });

  it("reads a real GPU's memory in use from nvidia-smi (with no inventory file)", () => {
    // nvidia-smi's own answer to the probe's query, as a stand-in on PATH: index, name, memory.total, memory.used (MiB).
    const bin = tempDir('chaos-nvidia-smi-');
    writeFileSync(path.join(bin, 'nvidia-smi'), '#!/bin/sh\necho "0, NVIDIA A10, 24576, 8192"\n');
    chmodSync(path.join(bin, 'nvidia-smi'), 0o755);
    const saved = { path: process.env.PATH, inventory: process.env.LLORCH_GPU_INVENTORY };
    process.env.PATH = `${bin}:${saved.path}`;
    delete process.env.LLORCH_GPU_INVENTORY;
    try {
      expect(probeGpus()).to.deep.equal([{ index: 0, name: 'NVIDIA A10', memoryBytes: 24 * GiB, usedBytes: 8 * GiB }]);
    } finally {
      process.env.PATH = saved.path;
      if (saved.inventory !== undefined) process.env.LLORCH_GPU_INVENTORY = saved.inventory;
    }
  });
});
