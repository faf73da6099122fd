import { describe, it } from 'node:test';
import { expect } from 'chai';
import type { TaskRecord } from '../../support/history/history';
import { Timeline } from '../../support/core/timeline';
import { HealFailed } from '../../support/core/errors';
import { undisturbedRunOf } from '../../support/cucumber/verdict';
import type { ChaosWorld } from '../../support/cucumber/world';
import { rerunDisturbed } from '../../support/load/reruns';
import { tunesDecidingTexts, UndisturbedTexts } from '../../support/load/undisturbed-texts';
import { loadProfile } from '../../support/stack/profile';
import type { Workload } from '../../support/load/workload';
import { newTask, type TaskRequest } from '../../support/orchestrator/client';

/** A task record that streamed `text` as one token per character and ended. */
function streamed(request: TaskRequest, text: string): TaskRecord {
  const events = [...text].map((t, i) => ({ event: 'token', id: String(i), data: { t, i }, at: i }));
  return {
    taskId: request.task_id,
    request,
    submittedAt: 0,
    streams: [{ openedAt: 0, events: [...events, { event: 'end', data: { tokens_out: text.length }, at: 99 }] }],
  } as unknown as TaskRecord;
}

/** A workload that fails the test if anything is submitted. */
const noSubmit = {
  submit: () => {
    throw new Error('a rerun was submitted although its text was known');
  },
} as unknown as Workload;

describe('the undisturbed texts a worker already has: one rerun per request and target', () => {
  it('knows a request again under a new task id, and not with another seed, length or target', () => {
    const texts = new UndisturbedTexts();
    const request = newTask({ seed: 3, max_tokens: 200 });
    texts.set('target A', request, { text: 'abc', from: 'rerun x' });
    expect(texts.get('target A', { ...request, task_id: 'another id' })?.text).to.equal('abc');
    expect(texts.get('target A', { ...request, seed: 4 })).to.equal(undefined);
    expect(texts.get('target A', { ...request, max_tokens: 199 })).to.equal(undefined);
    expect(texts.get('target B', request)).to.equal(undefined);
  });

  it('pairs a disturbed task with the text already known, submitting nothing, and says where the text came from', async () => {
    const texts = new UndisturbedTexts();
    const request = newTask({ seed: 1 });
    texts.set('t', request, { text: 'hello', from: 'rerun r1 in 001-earlier' });
    const disturbed = streamed({ ...request, task_id: 'd1' }, 'hellp');
    const [pair] = await rerunDisturbed(noSubmit, [disturbed], Date.now() + 1000, 4, { target: 't', texts, scenarioDir: '002-now' });
    expect(pair).to.deep.include({
      taskId: 'd1',
      disturbed: 'hellp',
      undisturbed: 'hello',
      undisturbedFrom: 'rerun r1 in 001-earlier',
      earlier: true,
    });
  });

  it('keeps nothing without a memo, and reruns whatever it does not know', async () => {
    const texts = new UndisturbedTexts();
    const sent: TaskRequest[] = [];
    const workload = {
      async submit(r: TaskRequest) {
        sent.push(r);
        return { ...streamed(r, 'fresh'), admission: { status: 202, body: {}, headers: {}, elapsedMs: 1 } };
      },
    } as unknown as Workload;
    const request = newTask({ seed: 9 });
    const [pair] = await rerunDisturbed(workload, [streamed(request, 'fresh')], Date.now() + 1000, 4, {
      target: 't',
      texts,
      scenarioDir: 's',
    });
    expect(sent).to.have.length(1);
    expect(pair.undisturbed).to.equal('fresh');
    expect(texts.get('t', request)?.text, 'kept for the next scenario').to.equal('fresh');
    await rerunDisturbed(workload, [streamed(newTask({ seed: 10 }), 'fresh')], Date.now() + 1000, 4);
    expect(texts.size, 'nothing kept without a memo').to.equal(1);
  });

  it("tells targets apart by the tunes that reach the engines, not by the orchestrator's, and a default set is no change", () => {
    for (const file of ['profiles/reference.json', 'profiles/llamacpp.json']) {
      const profile = loadProfile(file);
      const none = tunesDecidingTexts(profile, {});
      const names = none.map(([name]) => name);
      expect(names, file).to.include('restart-initial-ms');
      expect(names, file).to.not.include.members(['queue-timeout-ms', 'queue-capacity', 'dispatch-breaker-cooldown-ms', 'migration-limit']);
      expect(tunesDecidingTexts(profile, { 'queue-timeout-ms': '1000', 'migration-limit': '1' }), file).to.deep.equal(none);
      expect(tunesDecidingTexts(profile, { 'restart-initial-ms': '50' }), `${file}: its default`).to.deep.equal(none);
      expect(tunesDecidingTexts(profile, { 'restart-initial-ms': '1000' }), file).to.not.deep.equal(none);
    }
    expect(tunesDecidingTexts(loadProfile('profiles/reference.json'), { 'engine-bytes-per-token': '1048576' })).to.deep.include([
      'engine-bytes-per-token',
      '1048576',
    ]);
  });

  it("a Then's undisturbed run heals the scenario's faults first, and a heal that fails fails it before any rerun", async () => {
    const order: string[] = [];
    const world = (healErrors: HealFailed[]): ChaosWorld =>
      ({
        timeline: new Timeline(),
        faults: {
          async healAll() {
            order.push('heal');
            return healErrors;
          },
        },
        workload: {
          async submit(r: TaskRequest) {
            order.push('rerun');
            return { ...streamed(r, 'same'), admission: { status: 202, body: {}, headers: {}, elapsedMs: 1 } };
          },
        },
        // A reloaded pool: no memo, so that the rerun is sure to run here.
        part: () => ({ reloaded: true }),
      }) as unknown as ChaosWorld;
    const run = await undisturbedRunOf(world([]), streamed(newTask({ seed: 2 }), 'same'));
    expect(order).to.deep.equal(['heal', 'rerun']);
    expect(run).to.deep.include({ disturbed: 'same', undisturbed: 'same', rerunOutcome: 'end' });
    order.length = 0;
    const failed = new HealFailed('the toxic is still listed');
    let thrown: unknown;
    await undisturbedRunOf(world([failed]), streamed(newTask({ seed: 3 }), 'same')).catch((err) => {
      thrown = err;
    });
    expect(thrown).to.equal(failed);
    expect(order, 'no rerun on a stack whose fault may still be there').to.deep.equal(['heal']);
  });
});
