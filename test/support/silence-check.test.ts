import { describe, it } from 'node:test';
import { expect } from 'chai';
import { StreamsNeverSilent } from '../../support/checks/silence';
import type { TaskRecord } from '../../support/history/history';
import { Excuses } from '../../support/history/liveness';
import { newTask } from '../../support/orchestrator/client';
import type { ReceivedEvent } from '../../support/orchestrator/sse';

const tok = (i: number, at: number): ReceivedEvent => ({ event: 'token', data: { t: `w${i}`, i }, id: String(i), at });
const ev = (event: string, at: number): ReceivedEvent => ({ event, data: {}, at });

function task(id: string, reads: ReceivedEvent[][]): TaskRecord {
  return {
    taskId: id,
    request: newTask({ task_id: id, max_tokens: 10 }),
    submittedAt: 0,
    admission: { status: 202, body: { task_id: id }, headers: {}, elapsedMs: 1 },
    streams: reads.map((events, k) => ({ openedAt: 0, lastEventId: k === 0 ? undefined : 0, events })),
  };
}

describe('StreamsNeverSilent: no stream waits longer than the idle timeout for its next event', () => {
  const limit = 1100;

  it('fails a stream held silent past the limit between two tokens, naming the task, the tokens and the time', () => {
    const hung = task('t1', [[ev('started', 0), tok(0, 100), tok(1, 2600), ev('end', 2610)]]);
    const v = StreamsNeverSilent([hung], limit, [], 5000);
    expect(v.valid).to.equal(false);
    expect(v.detail).to.contain('t1: 2500 ms without an event between its token 0 and its token 1 (limit 1100 ms)');
  });

  it('passes an error at the idle timeout, and ignores the wait for the first token (the queue bounds that)', () => {
    const timedOut = task('t1', [[ev('started', 0), tok(0, 4000), ev('error', 5000)]]);
    expect(StreamsNeverSilent([timedOut], limit, [], 9000).valid).to.equal(true);
  });

  it('fails a stream still open and silent at the judgement, and passes one that is not', () => {
    const open = task('t1', [[ev('started', 0), tok(0, 100)]]);
    expect(StreamsNeverSilent([open], limit, [], 1500).detail).to.contain('judgement (still open)');
    expect(StreamsNeverSilent([open], limit, [], 1000).valid).to.equal(true);
  });

  it('judges a stream its client went away from only until then (found by the explorer, seed 5)', () => {
    const left = { ...task('t1', [[ev('started', 0), tok(0, 100)]]), leftAt: 110 };
    expect(StreamsNeverSilent([left], limit, [], 5000).valid).to.equal(true);
    const silentBefore = { ...task('t2', [[ev('started', 0), tok(0, 100)]]), leftAt: 1500 };
    expect(StreamsNeverSilent([silentBefore], limit, [], 5000).detail).to.contain('its token 0 and its leaving (the client went away)');
  });

  it('excuses a silence that overlaps a window in which the orchestrator was stopped on purpose', () => {
    const resumed = task('t1', [
      [ev('started', 0), tok(0, 100)],
      [tok(0, 3000), tok(1, 3010), ev('end', 3020)],
    ]);
    expect(StreamsNeverSilent([resumed], limit, [{ from: 500, to: 2500 }], 4000).valid).to.equal(true);
    // The same gap with no window is a failure; a token received again on the resumed read counts once, at first.
    expect(StreamsNeverSilent([resumed], limit, [], 4000).detail).to.contain('between its token 0 and its token 1');
  });

  it('judges the part of a silence before the outage began: a stream already silent past the limit was left so', () => {
    const resumed = task('t1', [
      [ev('started', 0), tok(0, 100)],
      [tok(0, 3000), tok(1, 3010), ev('end', 3020)],
    ]);
    expect(StreamsNeverSilent([resumed], limit, [{ from: 1200, to: 2500 }], 4000).valid).to.equal(true);
    expect(StreamsNeverSilent([resumed], limit, [{ from: 1300, to: 2500 }], 4000).detail).to.contain(
      "t1: 1200 ms without an event after its token 0 before the orchestrator's outage began (limit 1100 ms)",
    );
  });
});

describe('Excuses: the windows in which the orchestrator was stopped on purpose', () => {
  it("excuse a stream's silence in a graceful stop only from the orchestrator's exit, and answers from the signal", async () => {
    const excuses = new Excuses();
    let exit!: () => void;
    const serving = new Promise<void>((resolve) => (exit = resolve));
    excuses.excuse(serving);
    expect(excuses.windows()).to.have.length(1);
    expect(excuses.silenceWindows(), 'before the exit').to.deep.equal([]);
    const before = Date.now();
    exit();
    await serving;
    await new Promise((resolve) => setImmediate(resolve));
    const [w] = excuses.silenceWindows();
    expect(w.from, 'silences excused from the exit').to.be.at.least(before);
    expect(w.from).to.be.at.least(excuses.windows()[0].from);
    excuses.unexcuse();
    expect(excuses.silenceWindows()[0].to).to.equal(excuses.windows()[0].to);
  });
});
