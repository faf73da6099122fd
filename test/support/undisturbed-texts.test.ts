import { describe, it } from 'node:test';
import { expect } from 'chai';
import type { TaskRecord } from '../../support/history/history';
import { Timeline } from '../../support/core/timeline';
import { HealFailed } from '../../support/core/errors';
import { undisturbedRunOf } from '../../support/cucumber/verdict';
import type { ChaosWorld } from '../../support/cucumber/world';
import { rerunDisturbed } from '../../support/load/reruns';
import { textKeyOf, tunesDecidingTexts, UndisturbedTexts } from '../../support/load/undisturbed-texts';
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

  it("leaves the seed out of what decides a text only where the target's profile says the seed decides none", () => {
    const request = newTask({ seed: 3, max_tokens: 200 });
    expect(textKeyOf('t', { ...request, seed: 4 }, false)).to.equal(textKeyOf('t', request, false));
    expect(textKeyOf('t', { ...request, seed: 4, max_tokens: 199 }, false)).to.not.equal(textKeyOf('t', request, false));
    expect(textKeyOf('t', { ...request, seed: 4 })).to.not.equal(textKeyOf('t', request));
    const texts = new UndisturbedTexts();
    texts.set('t', request, { text: 'abc', from: 'rerun x' }, false);
    expect(texts.get('t', { ...request, seed: 4 }, false)?.text).to.equal('abc');
    expect(texts.get('t', { ...request, seed: 4 }), 'asked as for a target whose seed decides').to.equal(undefined);
    expect(loadProfile('profiles/llamacpp.json').seedDecidesText, 'greedy llama-server').to.equal(false);
    expect(loadProfile('profiles/reference.json').seedDecidesText, "the reference engine's tokens hash the seed").to.equal(true);
  });

  it('reruns one task per text key, serves its text to the others of the key, and reruns them each if it did not complete', async () => {
    const sent: TaskRequest[] = [];
    const workload = (failSeed?: number) =>
      ({
        async submit(r: TaskRequest) {
          sent.push(r);
          const run = streamed(r, 'same');
          if (r.seed === failSeed) run.streams[0].events = [{ event: 'error', data: { code: 'INTERNAL' }, at: 0 } as never];
          return { ...run, admission: { status: 202, body: {}, headers: {}, elapsedMs: 1 } };
        },
      }) as unknown as Workload;
    const disturbed = [1, 2, 3].map((seed) => streamed(newTask({ seed, max_tokens: 4 }), 'same'));
    const memo = (texts: UndisturbedTexts) => ({ target: 't', seedDecidesText: false, texts, scenarioDir: 's' });
    const texts = new UndisturbedTexts();
    const pairs = await rerunDisturbed(workload(), disturbed, Date.now() + 1000, 4, memo(texts));
    expect(sent.map((r) => r.seed)).to.deep.equal([1]);
    expect(pairs.map((p) => p.undisturbed)).to.deep.equal(['same', 'same', 'same']);
    expect(new Set(pairs.map((p) => p.undisturbedFrom)).size, 'all from the one rerun').to.equal(1);
    sent.length = 0;
    const failing = await rerunDisturbed(workload(1), disturbed, Date.now() + 1000, 4, memo(new UndisturbedTexts()));
    expect(
      sent.map((r) => r.seed),
      'the first failed: the others rerun each',
    ).to.deep.equal([1, 2, 3]);
    expect(failing.map((p) => p.undisturbed)).to.deep.equal([undefined, 'same', 'same']);
    sent.length = 0;
    await rerunDisturbed(workload(), disturbed, Date.now() + 1000, 4, { ...memo(new UndisturbedTexts()), seedDecidesText: true });
    expect(
      sent.map((r) => r.seed),
      'where the seed decides, each its own',
    ).to.deep.equal([1, 2, 3]);
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
