import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { expect } from 'chai';
import { ReplicaRestartFault } from '../../../support/faults/replica-restart';

const ctx = { signal: new AbortController().signal, log: () => undefined };

/** A process standing for the engine (a sleeping Node), as its target. */
function engine() {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { stdio: 'ignore' });
  return { child, target: { description: 'the engine of r1', pid: async () => child.pid! } };
}

describe('a graceful restart of a replica, proven by the OS (replica.restart)', () => {
  it('is confirmed when the pool manager answers 202 and the old engine is gone; its deadline is sent', async () => {
    const { child, target } = engine();
    const deadlines: number[] = [];
    const fault = new ReplicaRestartFault(
      target,
      async (ms) => {
        deadlines.push(ms);
        child.kill('SIGTERM');
        return { status: 202, body: {} };
      },
      2500,
    );
    expect((await fault.preflight()).verdict).to.equal('confirmed');
    await fault.inject(ctx);
    const evidence = await fault.verify(ctx);
    expect(evidence.verdict).to.equal('confirmed');
    expect(evidence.observed).to.include({ deadline_ms: 2500, old_engine_gone: true });
    expect(deadlines).to.deep.equal([2500]);
  });

  it('is not when the old engine lives on after the answer, or the pool manager refuses', async () => {
    const { child, target } = engine();
    try {
      for (const status of [202, 409]) {
        const fault = new ReplicaRestartFault(target, async () => ({ status, body: {} }), 2500);
        await fault.preflight();
        await fault.inject(ctx);
        const evidence = await fault.verify(ctx);
        expect(evidence.verdict, `answered ${status}`).to.equal('mismatch');
        expect(evidence.observed).to.include({ old_engine_gone: false });
      }
    } finally {
      child.kill('SIGKILL');
    }
  });
});
