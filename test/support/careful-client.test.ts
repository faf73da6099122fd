import { describe, it } from 'node:test';
import { expect } from 'chai';
import type { TaskRecord } from '../../support/history/history';
import { retriableHint, submitCarefully } from '../../support/load/tasks';
import type { Workload } from '../../support/load/workload';
import { newTask, type TaskRequest } from '../../support/orchestrator/client';

/** A workload whose answers are scripted: each submit takes the next status and body, and is remembered. */
function scripted(answers: { status: number; body?: Record<string, unknown> }[]): { workload: Workload; sent: TaskRequest[] } {
  const sent: TaskRequest[] = [];
  const workload = {
    async submit(request: TaskRequest): Promise<TaskRecord> {
      sent.push(request);
      const a = answers[Math.min(sent.length - 1, answers.length - 1)];
      return {
        taskId: request.task_id,
        request,
        submittedAt: Date.now(),
        streams: [],
        admission: { ...a, body: a.body ?? {}, headers: {}, elapsedMs: 1 },
      } as TaskRecord;
    },
  } as unknown as Workload;
  return { workload, sent };
}

const shed = { status: 503, body: { code: 'POOL_UNAVAILABLE', retriable: true, retry_after_ms: 20 } };

describe('the careful client: a refused task is sent again after the refusal’s retry hint', () => {
  it('sends it again, under a new id with the same request, once the hint has passed, until admitted', async () => {
    const { workload, sent } = scripted([shed, shed, { status: 202, body: { task_id: 'x' } }]);
    const started = Date.now();
    const last = await submitCarefully(workload, newTask({ prompt: 'p', seed: 7, max_tokens: 5 }), Date.now() + 5000, retriableHint);
    expect(last.admission?.status).to.equal(202);
    expect(sent).to.have.length(3);
    expect(new Set(sent.map((r) => r.task_id)).size, 'a new id each time').to.equal(3);
    expect(sent.map((r) => [r.prompt, r.seed, r.max_tokens])).to.deep.equal([
      ['p', 7, 5],
      ['p', 7, 5],
      ['p', 7, 5],
    ]);
    expect(Date.now() - started, 'two hints of 20 ms waited').to.be.at.least(38);
  });

  it('takes a refusal without a retriable flag and a hint as final', async () => {
    for (const body of [
      { code: 'INVALID_PARAMS', retriable: false, retry_after_ms: 0 },
      { code: 'POOL_UNAVAILABLE', retriable: true },
    ]) {
      const { workload, sent } = scripted([{ status: 400, body }, { status: 202 }]);
      const last = await submitCarefully(workload, newTask(), Date.now() + 5000, retriableHint);
      expect(last.admission?.status, JSON.stringify(body)).to.equal(400);
      expect(sent).to.have.length(1);
    }
  });

  it('stops at its deadline with the last refusal', async () => {
    const { workload, sent } = scripted([shed]);
    const last = await submitCarefully(workload, newTask(), Date.now() + 50, retriableHint);
    expect(last.admission?.status).to.equal(503);
    expect(sent.length).to.be.within(2, 5);
  });
});
