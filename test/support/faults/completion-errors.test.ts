import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { expect } from 'chai';
import { eventually } from '../../../support/core/eventually';
import { EngineCompletionErrorsFault } from '../../../support/faults/engine-completion-errors';
import type { FaultContext } from '../../../support/faults/fault';
import type { ProcessTarget } from '../../../support/faults/targets';
import { ProcessSpec } from '../../../support/processes/process-spec';
import { reapAll } from '../../../support/processes/reaper';
import type { RunningProcess } from '../../../support/processes/running-process';
import { Wait } from '../../../support/processes/wait/wait';
import { tempDir } from '../../temp-dir';

const ctx: FaultContext = { signal: new AbortController().signal, log: () => undefined };

/**
 * A stand-in engine on a free port: /health answers 200 and /completion 200, or 500 while failing. With `hook`, SIGPWR
 * toggles failing and logs it; without, SIGPWR is ignored (a target whose profile names a signal it does not handle).
 */
const engine = (hook: boolean): string => `
  let failing = false;
  ${hook ? "process.on('SIGPWR', () => { failing = !failing; console.log(failing ? 'failing every completion' : 'serving completions again'); });" : "process.on('SIGPWR', () => {});"}
  require('node:http').createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.statusCode = req.url === '/completion' && failing ? 500 : 200;
      res.end('{}');
    });
  }).listen(0, '127.0.0.1', function () { console.log('running on ' + this.address().port); });
`;

async function start(hook: boolean): Promise<{ proc: RunningProcess; log: string; url: string }> {
  const log = path.join(tempDir('completion-errors-'), 'engine.log');
  // Port 0: the OS picks a free one, which the stand-in prints.
  const proc = await new ProcessSpec('completion-engine', ['node', '-e', engine(hook)])
    .withLogFile(log)
    .withWaitStrategy(Wait.forLogLine(/running on \d+/))
    .start();
  // The wait saw the line on the process's output; its log file may get it a moment later (the writer flushes then).
  const { value: port } = await eventually(
    'the stand-in engine has logged its port',
    async () => {
      const port = /running on (\d+)/.exec(readFileSync(log, 'utf8'))?.[1];
      return { ok: port !== undefined, seen: readFileSync(log, 'utf8').slice(-200), value: port };
    },
    { withinMs: 2000, everyMs: 10 },
  );
  return { proc, log, url: `http://127.0.0.1:${port}` };
}

const target = (proc: RunningProcess): ProcessTarget => ({ description: 'the stand-in engine', pid: async () => proc.pid });

describe('engine.completion-errors', () => {
  after(() => {
    reapAll();
  });

  it('is confirmed by the log line, health answered 200 and a completion 500; healed when a completion is 200 again', async () => {
    const { proc, log, url } = await start(true);
    const fault = new EngineCompletionErrorsFault(
      target(proc),
      { signal: 'SIGPWR', evidence: /failing every completion/, logFile: log },
      url,
    );
    await fault.inject(ctx);
    const evidence = await fault.verify(ctx);
    expect(evidence.verdict, JSON.stringify(evidence.observed)).to.equal('confirmed');
    expect(evidence.observed).to.include({ health: 200, completion: 500 });
    await fault.heal(ctx);
    await fault.heal(ctx); // idempotent: a second heal must not turn the failing on again
    const healed = await fault.verifyHealed(ctx);
    expect(healed.verdict, JSON.stringify(healed.observed)).to.equal('confirmed');
  });

  it('is not confirmed on an engine that ignores the signal: its completions still succeed', async () => {
    const { proc, log, url } = await start(false);
    const fault = new EngineCompletionErrorsFault(
      target(proc),
      { signal: 'SIGPWR', evidence: /failing every completion/, logFile: log },
      url,
    );
    await fault.inject(ctx);
    const evidence = await fault.verify(ctx);
    expect(evidence.verdict).to.equal('mismatch');
    expect(evidence.observed).to.include({ line: null, completion: 200 });
  });

  it('heals nothing on an engine that has exited since (its successor never failed)', async () => {
    const { proc, log, url } = await start(true);
    const fault = new EngineCompletionErrorsFault(
      target(proc),
      { signal: 'SIGPWR', evidence: /failing every completion/, logFile: log },
      url,
    );
    await fault.inject(ctx);
    process.kill(proc.pid, 'SIGKILL');
    await proc.exited;
    await fault.heal(ctx); // no signal to a pid that is gone (or reused)
  });
});
