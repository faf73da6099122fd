import { spawn } from 'node:child_process';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { expect } from 'chai';
import { startedAtMs } from '../../support/core/pids';

describe("a process's start by the kernel's clock", () => {
  it('is when it was forked, to about 20 ms, however late it is looked at', async () => {
    const before = Date.now();
    const child = spawn('sleep', ['5']);
    const after = Date.now();
    try {
      await delay(300);
      const started = startedAtMs(child.pid!);
      expect(started, `forked between ${before} and ${after}`).to.be.within(before - 20, after + 20);
    } finally {
      child.kill('SIGKILL');
    }
    expect(startedAtMs(2 ** 22 + 1), 'no such process').to.equal(undefined);
  });
});
