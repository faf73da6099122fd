import { describe, it } from 'node:test';
import { expect } from 'chai';
import { compose, NoAdmittedTaskLost, OrchestratorStayedLive, StreamsWellFormed } from '../../support/observe/checks';
import type { TaskRecord } from '../../support/observe/history';
import { newTask } from '../../support/orchestrator/client';
import type { ReceivedEvent } from '../../support/orchestrator/sse';

const ev = (event: string, data: Record<string, unknown> = {}, id?: number): ReceivedEvent => ({
  event,
  data,
  id: id === undefined ? undefined : String(id),
  at: 0,
});
const tok = (i: number): ReceivedEvent => ev('token', { t: `w${i}`, i }, i);

/** A literal history entry: an admitted task with the given stream reads. */
function task(id: string, reads: { lastEventId?: number; events: ReceivedEvent[] }[], resolved?: TaskRecord['resolved']): TaskRecord {
  return {
    taskId: id,
    request: newTask({ task_id: id }),
    submittedAt: 0,
    admission: { status: 202, body: { task_id: id }, headers: {}, elapsedMs: 1 },
    streams: reads.map((r) => ({ openedAt: 0, lastEventId: r.lastEventId, events: r.events })),
    resolved,
  };
}

describe('history checks', () => {
  it('a complete stream is well formed and not lost', () => {
    const h = [task('a', [{ events: [ev('started'), tok(0), tok(1), ev('end', { tokens_out: 2 })] }])];
    expect(StreamsWellFormed(h).valid).to.equal(true);
    expect(NoAdmittedTaskLost(h).valid).to.equal(true);
  });

  it('a gap in token indices is reported', () => {
    const v = StreamsWellFormed([task('a', [{ events: [ev('started'), tok(0), tok(2), ev('end')] }])]);
    expect(v).to.deep.include({ valid: false, detail: 'a: token index 2 where 1 was expected' });
  });

  it('anything after an error is reported (OC-CTRL-2029)', () => {
    const v = StreamsWellFormed([task('a', [{ events: [ev('started'), tok(0), ev('error', { code: 'WORKER_RESET' }), tok(1)] }])]);
    expect(v.valid).to.equal(false);
    expect(v.detail).to.contain('a: token after the terminal error');
  });

  it('a resumed read continues the indices with no duplicate', () => {
    const ok = task('a', [{ events: [ev('started'), tok(0), tok(1)] }, { lastEventId: 1, events: [tok(2), ev('end')] }]);
    const dup = task('b', [{ events: [ev('started'), tok(0), tok(1)] }, { lastEventId: 1, events: [tok(1), tok(2), ev('end')] }]);
    expect(StreamsWellFormed([ok]).valid).to.equal(true);
    expect(StreamsWellFormed([dup]).detail).to.contain('b: token index 1 where 2 was expected');
  });

  it('a task with no terminal event and no resolved state is lost', () => {
    const v = NoAdmittedTaskLost([
      task('a', [{ events: [ev('started'), tok(0)] }], { task_id: 'a', state: 'running', attempts: 1, tokens_out: 1 }),
    ]);
    expect(v.valid).to.equal(false);
    expect(v.detail).to.contain('a (last status: running');
  });

  it('a task resolved through the status endpoint is not lost', () => {
    const v = NoAdmittedTaskLost([
      task('a', [{ events: [ev('started')] }], { task_id: 'a', state: 'completed', attempts: 1, tokens_out: 3 }),
    ]);
    expect(v.valid).to.equal(true);
  });

  it('no data is unknown, never a pass', () => {
    expect(NoAdmittedTaskLost([]).valid).to.equal('unknown');
    expect(StreamsWellFormed([]).valid).to.equal('unknown');
    expect(OrchestratorStayedLive([]).valid).to.equal('unknown');
  });

  it('liveness failures inside an excused window do not count', () => {
    const samples = [
      { at: 0, ok: true, seen: 'HTTP 200', excused: false },
      { at: 100, ok: false, seen: 'ECONNREFUSED', excused: true },
      { at: 200, ok: true, seen: 'HTTP 200', excused: false },
    ];
    expect(OrchestratorStayedLive(samples).valid).to.equal(true);
    expect(OrchestratorStayedLive([...samples, { at: 300, ok: false, seen: 'ECONNREFUSED', excused: false }]).valid).to.equal(false);
  });

  it('compose: false outranks unknown, unknown outranks true', () => {
    const v = (valid: true | false | 'unknown') => ({ check: 'x', valid, detail: '' });
    expect(compose([v(true), v('unknown'), v(false)])).to.equal(false);
    expect(compose([v(true), v('unknown')])).to.equal('unknown');
    expect(compose([v(true)])).to.equal(true);
  });
});

import { metricSum } from '../../support/orchestrator/metrics';

describe('metric reading', () => {
  it('sums the samples of one metric, filtered by labels', () => {
    const text = [
      '# HELP orchd_dispatch_retries_total Dispatches retried',
      '# TYPE orchd_dispatch_retries_total counter',
      'orchd_dispatch_retries_total{pool_id="default",reason="WORKER_RESET"} 3',
      'orchd_dispatch_retries_total{pool_id="default",reason="DECODE_TIMEOUT"} 2',
      'orchd_dispatch_retries_total_extra 100',
      'tasks_enqueued_total{pool_id="default"} 7',
    ].join('\n');
    expect(metricSum(text, 'orchd_dispatch_retries_total')).to.equal(5);
    expect(metricSum(text, 'orchd_dispatch_retries_total', { reason: 'DECODE_TIMEOUT' })).to.equal(2);
    expect(metricSum(text, 'tasks_started_total')).to.equal(0);
  });
});
