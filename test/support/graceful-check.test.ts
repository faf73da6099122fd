import { describe, it } from 'node:test';
import { expect } from 'chai';
import { cutBeforeGrace, notCompletedNorCaughtByHang, outlivedDeadline, streamingAt, untouchedBefore } from '../../support/checks/graceful';
import { FaultNotApplicable } from '../../support/core/errors';
import { someTaskStreaming } from '../../support/observe/waits';
import type { TaskRecord } from '../../support/history/history';

/** A task admitted at 0 that streamed tokens at `tokens` (epoch ms) and ended with `end` at `endAt`. */
function task(id: string, tokens: number[], end: 'end' | 'error', endAt: number): TaskRecord {
  const events = [
    { event: 'started', data: {}, at: 0 },
    ...tokens.map((at, i) => ({ event: 'token', id: String(i), data: { i }, at })),
    { event: end, data: end === 'error' ? { code: 'WORKER_RESET', retriable: true } : { tokens_out: tokens.length }, at: endAt },
  ];
  return {
    taskId: id,
    request: { task_id: id } as TaskRecord['request'],
    submittedAt: 0,
    admission: { status: 202, elapsedMs: 1 } as TaskRecord['admission'],
    streams: [{ openedAt: 0, events }],
  };
}

describe('ORCH-3505 on the history: a graceful stop lets the tasks streaming at its request run for its grace', () => {
  const request = 1000;
  const grace = 500;

  it('accepts a streaming task that completes, or is cut once the grace has passed', () => {
    expect(cutBeforeGrace([task('a', [900, 1100], 'end', 1200), task('b', [900, 1400], 'error', 1500)], request, grace)).to.be.empty;
  });

  it('rejects a streaming task cut before its grace, naming when', () => {
    const cut = cutBeforeGrace([task('c', [900, 950], 'error', 1003)], request, grace);
    expect(cut.join()).to.match(
      /c: streaming at the request \(2 tokens by then\), failed WORKER_RESET 3 ms after it, within the 500 ms grace/,
    );
  });

  it('judges only tasks that had shown a token before the request and had not ended', () => {
    const queued = task('q', [1200], 'error', 1300);
    const ended = task('e', [800], 'error', 900);
    expect(cutBeforeGrace([queued, ended], request, grace)).to.be.empty;
  });

  it('names the tasks streaming at an instant, which the promise is judged on (a token in the same millisecond counts)', () => {
    const tasks = [
      task('s', [900], 'end', 1200),
      task('q', [1200], 'end', 1300),
      task('e', [800], 'end', 900),
      task('m', [1000], 'end', 1100),
    ];
    expect(streamingAt(tasks, request).map((t) => t.task.taskId)).to.deep.equal(['s', 'm']);
  });

  it('judges only the tasks no earlier fault met: one in flight at an earlier stop, still waiting, is left out', () => {
    const cutEarlier = task('w', [200, 290], 'error', 1100); // in flight at the stop at 300, silent since
    const later = task('l', [900], 'error', 1050);
    later.submittedAt = 700;
    const beforeAll = task('b', [100], 'end', 250);
    const kept = untouchedBefore([cutEarlier, later, beforeAll], [300, request], request);
    expect(kept.map((t) => t.taskId)).to.deep.equal(['l', 'b']);
  });
});

describe('the moment a promise to the tasks in flight is judged at: a task of the client streaming', () => {
  it('comes once a task has shown a token and has enough still to come, or the fault is not applied', async () => {
    const streaming = task('s', [10], 'end', 20);
    streaming.streams[0].events.pop(); // no end yet
    streaming.request.max_tokens = 40;
    await someTaskStreaming(() => [streaming], 10, 100);
    let refused: unknown;
    await someTaskStreaming(() => [streaming], 40, 60).catch((e) => {
      refused = e;
    });
    expect(refused, 'only 39 tokens to come').to.be.instanceOf(FaultNotApplicable);
    expect(String((refused as Error).message)).to.match(/a task streaming with 40 tokens to come/);
    const ended = task('e', [10], 'end', 20);
    ended.request.max_tokens = 40;
    await someTaskStreaming(() => [ended], 10, 60).catch((e) => {
      refused = e;
    });
    expect(String((refused as Error).message), 'an ended task').to.match(/0 streaming/);
  });
});

describe('ORCH-3505 on the history: a drained pool ends the tasks streaming at its request by the deadline', () => {
  const request = 1000;
  const within = 750; // a deadline of 500 ms and its timer's slack

  it('accepts a streaming task that completes or is cut by then', () => {
    expect(outlivedDeadline([task('a', [900, 1100], 'end', 1200), task('b', [900, 1400], 'error', 1750)], request, within)).to.be.empty;
  });

  it('rejects a streaming task that ended later, or never, naming how and when', () => {
    const late = outlivedDeadline([task('l', [900, 2000], 'error', 2500)], request, within);
    expect(late.join()).to.match(/l: streaming at the request \(1 tokens by then\), ended \(error\) 1500 ms after it, past 750 ms/);
    const open = task('o', [900, 1100], 'end', 1200);
    open.streams[0].events.pop();
    expect(outlivedDeadline([open], request, within).join()).to.match(/o: .*never ended, past 750 ms/);
  });

  it('judges neither a task that had not streamed by the request nor one the client went away from', () => {
    const left = { ...task('g', [900], 'end', 5000), leftAt: 950 };
    expect(outlivedDeadline([task('q', [1200], 'end', 5000), left], request, within)).to.be.empty;
  });
});

describe('OC-CORE-1022 on the history: a task of the load may fail only if the hang caught it streaming on that replica', () => {
  const hang = { replica: 'r1', hung: 1000, resumed: 3000 };
  const on = (pairs: [string, string][]) => new Map<string, string | undefined>(pairs);

  it('excuses a task that streamed on the hung replica and failed retriably while it was hung', () => {
    expect(notCompletedNorCaughtByHang([task('a', [950], 'error', 2000)], on([['a', 'r1']]), hang)).to.be.empty;
  });

  it('names any other task that did not complete: on another replica, without a token, failed for good, or ended before the hang', () => {
    const fatal = task('d', [950], 'error', 2000);
    fatal.streams[0].events.at(-1)!.data = { code: 'INTERNAL', retriable: false };
    const records = [
      task('b', [950], 'error', 2000),
      task('c', [], 'error', 2000),
      fatal,
      task('e', [900], 'error', 950),
      task('f', [950], 'end', 1200),
    ];
    const problems = notCompletedNorCaughtByHang(
      records,
      on([
        ['b', 'r2'],
        ['c', 'r1'],
        ['d', 'r1'],
        ['e', 'r1'],
        ['f', 'r1'],
      ]),
      hang,
    );
    expect(problems.map((p) => p.split(' ')[0])).to.deep.equal(['b', 'c', 'd', 'e']);
    expect(problems[0]).to.match(/^b on r2, 1 tokens, ended \{"code":"WORKER_RESET","retriable":true\}/);
  });
});
