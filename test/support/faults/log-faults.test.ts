import { after, describe, it } from 'node:test';
import { expect } from 'chai';
import { LogUnwritableFault } from '../../../support/faults/log-unwritable';
import { ProcessSpec } from '../../../support/processes/process-spec';
import { reapAll } from '../../../support/processes/reaper';
import type { RunningProcess } from '../../../support/processes/running-process';
import { Wait } from '../../../support/processes/wait/wait';

/** A process that logs every 20 ms and, like the reference daemons, survives a log it cannot write. */
const SURVIVOR = "process.stdout.on('error', () => {}); console.log('running'); setInterval(() => console.log('line'), 20);";

const start = (code: string): Promise<RunningProcess> =>
  new ProcessSpec('logger', ['node', '-e', code]).withWaitStrategy(Wait.forLogLine(/running/)).start();
const target = (p: RunningProcess) => ({
  description: 'the logger',
  closeOutput: () => p.closeOutput(),
  get outputClosed() {
    return p.outputClosed;
  },
  get isRunning() {
    return p.isRunning;
  },
});

describe('log faults', () => {
  after(() => reapAll());

  it('log.unwritable: inject closes the output of a live process (confirmed); heal is a no-op, twice', async () => {
    const proc = await start(SURVIVOR);
    const fault = new LogUnwritableFault(target(proc));
    expect((await fault.verify()).verdict, 'before the inject').to.equal('mismatch');
    await fault.inject();
    const evidence = await fault.verify();
    expect(evidence.verdict).to.equal('confirmed');
    expect(evidence.observed).to.deep.equal({ output_closed: true, running: true });
    await fault.heal();
    await fault.heal();
    await proc.stop(1000);
  });

  it('log.unwritable: a process that dies of its unwritable log is a mismatch, not a confirmed fault', async () => {
    const proc = await start("console.log('running'); setInterval(() => console.log('line'), 5);");
    const fault = new LogUnwritableFault(target(proc));
    await fault.inject();
    await proc.exited;
    expect((await fault.verify()).verdict).to.equal('mismatch');
  });
});
