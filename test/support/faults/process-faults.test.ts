import path from 'node:path';
import { after, describe, it } from 'node:test';
import { expect } from 'chai';
import type { FaultContext } from '../../../support/faults/fault';
import os from 'node:os';
import { EngineDriverResetFault } from '../../../support/faults/engine-driver-reset';
import { ProcessKillFault } from '../../../support/faults/process-kill';
import { ProcessPauseFault, processState } from '../../../support/faults/process-pause';
import { ProcessTermFault } from '../../../support/faults/process-term';
import { ProcessSpec } from '../../../support/processes/process-spec';
import { reapAll } from '../../../support/processes/reaper';
import type { RunningProcess } from '../../../support/processes/running-process';
import { Wait } from '../../../support/processes/wait/wait';
import type { ProcessTarget } from '../../../support/faults/targets';

const ctx: FaultContext = { signal: new AbortController().signal, log: () => undefined };
const start = (name: string): Promise<RunningProcess> =>
  new ProcessSpec(name, ['node', path.join(__dirname, '..', '..', 'fixtures', `${name}.js`)])
    .withWaitStrategy(Wait.forLogLine(/running/))
    .start();
const target = (proc: RunningProcess): ProcessTarget => ({ description: proc.name, pid: async () => proc.pid });

describe('process faults', () => {
  after(() => {
    reapAll();
  });

  it('process.kill: inject → confirmed (pid gone) → heal, and heal twice', async () => {
    const proc = await start('forever');
    const fault = new ProcessKillFault(target(proc));
    await fault.inject(ctx);
    const evidence = await fault.verify(ctx);
    expect(evidence.verdict).to.equal('confirmed');
    expect(evidence.observed).to.include({ pid: proc.pid, signal: 'SIGKILL' });
    expect((await proc.exited).signal).to.equal('SIGKILL');
    await fault.heal();
    await fault.heal();
  });

  it('process.kill: verify without inject is inconclusive, and heal after a failed inject is fine', async () => {
    const fault = new ProcessKillFault({
      description: 'a vanished process',
      pid: async () => {
        throw new Error('no such replica');
      },
    });
    expect((await fault.verify(ctx)).verdict).to.equal('inconclusive');
    await fault.inject(ctx).catch(() => undefined);
    await fault.heal();
  });

  it('process.pause: inject → confirmed (stopped) → heal → running again; heal twice', async () => {
    const proc = await start('forever');
    const fault = new ProcessPauseFault(target(proc));
    await fault.inject(ctx);
    const evidence = await fault.verify(ctx);
    expect(evidence.verdict, JSON.stringify(evidence.observed)).to.equal('confirmed');
    await fault.heal();
    expect((await fault.verify(ctx)).verdict).to.equal('mismatch');
    await fault.heal();
    expect(processState(proc.pid)).to.be.oneOf(['S', 'R']);
    await proc.stop(500);
  });

  it('process.pause: heal after a failed inject, and after the process is gone, is fine', async () => {
    const fault = new ProcessPauseFault({
      description: 'nothing',
      pid: async () => {
        throw new Error('no such engine');
      },
    });
    await fault.inject(ctx).catch(() => undefined);
    await fault.heal();
    const proc = await start('forever');
    const paused = new ProcessPauseFault(target(proc));
    await paused.inject(ctx);
    await proc.stop(200);
    await paused.heal();
  });

  it('engine.driver-reset: the error line and a non-zero exit are confirmed', async () => {
    const log = path.join(tempDir('driver-reset-'), 'engine.log');
    const proc = await new ProcessSpec('driver-reset', ['node', path.join(__dirname, '..', '..', 'fixtures', 'driver-reset.js')])
      .withLogFile(log)
      .withWaitStrategy(Wait.forLogLine(/running/))
      .start();
    const fault = new EngineDriverResetFault(target(proc), { signal: 'SIGUSR2', evidence: /CUDA error/, logFile: log });
    await fault.inject(ctx);
    const evidence = await fault.verify(ctx);
    expect(evidence.verdict, JSON.stringify(evidence.observed)).to.equal('confirmed');
    expect((await proc.exited).exitCode).to.equal(134);
    await fault.heal();
    await fault.heal();
  });

  it('engine.driver-reset: a process that just dies, without the error line, is not confirmed (mis-targeted)', async () => {
    const log = path.join(tempDir('driver-reset-'), 'engine.log');
    const proc = await new ProcessSpec('forever', ['node', path.join(__dirname, '..', '..', 'fixtures', 'forever.js')])
      .withLogFile(log)
      .withWaitStrategy(Wait.forLogLine(/running/))
      .start();
    const fault = new EngineDriverResetFault(target(proc), { signal: 'SIGUSR2', evidence: /CUDA error/, logFile: log });
    await fault.inject(ctx);
    const evidence = await fault.verify(ctx);
    expect(evidence.verdict).to.equal('mismatch');
    expect(evidence.observed).to.include({ error_line: null });
  });

  it('process.term: a process that exits on SIGTERM is confirmed', async () => {
    const proc = await start('forever');
    const fault = new ProcessTermFault(target(proc));
    await fault.inject(ctx);
    expect((await fault.verify(ctx)).verdict).to.equal('confirmed');
    await fault.heal();
  });

  it('process.term: a process that ignores SIGTERM fails verification (a mis-targeted fault is caught)', async () => {
    const proc = await start('no-killable');
    const fault = new ProcessTermFault(target(proc), undefined, 300);
    await fault.inject(ctx);
    const evidence = await fault.verify(ctx);
    expect(evidence.verdict).to.equal('mismatch');
    expect(evidence.observed).to.include({ pid: proc.pid, still_serving_after_ms: 300 });
    await fault.heal();
    await proc.stop(100);
  });
});

