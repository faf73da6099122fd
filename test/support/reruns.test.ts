import { describe, it } from 'node:test';
import { expect } from 'chai';
import type { TaskRecord } from '../../support/history/history';
import { rerunDisturbed } from '../../support/load/reruns';
import type { Workload } from '../../support/load/workload';
import { newTask, type TaskRequest } from '../../support/orchestrator/client';

type Ending = { tokens: string[]; end: 'end' | 'error'; data?: Record<string, unknown> };

/** A workload that admits every task and plays `endings` in turn (each task already ended), remembering what it sent. */
function scripted(endings: Ending[]): { workload: Workload; sent: TaskRequest[] } {
  const sent: TaskRequest[] = [];
  const workload = {
    async submit(request: TaskRequest): Promise<TaskRecord> {
      sent.push(request);
      const e = endings[Math.min(sent.length - 1, endings.length - 1)];
      const now = Date.now();
      const events = [
        ...e.tokens.map((t, i) => ({ event: 'token', id: String(i), data: { i, t }, at: now })),
        { event: e.end, data: e.data ?? {}, at: now },
      ];
      return {
        taskId: request.task_id,
        request,
        submittedAt: now,
        streams: [{ openedAt: now, events }],
        admission: { status: 202, body: {}, headers: {}, elapsedMs: 1 },
      } as unknown as TaskRecord;
    },
  } as unknown as Workload;
  return { workload, sent };
}

const disturbed = (): TaskRecord => {
  const request = newTask({ prompt: 'p', seed: 3, max_tokens: 2 });
  return { taskId: request.task_id, request, submittedAt: 0, streams: [] } as unknown as TaskRecord;
};
const queueTimeout = { code: 'POOL_UNAVAILABLE', retriable: true, retry_after_ms: 10 };

describe('the undisturbed reruns of the identical-text check', () => {
  it('send again a rerun that never began (given up in the queue with a retriable error and no token)', async () => {
    const { workload, sent } = scripted([
      { tokens: [], end: 'error', data: queueTimeout },
      { tokens: ['a', 'b'], end: 'end' },
    ]);
    const [rerun] = await rerunDisturbed(workload, [disturbed()], Date.now() + 5000, 1);
    expect(rerun).to.include({ undisturbed: 'ab', rerunOutcome: 'end' });
    expect(sent).to.have.length(2);
  });

  it('keep a rerun that failed after its first token, or failed for good, as it ended (the check then cannot decide)', async () => {
    for (const ending of [
      { tokens: ['a'], end: 'error', data: queueTimeout },
      { tokens: [], end: 'error', data: { code: 'INVALID_PARAMS', retriable: false } },
    ] as Ending[]) {
      const { workload, sent } = scripted([ending, { tokens: ['a', 'b'], end: 'end' }]);
      const [rerun] = await rerunDisturbed(workload, [disturbed()], Date.now() + 5000, 1);
      expect(rerun, JSON.stringify(ending)).to.include({ undisturbed: undefined, rerunOutcome: 'error' });
      expect(sent).to.have.length(1);
    }
  });
});
