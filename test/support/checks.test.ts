import { describe, it } from 'node:test';
import { expect } from 'chai';
import { allowedCodes as allowedBy } from '../../support/checks/allowed-errors';
import { ALLOWED_ERRORS } from '../../support/faults/registry';
import { StreamsMatchUndisturbedRuns } from '../../support/checks/determinism';
import { NoDispatchToKnownDown } from '../../support/checks/dispatch';
import { EnginesAgree } from '../../support/checks/engines';
import { compose, judgeHistory } from '../../support/checks/judge';
import { OrchestratorStayedLive } from '../../support/checks/liveness';
import { metricsBoundsMismatches, refusalAndCancelCountMismatches } from '../../support/checks/observability';
import { StreamsWellFormed } from '../../support/checks/streams';
import {
  AdmittedTasksEnded,
  CompletedStreamsComplete,
  ErrorsExplicit,
  NoTokenAfterCancel,
  RefusalsExplicit,
  SubmissionsAnswered,
} from '../../support/checks/tasks';
import { FAULTS } from '../../support/faults/registry';
import type { TaskRecord } from '../../support/history/history';
import { newTask } from '../../support/orchestrator/client';
import type { ReceivedEvent } from '../../support/orchestrator/sse';

const ev = (event: string, data: Record<string, unknown> = {}, at = 0): ReceivedEvent => ({ event, data, at });
const tok = (i: number, at = 0): ReceivedEvent => ({ event: 'token', data: { t: `w${i}`, i }, id: String(i), at });
const toks = (n: number): ReceivedEvent[] => Array.from({ length: n }, (_, i) => tok(i));
const end = (n: number, extra: Record<string, unknown> = {}): ReceivedEvent => ev('end', { tokens_out: n, ...extra });
const error = (data: Record<string, unknown>): ReceivedEvent => ev('error', { message: 'boom', retry_after_ms: 1000, ...data });

/** A literal history entry: a task of `maxTokens` admitted, with the given stream reads. */
function task(id: string, maxTokens: number, reads: ReceivedEvent[][], more: Partial<TaskRecord> = {}): TaskRecord {
  return {
    taskId: id,
    request: newTask({ task_id: id, max_tokens: maxTokens, seed: Number(id.replace(/\D/g, '')) || 1 }),
    submittedAt: 0,
    admission: { status: 202, body: { task_id: id }, headers: {}, elapsedMs: 1 },
    streams: reads.map((events, k) => ({ openedAt: 0, lastEventId: k === 0 ? undefined : 0, events })),
    ...more,
  };
}
const whole = (id: string, n: number): TaskRecord => task(id, n, [[ev('started'), ...toks(n), end(n)]]);
const allowedCodes = (kinds: string[]): Set<string> => allowedBy(ALLOWED_ERRORS, kinds);
const any = new Set(Object.values(ALLOWED_ERRORS).flat());

