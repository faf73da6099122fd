import { type GpuDevice, probeGpus } from '../common/gpu';

const MiB = 2 ** 20;

/**
 * The GPU memory of an engine's slots (ORCH-3039), on its first device: each slot takes `perSlotBytes` for its KV cache
 * the first time it serves a task, and keeps it. llama.cpp allocates every slot's cache at load, and a running engine
 * runs out of GPU memory in its compute buffers instead; the reference engine folds both into the slot's first use, so
 * that memory another process takes after the engine started is what a later task runs out of. The device's room is
 * what its inventory says (its size less what other processes hold) less what this engine holds; the engine does not
 * see what other engines on the device hold. With `perSlotBytes` 0 nothing is counted.
 */
export class SlotMemory {
  private held = 0;

  constructor(
    private readonly perSlotBytes: number,
    private readonly devices: () => GpuDevice[] = probeGpus,
    /** How the engine dies of it: llama.cpp's words on its error output, then the exit of an abort. */
    private readonly die: (words: string) => void = (words) => process.stderr.write(words, () => process.exit(134)),
  ) {}

  /**
   * Takes the memory of the slots a task in `slotsInUse` slots needs; true when the device has no room for one more
   * slot, and the engine dies of it (llama.cpp's words for the failed allocation, then an abort, as on a CUDA error).
   */
  outOfMemory(slotsInUse: number): boolean {
    const words = this.claim(slotsInUse);
    if (words) this.die(words);
    return words !== undefined;
  }

  private claim(slotsInUse: number): string | undefined {
    if (this.perSlotBytes <= 0 || slotsInUse <= this.held) return undefined;
    const device = this.devices()[0];
    const room = device ? device.memoryBytes - (device.usedBytes ?? 0) - this.held * this.perSlotBytes : 0;
    if (room < this.perSlotBytes)
      return (
        `ggml_backend_cuda_buffer_type_alloc_buffer: allocating ${(this.perSlotBytes / MiB).toFixed(2)} MiB on device ` +
        `${device?.index ?? 0}: cudaMalloc failed: out of memory\n` +
        'CUDA error: out of memory\n' +
        '  current device: 0, in function ggml_cuda_pool_leg::alloc at ggml/src/ggml-cuda/ggml-cuda.cu:398\n' +
        'ggml/src/ggml-cuda/ggml-cuda.cu:75: CUDA error\n'
      );
    this.held++;
    return undefined;
  }
}