import { readFileSync, writeFileSync } from 'node:fs';
import { GpuUnavailableFault } from '../../../support/faults/gpu-unavailable';
import { tempDir } from '../../temp-dir';

describe('gpu.unavailable', () => {
  it('inject → confirmed (no device listed) → heal → the inventory as it was; heal twice', async () => {
    const file = path.join(tempDir('gpu-'), 'inventory.json');
    const original = JSON.stringify({ devices: [{ index: 0, name: 'Mock GPU', memoryBytes: 1 }] });
    writeFileSync(file, original);
    const fault = new GpuUnavailableFault(file);
    await fault.inject();
    expect((await fault.verify()).verdict).to.equal('confirmed');
    await fault.heal();
    expect(readFileSync(file, 'utf8')).to.equal(original);
    expect((await fault.verify()).verdict).to.equal('mismatch');
    await fault.heal();
  });

  it('an inject on a missing inventory fails, and heal after it changes nothing', async () => {
    const fault = new GpuUnavailableFault(path.join(os.tmpdir(), 'no-such-inventory.json'));
    expect(
      await fault.inject().then(
        () => 'injected',
        () => 'failed',
      ),
    ).to.equal('failed');
    await fault.heal();
  });
});

describe('process faults check the pid they signal against the socket owner found from the OS', () => {
  after(() => {
    reapAll();
  });

  it('preflight confirms the listening process and refuses a wrapper that does not own the socket', async () => {
    const proc = await new ProcessSpec('listener', ['node', path.join(__dirname, '..', '..', 'fixtures', 'listener.js')])
      .withWaitStrategy(Wait.forLogLine(/running on \d+/))
      .start();
    const port = Number(/running on (\d+)/.exec(proc.logs.all().join('\n'))![1]);
    const right = new ProcessKillFault({ description: 'the listener', pid: async () => proc.pid, port });
    expect((await right.preflight(ctx)).verdict).to.equal('confirmed');
    // This test runner is not the owner of the listener's socket: a fault aimed at it must not be applied.
    const wrong = new ProcessKillFault({ description: 'a wrapper', pid: async () => process.pid, port });
    const evidence = await wrong.preflight(ctx);
    expect(evidence.verdict).to.equal('mismatch');
    expect(evidence.observed).to.deep.include({ reported_pid: process.pid, listening_socket_owners: [proc.pid] });
  });

  it('a paused process is verified resumed after its heal', async () => {
    const proc = await start('forever');
    const fault = new ProcessPauseFault(target(proc));
    await fault.inject(ctx);
    await fault.heal();
    expect((await fault.verifyHealed(ctx)).verdict).to.equal('confirmed');
    proc.signal('SIGKILL');
  });
});
