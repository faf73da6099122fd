import { describe, it } from 'node:test';
import { expect } from 'chai';
import { EnginesAgree, EnginesAgreeInTotal } from '../../support/checks/engines';
import type { TaskRecord } from '../../support/history/history';
import { newTask } from '../../support/orchestrator/client';

/** A task of 3 tokens, submitted and ended at the given epoch ms, served whole. */
function at(id: string, submittedAt: number, endAt: number): TaskRecord {
  const tokens = [0, 1, 2].map((i) => ({ event: 'token', data: { t: `w${i}`, i }, id: String(i), at: endAt }));
  return {
    taskId: id,
    request: newTask({ task_id: id, max_tokens: 3, seed: Number(id.slice(1)) }),
    submittedAt,
    admission: { status: 202, body: { task_id: id }, headers: {}, elapsedMs: 1 },
    streams: [{ openedAt: submittedAt, events: [...tokens, { event: 'end', data: { tokens_out: 3 }, at: endAt }] }],
  };
}

// The engines' log was last seen complete at 100 (right before its disk filled); space returned at 200.
const gaps = [{ from: 100, to: 200 }];

describe("engines' log gaps: an unlogged task is excused only where its engine may have logged it while the log was gone", () => {
  const cases: [string, TaskRecord, boolean][] = [
    ['ended before the logs were seen complete', at('t1', 50, 99), false],
    ['ended inside the gap', at('t2', 50, 150), true],
    ['submitted before the heal, ended after it (logged before its end reached the client)', at('t3', 190, 230), true],
    ['submitted after the heal', at('t4', 201, 230), false],
  ];
  for (const [what, task, excused] of cases)
    it(`${what}: ${excused ? 'excused' : 'judged'}`, () => {
      expect(EnginesAgree([task], [], new Map(), gaps).valid).to.equal(excused);
      expect(EnginesAgreeInTotal([task], [{ replica: 'r1', tokens: 0 }], new Map([[task.taskId, 'r1']]), gaps).valid).to.equal(excused);
    });
});