describe('history checker: each defect makes a check fail, naming the task', () => {
  it('a silent truncation: an end after 3 of 10 tokens', () => {
    const v = CompletedStreamsComplete([task('t1', 10, [[ev('started'), ...toks(3), end(3)]])]);
    expect(v.valid).to.equal(false);
    expect(v.detail).to.contain('t1: silently truncated: end after 3 of 10 tokens');
    expect(CompletedStreamsComplete([whole('t2', 10)]).valid).to.equal(true);
  });

  it('an end whose tokens_out disagrees with the tokens received', () => {
    const v = CompletedStreamsComplete([task('t1', 3, [[ev('started'), ...toks(3), end(5)]])]);
    expect(v.detail).to.contain('t1: end says tokens_out=5, client received 3');
  });

  it('a non-retriable error, and an error code the fault does not allow', () => {
    const allowed = allowedCodes(['network.timeout']);
    const v = ErrorsExplicit([task('t1', 5, [[ev('started'), error({ code: 'DECODE_TIMEOUT', retriable: false })]])], allowed);
    expect(v.valid).to.equal(false);
    expect(v.detail).to.contain('t1: retriable=false');
    const w = ErrorsExplicit(
      [task('t2', 5, [[ev('started'), error({ code: 'WORKER_RESET', retriable: true })]])],
      allowedCodes(['network.latency']),
    );
    expect(w.detail).to.contain('t2: code WORKER_RESET is not one this scenario');
    expect(ErrorsExplicit([task('t3', 5, [[ev('started'), error({ code: 'DECODE_TIMEOUT', retriable: true })]])], allowed).valid).to.equal(
      true,
    );
  });

  it('an error in a steady-state scenario is never allowed', () => {
    const v = ErrorsExplicit([task('t1', 5, [[ev('started'), error({ code: 'WORKER_RESET', retriable: true })]])], allowedCodes(['none']));
    expect(v.valid).to.equal(false);
  });

  it('an end the client never saw, even if the status endpoint says completed', () => {
    const resolved = { task_id: 't1', state: 'completed' as const, attempts: 1, tokens_out: 3, created_ms: 0 };
    const v = AdmittedTasksEnded([task('t1', 3, [[ev('started'), tok(0)]], { resolved })]);
    expect(v.valid).to.equal(false);
    expect(v.detail).to.contain('t1: no terminal event seen').and.contain('status endpoint says completed');
  });

  it('an admitted task whose stream showed nothing at all', () => {
    expect(AdmittedTasksEnded([task('t1', 3, [])]).detail).to.contain('t1: no terminal event seen');
    expect(StreamsWellFormed([task('t1', 3, [[]])]).detail).to.contain('t1: admitted but its stream showed no event');
  });

  it('a token received well after the cancel was acknowledged, whatever tokens_out says, or beyond what it counts', () => {
    const r = task('t1', 10, [[ev('started', {}, 1), tok(0, 5), tok(1, 80), end(2, { canceled: true })]], { canceledAt: 20 });
    const v = NoTokenAfterCancel([r]);
    expect(v.valid).to.equal(false);
    expect(v.detail).to.contain('t1: 1 token(s) after the cancel was acknowledged');
    expect(v.detail).to.contain('first index 1 at +60 ms');
    // Sent before the cancel (its end counts it) and read a moment after the 204, on the other connection: in flight.
    const inFlight = task('t4', 10, [[ev('started', {}, 1), tok(0, 5), tok(1, 23), end(2, { canceled: true })]], { canceledAt: 20 });
    expect(NoTokenAfterCancel([inFlight]).valid).to.equal(true);
    const uncounted = task('t5', 10, [[ev('started', {}, 1), tok(0, 5), tok(1, 23), end(1, { canceled: true })]], { canceledAt: 20 });
    expect(NoTokenAfterCancel([uncounted]).detail).to.contain('first index 1 at +3 ms');
    const ok = task('t2', 10, [[ev('started', {}, 1), tok(0, 5), ev('end', { tokens_out: 1, canceled: true }, 25)]], { canceledAt: 20 });
    expect(NoTokenAfterCancel([ok]).valid).to.equal(true);
    // A stream opened after the cancel replays from the store a token the first stream had before it: not a new one.
    const replayed = task(
      't3',
      10,
      [
        [ev('started', {}, 1), tok(0, 5)],
        [tok(0, 30), ev('end', { tokens_out: 1, canceled: true }, 31)],
      ],
      {
        canceledAt: 20,
      },
    );
    expect(NoTokenAfterCancel([replayed]).valid).to.equal(true);
  });

  it('a canceled task that then ends as an error', () => {
    const r = task('t1', 10, [[ev('started', {}, 1), ev('error', { code: 'WORKER_RESET' }, 30)]], { canceledAt: 20 });
    expect(NoTokenAfterCancel([r]).detail).to.contain('t1: ended as error after its cancel was acknowledged');
  });

  it('a duplicate token across a reconnect', () => {
    const dup = task('t1', 3, [
      [ev('started'), tok(0), tok(1)],
      [tok(1), tok(2), end(3)],
    ]);
    expect(StreamsWellFormed([dup]).detail).to.contain('t1: duplicate token index 1');
  });

  it('anything after the terminal event (OC-CTRL-2029)', () => {
    const v = StreamsWellFormed([task('t1', 3, [[ev('started'), tok(0), error({ code: 'WORKER_RESET' }), tok(1)]])]);
    expect(v.detail).to.contain('t1: token after the terminal error');
  });

  it('a submission that never got an answer', () => {
    const r = task('t1', 3, [], { admission: undefined, transportError: 'ECONNREFUSED' });
    expect(SubmissionsAnswered([r]).detail).to.contain('t1: no answer (ECONNREFUSED)');
  });

  it('a refusal without a retry hint, or with a code the faults do not allow', () => {
    const refused = (id: string, body: Record<string, unknown>, headers: Record<string, string>): TaskRecord =>
      task(id, 3, [], { admission: { status: 503, body, headers, elapsedMs: 1 } });
    const good = { code: 'POOL_UNAVAILABLE', message: 'no replica', retriable: true, retry_after_ms: 1000 };
    expect(RefusalsExplicit([refused('t1', good, { 'retry-after': '1' })], allowedCodes(['network.down'])).valid).to.equal(true);
    expect(RefusalsExplicit([refused('t2', good, {})], allowedCodes(['network.down'])).detail).to.contain(
      't2 (HTTP 503): Retry-After=undefined',
    );
    expect(RefusalsExplicit([refused('t3', good, { 'retry-after': '1' })], allowedCodes(['none'])).detail).to.contain(
      't3 (HTTP 503): code POOL_UNAVAILABLE',
    );
  });

  it('a disturbed stream that differs from an undisturbed run, and a rerun that never finished', () => {
    expect(StreamsMatchUndisturbedRuns([{ taskId: 't1', disturbed: 'abc', undisturbed: 'abd', rerunOutcome: 'end' }]).detail).to.contain(
      't1: disturbed stream',
    );
    const v = StreamsMatchUndisturbedRuns([{ taskId: 't2', disturbed: 'abc', rerunOutcome: 'error' }]);
    expect(v.valid).to.equal('unknown');
    expect(v.detail).to.contain('t2 (error)');
  });

  it('a completed task no engine logged, or logged on another replica than the orchestrator says', () => {
    const r = whole('t7', 3);
    expect(EnginesAgree([r], [], new Map()).detail).to.contain('t7: the client received 3 tokens but no engine logged');
    const v = EnginesAgree([r], [{ replica: 'r2', seed: 7, tokens: 3 }], new Map([['t7', 'r1']]));
    expect(v.detail).to.contain('t7: the orchestrator says replica r1 served it, the engines say r2');
    expect(EnginesAgree([r], [{ replica: 'r1', seed: 7, tokens: 3 }], new Map([['t7', 'r1']])).valid).to.equal(true);
  });

  it('a dispatch started after the orchestrator itself marked the replica unavailable', () => {
    const changes = [
      { replica: 'r1', at: 0, available: true },
      { replica: 'r1', at: 100, available: false },
      { replica: 'r1', at: 200, available: true },
    ];
    expect(NoDispatchToKnownDown([{ replica: 'r1', at: 150, reason: 'x' }], changes, 1).detail).to.contain('attempt to replica r1');
    expect(
      NoDispatchToKnownDown(
        [
          { replica: 'r1', at: 50, reason: 'x' },
          { replica: 'r1', at: 250, reason: 'x' },
        ],
        changes,
        2,
      ).valid,
    ).to.equal(true);
    // In the same millisecond, the log's order decides: a dispatch logged before the change was not to a known-down replica.
    const sameMs = [
      { replica: 'r1', at: 90, available: true, seq: 2 },
      { replica: 'r1', at: 100, available: false, seq: 7 },
    ];
    expect(NoDispatchToKnownDown([{ replica: 'r1', at: 100, reason: 'x', seq: 6 }], sameMs, 1).valid).to.equal(true);
    expect(NoDispatchToKnownDown([{ replica: 'r1', at: 100, reason: 'x', seq: 8 }], sameMs, 1).valid).to.equal(false);
  });

  it('cannot decide, and so fails, when its evidence is missing', () => {
    const changes = [{ replica: 'r1', at: 0, available: true }];
    const none = NoDispatchToKnownDown([], changes, 3);
    expect(none.valid).to.equal('unknown');
    expect(none.detail).to.contain('no dispatch attempt');
    const blind = NoDispatchToKnownDown([{ replica: 'r2', at: 150, reason: 'x' }], changes, 1);
    expect(blind.valid).to.equal('unknown');
    expect(blind.detail).to.contain('never stated');
    expect(NoDispatchToKnownDown([], changes, 0).valid, 'no task ran: nothing to dispatch').to.equal(true);
  });

  it('liveness: a slow answer or silence outside an excused window fails; inside it does not', () => {
    const samples = [
      { at: 0, ok: true, seen: 'HTTP 200', excused: false },
      { at: 100, ok: false, seen: 'ECONNREFUSED', excused: true },
      { at: 200, ok: true, seen: 'HTTP 200', excused: false },
    ];
    expect(OrchestratorStayedLive(samples, [], 1000).valid).to.equal(true);
    expect(OrchestratorStayedLive([...samples, { at: 300, ok: false, seen: 'ECONNREFUSED', excused: false }], [], 1000).valid).to.equal(
      false,
    );
    const slow = task('t1', 1, [], { admission: { status: 202, body: {}, headers: {}, elapsedMs: 2500 } });
    expect(OrchestratorStayedLive(samples, [slow], 1000).detail).to.contain('submission of t1 answered after 2500 ms');
    expect(OrchestratorStayedLive([], [], 1000).valid).to.equal('unknown');
    const resent = task('t2', 1, [], { admission: { status: 202, body: {}, headers: {}, elapsedMs: 5 }, resends: ['ECONNRESET'] });
    expect(OrchestratorStayedLive(samples, [resent], 1000).detail, 'answered only on its resend').to.contain(
      'submission of t2: 1 send(s) got no answer',
    );
    expect(OrchestratorStayedLive(samples, [{ ...resent, excused: true }], 1000).valid, 'while stopped on purpose').to.equal(true);
  });

  it('the whole checker: a clean history passes, evidence the profile cannot give is unknown (a failure)', () => {
    const e = {
      records: [whole('t1', 2)],
      allowed: any,
      generatesMaxTokens: true,
      samples: [{ at: 0, ok: true, seen: '', excused: false }],
      answerBoundMs: 1000,
      reruns: [],
      servedBy: new Map(),
    };
    const dispatch = { attempts: [{ replica: 'r1', at: 5, reason: 'x' }], availability: [{ replica: 'r1', at: 0, available: true }] };
    const all = judgeHistory({ ...e, generations: [{ replica: 'r1', seed: 1, tokens: 2 }], ...dispatch });
    expect(compose(all)).to.equal(true);
    const noDispatchLines = judgeHistory({ ...e, generations: [{ replica: 'r1', seed: 1, tokens: 2 }], attempts: [], availability: [] });
    expect(compose(noDispatchLines), 'a task streamed yet no dispatch is logged: the evidence is missing').to.equal('unknown');
    const missing = judgeHistory(e);
    expect(compose(missing)).to.equal('unknown');
    expect(missing.find((v) => v.check === 'EnginesAgree')?.detail).to.contain('evidence.engineGeneration');
  });

  it('every fault kind has a row in the table of allowed errors', () => {
    expect(Object.keys(FAULTS).filter((k) => !(k in ALLOWED_ERRORS))).to.deep.equal([]);
  });

  it('compose: false outranks unknown, unknown outranks true', () => {
    const v = (valid: true | false | 'unknown') => ({ check: 'x', valid, detail: '' });
    expect(compose([v(true), v('unknown'), v(false)])).to.equal(false);
    expect(compose([v(true), v('unknown')])).to.equal('unknown');
    expect(compose([v(true)])).to.equal(true);
  });
});

