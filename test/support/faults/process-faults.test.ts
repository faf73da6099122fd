import path from 'node:path';
import { after, describe, it } from 'node:test';
import { expect } from 'chai';
import type { FaultContext } from '../../../support/faults/fault';
import { ProcessKillFault } from '../../../support/faults/process-kill';
import { ProcessTermFault } from '../../../support/faults/process-term';
import { ProcessSpec } from '../../../support/processes/process-spec';
import { reapAll } from '../../../support/processes/reaper';
import type { RunningProcess } from '../../../support/processes/running-process';
import { Wait } from '../../../support/processes/wait/wait';
import type { ProcessTarget } from '../../../support/stack/stack';

const ctx: FaultContext = { signal: new AbortController().signal, log: () => undefined };
const start = (name: string): Promise<RunningProcess> =>
  new ProcessSpec(name, ['node', path.join(__dirname, '..', '..', 'fixtures', `${name}.js`)]).withWaitStrategy(Wait.forLogLine(/running/)).start();
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
    const fault = new ProcessKillFault({ description: 'a vanished process', pid: async () => { throw new Error('no such replica'); } });
    expect((await fault.verify(ctx)).verdict).to.equal('inconclusive');
    await fault.inject(ctx).catch(() => undefined);
    await fault.heal();
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
