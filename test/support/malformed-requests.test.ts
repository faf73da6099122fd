import { describe, it } from 'node:test';
import { expect } from 'chai';
import type { TaskRecord } from '../../support/history/history';
import { malformedRefusalProblems } from '../../support/checks/refusals';
import { MALFORMED_FIELDS, malformedField, malformedTask } from '../../support/load/tasks';
import { newTask } from '../../support/orchestrator/client';

/** A record of `request` answered with `status` and `body` in `elapsedMs`. */
const answered = (status: number, body: object, elapsedMs = 5): TaskRecord =>
  ({ taskId: 't1', request: newTask(), submittedAt: 0, streams: [], admission: { status, body, headers: {}, elapsedMs } }) as TaskRecord;

describe('requests the contract does not allow (OC-CTRL-2034)', () => {
  it('each breaks exactly one field, which can be told from the request alone', () => {
    expect(malformedField(newTask())).to.equal(undefined);
    MALFORMED_FIELDS.forEach(({ field }, k) => {
      const broken = malformedTask(newTask(), k) as unknown as Record<string, unknown>;
      const valid = newTask() as unknown as Record<string, unknown>;
      const changed = Object.keys(valid).filter((key) => key !== 'task_id' && broken[key] !== valid[key]);
      expect(changed, `request ${k}`).to.deep.equal([field]);
      expect(malformedField(broken as never)).to.equal(field);
    });
  });

  it('accepts a fast 400 with the code, not retriable, naming the field; names each way an answer falls short', () => {
    const good = { code: 'INVALID_PARAMS', message: 'invalid request: body/ctx must be integer', retriable: false };
    expect(malformedRefusalProblems(answered(400, good), 'INVALID_PARAMS', 'ctx', 1000)).to.be.empty;
    const problems = (status: number, body: object, elapsedMs?: number) =>
      malformedRefusalProblems(answered(status, body, elapsedMs), 'INVALID_PARAMS', 'ctx', 1000).join();
    expect(problems(202, { task_id: 't1' })).to.match(/HTTP 202, expected 400/);
    expect(problems(400, { ...good, retriable: true })).to.match(/retriable=true/);
    expect(problems(400, { ...good, message: 'invalid request' })).to.match(/does not name ctx/);
    expect(problems(400, { ...good, code: 'POOL_UNAVAILABLE' })).to.match(/code POOL_UNAVAILABLE/);
    expect(problems(400, good, 1500)).to.match(/more than 1000 ms/);
  });
});
