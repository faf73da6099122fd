import { describe, it } from 'node:test';
import { expect } from 'chai';
import { classifyExit } from '../../sut/pool-managerd/engine-checks';

describe('why an engine exited (pool-managerd)', () => {
  it('tells a driver reset from its CUDA error line, whatever the exit code (ORCH-3053)', () => {
    expect(classifyExit(134, null, 'load ok\nCUDA error: unspecified launch failure\n')).to.match(/^driver_reset/);
  });

  it("tells a missing GPU from llama.cpp's message (ORCH-1102)", () => {
    expect(classifyExit(1, null, 'ggml_cuda_init: failed to initialize CUDA: no CUDA-capable device is detected')).to.match(/^no_gpu/);
  });

  it('tells a GPU that fell off the bus from a driver reset', () => {
    expect(classifyExit(134, null, 'CUDA error: GPU has fallen off the bus (device lost)')).to.match(/^gpu_lost/);
  });

  it('names the signal of a killed engine and the code of one that exited', () => {
    expect(classifyExit(null, 'SIGKILL', 'serving')).to.equal('killed by SIGKILL');
    expect(classifyExit(0, null, 'SIGTERM: finishing in-flight generations')).to.equal('exited with code 0');
  });
});
