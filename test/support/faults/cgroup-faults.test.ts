import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { expect } from 'chai';
import { CpuSaturateFault } from '../../../support/faults/cpu-saturate';

const ctx = { signal: new AbortController().signal, log: () => undefined };
const children: ChildProcess[] = [];
const start = (args: string[]): ChildProcess => {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'ignore'] });
  children.push(child);
  return child;
};
/** Resolves once the child printed its first line: its start-up work is done. */
const started = (child: ChildProcess): Promise<unknown> => new Promise((resolve) => child.stdout?.once('data', resolve));

// cgroups need root: elsewhere these tests are skipped, as the @privileged scenarios are.
describe('CPU starvation is judged by the kernel, not assumed', { skip: process.getuid?.() !== 0 && 'needs root (cgroups)' }, () => {
  after(() => {
    for (const c of children) c.kill('SIGKILL');
  });

  const fault = (child: ChildProcess, name: string, withinMs: number): CpuSaturateFault =>
    new CpuSaturateFault({ description: name, pid: async () => child.pid! }, `llorch_test_${process.pid}_${name}`, 10, undefined, withinMs);

  it('a process that wants more than its share is throttled: confirmed, and the heal is proven', async () => {
    const busy = start(['-e', 'console.log("busy"); const end = Date.now() + 20000; while (Date.now() < end) {}']);
    await started(busy);
    const f = fault(busy, 'busy', 2000);
    await f.inject(ctx);
    try {
      expect((await f.verify(ctx)).verdict).to.equal('confirmed');
    } finally {
      await f.heal();
    }
    expect((await f.verifyHealed()).verdict).to.equal('confirmed');
  });

  it('a process that never asks for its share was not starved: mismatch', async () => {
    const idle = start([path.join(__dirname, '..', '..', 'fixtures', 'forever.js')]);
    await started(idle); // moved in while still loading, it would be throttled for its start-up work
    const f = fault(idle, 'idle', 300);
    await f.inject(ctx);
    try {
      const evidence = await f.verify(ctx);
      expect(evidence.verdict, JSON.stringify(evidence.observed)).to.equal('mismatch');
    } finally {
      await f.heal();
    }
  });
});