describe('the metrics judged under any schedule (metricsBoundsMismatches)', () => {
  // Two admitted tasks: one streamed 3 tokens (its prompt of 5 tokens evaluated at least once), one failed unstarted.
  const streamed = task('t1', 3, [[ev('started'), ...toks(3), end(3)]]);
  const unstarted = task('t2', 3, [[error({ code: 'POOL_UNAVAILABLE', retriable: true })]]);
  const prompts = new Map([[streamed.request.prompt ?? '', 5]]);
  const metrics = (enqueued: number, started: number, out: number, tokensIn: number): string =>
    `tasks_enqueued_total ${enqueued}\ntasks_started_total{replica_id="r1"} ${started}\ntokens_out_total ${out}\ntokens_in_total ${tokensIn}\n`;

  it('passes counts that a retry may raise: a prompt evaluated twice, a task started twice', () => {
    expect(metricsBoundsMismatches(metrics(2, 2, 3, 10), [streamed, unstarted], prompts)).to.deep.equal([]);
  });

  it('fails tokens not counted, prompts not counted, an admission counted twice and a streamed task never started', () => {
    expect(metricsBoundsMismatches(metrics(2, 1, 0, 5), [streamed, unstarted], prompts).join()).to.contain('tokens_out_total 0');
    expect(metricsBoundsMismatches(metrics(2, 1, 3, 0), [streamed, unstarted], prompts).join()).to.contain('tokens_in_total 0');
    expect(metricsBoundsMismatches(metrics(3, 1, 3, 5), [streamed, unstarted], prompts).join()).to.contain('tasks_enqueued_total 3');
    expect(metricsBoundsMismatches(metrics(2, 0, 3, 5), [streamed, unstarted], prompts).join()).to.contain('tasks_started_total 0');
  });
});

describe('the cancel count (refusalAndCancelCountMismatches)', () => {
  const counted = (n: number): string => `tasks_canceled_total{reason="client"} ${n}\n`;
  const canceled = task('t1', 5, [[ev('started'), tok(0), ev('end', { canceled: true, tokens_out: 1 })]], { canceledAt: 5 });
  // Cancels are idempotent: a 204 for a task that had already failed cancels nothing, and is not counted.
  const alreadyFailed = task('t2', 5, [[error({ code: 'WORKER_RESET', retriable: true })]], { canceledAt: 9 });

  it('counts the cancels that took effect, not a 204 for a task already ended', () => {
    expect(refusalAndCancelCountMismatches(counted(1), [canceled, alreadyFailed])).to.deep.equal([]);
  });

  it('fails cancels not counted', () => {
    expect(refusalAndCancelCountMismatches(counted(0), [canceled, alreadyFailed]).join()).to.contain('had 204 for 1');
  });
});
