import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { expect } from 'chai';
import fc from 'fast-check';
import { FAULTS, FORMS, explorableHere as formsHere } from '../../support/faults/registry';
import { loadProfile } from '../../support/stack/profile';
import type { NotExplorable } from '../../support/faults/explore-form';
import { scheduleFeature, stepCount } from '../../support/explore/feature';
import type { Envelope } from '@cucumber/messages';
import { readOutcome, signatureOf } from '../../support/cucumber/scenario-runner';
import { describeSchedule, type FaultEvent, faultWeights, normalise, scheduleArb, within } from '../../support/explore/schedule';
import { tempDir } from '../temp-dir';

const ROOT = path.resolve(__dirname, '..', '..');
const REFERENCE = loadProfile(path.join(ROOT, 'profiles', 'reference.json'));
const explorableHere = (isRoot: boolean): string[] => formsHere(isRoot, REFERENCE.capabilities);
const workload = {
  replicas: 2,
  rate: 2,
  loadTokens: 20,
  batch: 1,
  batchTokens: 40,
  poison: 0,
  resubmit: false,
  cancelLast: false,
  leave: false,
  failover: false,
  dropOldest: false,
};
const ev = (fault: FaultEvent['fault'], replica: string, atMs: number, forMs = 500): FaultEvent => ({
  fault,
  replica,
  atMs,
  forMs,
  magnitude: 0,
});

describe('explorer schedules', () => {
  it('are the same for the same seed, and differ for another', () => {
    const arb = scheduleArb(explorableHere(true));
    const a = fc.sample(arb, { seed: 7, numRuns: 20 }).map(describeSchedule);
    expect(fc.sample(arb, { seed: 7, numRuns: 20 }).map(describeSchedule)).to.deep.equal(a);
    expect(fc.sample(arb, { seed: 8, numRuns: 20 }).map(describeSchedule)).to.not.deep.equal(a);
  });

  it('draw only registered fault kinds, and no fault needing root for a user without it', () => {
    for (const f of Object.values(FORMS)) expect(Object.hasOwn(FAULTS, f.kind), f.kind).to.equal(true);
    const drawn = fc.sample(scheduleArb(explorableHere(false)), { seed: 1, numRuns: 200 }).flatMap((s) => s.events);
    expect(drawn.filter((e) => FORMS[e.fault].privileged)).to.deep.equal([]);
  });

  it('draw every kind of the registry that declares forms, and say why of each that does not', () => {
    // The explorer's alphabet is read from the registry alone: a kind added there with its forms is drawn, unless the
    // profile lacks what a form needs (root aside, the reference profile offers every capability a form names).
    const drawable = new Set(explorableHere(true).map((n) => FORMS[n].kind));
    const declared = Object.entries(FAULTS).filter(([, e]) => !('notExplorable' in e.explore));
    expect(declared.map(([k]) => k).filter((k) => !drawable.has(k as never))).to.deep.equal([]);
    const drawn = new Set(
      fc.sample(scheduleArb(explorableHere(true)), { seed: 2, numRuns: 400 }).flatMap((s) => s.events.map((e) => FORMS[e.fault].kind)),
    );
    expect([...drawable].filter((k) => !drawn.has(k))).to.deep.equal([]);
    for (const [kind, e] of Object.entries(FAULTS))
      if ('notExplorable' in e.explore)
        expect((e.explore as NotExplorable).notExplorable.length, `${kind}: why it is not explorable`).to.be.greaterThan(40);
    // A profile without a form's capability does not draw it: llama-server has no stream-end hook.
    const llamacpp = loadProfile(path.join(ROOT, 'profiles', 'llamacpp.json'));
    expect(formsHere(true, llamacpp.capabilities)).to.not.include('engine-stream-end');
  });

  it('keep every event on a replica of the pool, at most 4 events, and never two on one place at once', () => {
    for (const s of fc.sample(scheduleArb(explorableHere(true)), { seed: 3, numRuns: 300 })) {
      expect(s.events.length).to.be.within(1, 4);
      for (const e of s.events) expect(Number(e.replica.slice(1))).to.be.within(1, s.workload.replicas);
    }
    const folded = normalise({ workload, events: [ev('engine-hang', 'r3', 0), ev('engine-kill', 'r1', 100)] });
    expect(folded.events.map((e) => e.replica)).to.deep.equal(['r1']); // r3 folds onto r1, whose engine is then busy
  });

  it('drop what cannot run beside the pool manager or the orchestrator being gone', () => {
    const pm = normalise({
      workload,
      events: [ev('pool-manager-kill', 'r1', 0, 1000), ev('engine-kill', 'r2', 500), ev('link-stall', 'r2', 600)],
    });
    expect(pm.events.map((e) => e.fault)).to.deep.equal(['pool-manager-kill', 'link-stall']);
    // A link fault whose heal falls in the orchestrator's absence is dropped (its heal could not be verified).
    const orch = normalise({
      workload: { ...workload, cancelAfter: 1 },
      events: [ev('orchestrator-kill', 'r1', 0, 1000), ev('link-stall', 'r1', 200, 300)],
    });
    expect(orch.events.map((e) => e.fault)).to.deep.equal(['orchestrator-kill']);
    expect(orch.workload.cancelAfter, 'no cancel while the orchestrator is gone').to.equal(undefined);
    expect(within(1000, orch.events[0])).to.equal(true);
  });

  it('drop a fault whose heal reads the pool through a place another fault holds then', () => {
    // An engine asked to stop is healed by waiting for its restart in the orchestrator's view of the pool, which is
    // stale while the pool manager is cut off from it (found by the explorer, seed 1).
    const cut = (at: number, forMs: number) =>
      normalise({ workload, events: [ev('pool-manager-cut-off', 'r1', 0, 1000), ev('engine-term', 'r1', at, forMs)] });
    expect(cut(300, 500).events.map((e) => e.fault)).to.deep.equal(['pool-manager-cut-off']);
    expect(
      cut(300, 900).events.map((e) => e.fault),
      'healed after the cut ended',
    ).to.deep.equal(['pool-manager-cut-off', 'engine-term']);
    const before = normalise({ workload, events: [ev('engine-term', 'r1', 0, 600), ev('pool-manager-cut-off', 'r1', 400, 1000)] });
    expect(
      before.events.map((e) => e.fault),
      'a cut that begins before the heal',
    ).to.deep.equal(['engine-term']);
    // Nor while its own replica's link fails the orchestrator's probes (seed 4); another replica's link is no matter.
    const link = (replica: string) =>
      normalise({ workload, events: [ev('link-reset', replica, 0, 1000), ev('engine-term', 'r1', 300, 500)] });
    expect(link('r1').events.map((e) => e.fault)).to.deep.equal(['link-reset']);
    expect(link('r2').events.map((e) => e.fault)).to.deep.equal(['link-reset', 'engine-term']);
  });

  it('draw a reload only where no other fault acts at its instant, and nothing else while it lasts', () => {
    const reload = (at: number) => ev('pool-reload', 'r1', at);
    const kept = (...events: FaultEvent[]) => normalise({ workload, events }).events.map((e) => e.fault);
    expect(kept(ev('link-slow', 'r2', 0, 1000), reload(500)), 'a link still slow').to.deep.equal(['link-slow']);
    expect(kept(ev('link-slow', 'r2', 0, 400), reload(500)), 'a link healed before').to.deep.equal(['link-slow', 'pool-reload']);
    expect(kept(reload(0), ev('engine-kill', 'r1', 100)), 'a kill while it lasts').to.deep.equal(['pool-reload']);
    expect(kept(ev('orchestrator-log-unwritable', 'r1', 0), reload(2000)), 'a log closed to the end').to.deep.equal([
      'orchestrator-log-unwritable',
    ]);
    for (const s of fc.sample(scheduleArb(explorableHere(false)), { seed: 7, numRuns: 300 }))
      for (const e of s.events.filter((x) => FORMS[x.fault].alone))
        expect(
          s.events.filter((o) => o !== e && (within(e.atMs, o) || within(o.atMs, e))),
          describeSchedule(s),
        ).to.deep.equal([]);
  });

  it('draw no heavier steady load than a drawn form leaves the pool the headroom to recover from', () => {
    const heavy = { ...workload, replicas: 1, rate: 4, loadTokens: 80 };
    const starved = normalise({ workload: heavy, events: [ev('engine-starved', 'r1', 0)] }).workload;
    expect(starved.rate * starved.loadTokens, `${starved.rate}/s × ${starved.loadTokens}`).to.be.at.most(140);
    expect(starved).to.include({ rate: 1, loadTokens: 80 });
    expect(normalise({ workload: { ...heavy, replicas: 2 }, events: [ev('engine-starved', 'r1', 0)] }).workload.rate).to.equal(3);
    expect(normalise({ workload: heavy, events: [ev('link-slow', 'r1', 0)] }).workload, 'a form without a bound').to.include({
      rate: 4,
      loadTokens: 80,
    });
    for (const s of fc.sample(scheduleArb(explorableHere(true)), { seed: 3, numRuns: 300 }))
      if (s.events.some((e) => e.fault === 'engine-starved'))
        expect(s.workload.rate * s.workload.loadTokens, describeSchedule(s)).to.be.at.most(140 * s.workload.replicas);
  });

  it("draw a form that declares how long it lasts within its own range, and every other form within the explorer's", () => {
    const samples = fc.sample(scheduleArb(explorableHere(true)), { seed: 5, numRuns: 400 }).flatMap((s) => s.events);
    const hangs = samples.filter((e) => e.fault === 'engine-hang-streaming');
    expect(hangs.length, 'hangs once a task streams drawn in 400 schedules').to.be.greaterThan(5);
    for (const e of hangs) expect(e.forMs, 'a hang once a task streams, ms').to.be.within(1500, 7000);
    expect(new Set(hangs.map((e) => e.forMs)).size, 'hang lengths drawn').to.be.greaterThan(3);
    for (const e of samples.filter((x) => !FORMS[x.fault].lasts)) expect(e.forMs, e.fault).to.be.within(200, 2500);
  });

  it('draw a crash loop only on an engine no earlier fault touched, nor after the GPUs were lost', () => {
    const loop = ev('engine-crash-loop', 'r1', 2000);
    const after = (e: FaultEvent) => normalise({ workload, events: [e, loop] }).events.map((x) => x.fault);
    expect(after(ev('engine-term', 'r1', 0, 500)), 'its engine asked to stop before').to.deep.equal(['engine-term']);
    expect(after(ev('gpu-gone', 'r1', 0, 500)), 'the GPUs lost before').to.deep.equal(['gpu-gone']);
    expect(after(ev('engine-term', 'r2', 0, 500)), 'another engine').to.deep.equal(['engine-term', 'engine-crash-loop']);
    expect(after(ev('link-slow', 'r1', 0, 500)), 'its link').to.deep.equal(['link-slow', 'engine-crash-loop']);
  });

  it('weigh the faults per seed: the same seed the same mix, another seed another, and a weight shows in the draw', () => {
    const names = explorableHere(false);
    expect(faultWeights(1, names)).to.deep.equal(faultWeights(1, names));
    expect(faultWeights(1, names)).to.not.deep.equal(faultWeights(2, names));
    const heavy = Object.fromEntries(names.map((n, k) => [n, k === 0 ? 8 : 1]));
    const drawn = fc.sample(scheduleArb(names, heavy), { seed: 5, numRuns: 200 }).flatMap((s) => s.events.map((e) => e.fault));
    const share = drawn.filter((f) => f === names[0]).length / drawn.length;
    // 8 of 8 + (n - 1) weight units: about 0.4 for 12 kinds; uniform would be 1/12.
    expect(share).to.be.greaterThan(2 / names.length);
  });

  it('name what failed so that a shrunk schedule keeps it: the step without its numbers, or the failed checks', () => {
    expect(signatureOf('a new task completes within 5 s', 'x')).to.equal('step: a new task completes within N s');
    expect(signatureOf('After', 'History check StreamsWellFormed failed: …\nHistory check AdmittedTasksEnded could not decide')).to.equal(
      'check: AdmittedTasksEnded, StreamsWellFormed',
    );
  });

  it('tell a fault whose preflight showed it cannot apply (infeasible) from a failure of the stack, and count only a full run as passed', () => {
    const run = (type: string, message: string, step = 's1'): Envelope[] =>
      [
        { pickle: { steps: [{ id: 'p1', text: 'every connection to replica r1 is reset' }] } },
        {
          testCase: {
            testSteps: [
              { id: 's1', pickleStepId: 'p1' },
              { id: 'h1', hookId: 'x' },
            ],
          },
        },
        { testStepFinished: { testStepId: step, testStepResult: { status: 'FAILED', message, exception: { type, message } } } },
      ] as unknown as Envelope[];
    expect(readOutcome(run('FaultNotApplicable', 'Fault not applied: …')).status).to.equal('INFEASIBLE');
    // Applied, then not confirmed (the stack did not bring an engine back…): the stack's failure, not the schedule's.
    expect(readOutcome(run('FaultNotConfirmed', 'Fault not confirmed: …')).status).to.equal('FAILED');
    const failed = readOutcome(run('AssertionError', 'expected 503 to equal 202'));
    expect(failed).to.include({ passed: false, status: 'FAILED', signature: 'step: every connection to replica rN is reset' });
    // A fault not confirmed in the After hook (a heal that could not be verified) is a failure, not infeasible.
    expect(readOutcome(run('FaultNotConfirmed', 'History check X failed: …', 'h1')).status).to.equal('FAILED');
    // No step result at all, or a step or hook that never reported: nothing was judged, so nothing passed.
    expect(readOutcome(run('x', 'y').slice(0, 2))).to.include({ passed: false, status: 'NOT_RUN' });
    expect(readOutcome([]).status).to.equal('NOT_RUN');
    const passedStep = (id: string) => ({ testStepFinished: { testStepId: id, testStepResult: { status: 'PASSED' } } });
    expect(readOutcome([...run('x', 'y').slice(0, 2), passedStep('s1')] as unknown as Envelope[]).status, 'the checker never ran').to.equal(
      'NOT_RUN',
    );
    expect(readOutcome([...run('x', 'y').slice(0, 2), passedStep('s1'), passedStep('h1')] as unknown as Envelope[]).passed).to.equal(true);
  });

  it("judge a fault's promise to the tasks in flight only where no other fault acts from its instant to its heal", () => {
    const why = { seed: 1, profile: 'profiles/reference.json', capabilities: REFERENCE.capabilities };
    const stop = /every task streaming when the orchestrator was asked to shut down ran on/;
    const alone = scheduleFeature({ workload, events: [ev('orchestrator-term', 'r1', 1000, 500)] }, 'alone', why);
    expect(alone).to.match(stop);
    const afterHeal = { workload, events: [ev('link-slow', 'r1', 0, 500), ev('orchestrator-term', 'r1', 1000, 500)] };
    expect(scheduleFeature(afterHeal, 'after a heal', why)).to.match(stop);
    const during = { workload, events: [ev('link-slow', 'r1', 0, 1500), ev('orchestrator-term', 'r1', 1000, 500)] };
    expect(scheduleFeature(during, 'during another fault', why), 'a slow link held over the stop').to.not.match(stop);
    const pmStop = { workload, events: [ev('pool-manager-term', 'r1', 0, 500)] };
    expect(scheduleFeature(pmStop, 'pm', why)).to.match(/when the pool manager was asked to shut down ran on/);
    expect(scheduleFeature(pmStop, 'pm', { ...why, capabilities: [] }), 'engines that do not drain').to.not.match(/ran on until/);
    const kill = { workload, events: [ev('engine-kill-streaming', 'r2', 0)] };
    const killed = /every task streaming when the engine of replica r2 was killed completed/;
    expect(scheduleFeature(kill, 'no failover', why)).to.not.match(killed);
    const withFailover = scheduleFeature({ ...kill, workload: { ...workload, failover: true } }, 'failover', why);
    expect(withFailover)
      .to.match(killed)
      .and.to.match(/And stream failover is on/)
      .and.not.to.match(/metrics agree/);
    // A graceful restart's promises are judged with stream failover off only: with it on, a cut task resumes elsewhere.
    const restart = { workload, events: [ev('replica-restart', 'r2', 0)] };
    const restarted =
      /every task streaming when replica r2 was restarted gracefully ran on[\s\S]*no task reached replica r2 while its graceful/;
    expect(scheduleFeature(restart, 'no failover', why)).to.match(restarted);
    expect(scheduleFeature({ ...restart, workload: { ...workload, failover: true } }, 'failover', why)).to.not.match(
      /restarted gracefully/,
    );
    // A replica whose every dispatch fails: its breaker judged at its link, with the policy and the witness stated.
    const breaker = /the orchestrator sent replica r2 no work while its breaker was open, wherever its failures opened it/;
    for (const fault of ['engine-completion-errors', 'link-truncate']) {
      const failing = scheduleFeature({ workload, events: [ev(fault, 'r2', 0, 1500)] }, fault, why);
      expect(failing, fault)
        .to.match(breaker)
        .and.match(/And a replica leaves service for 500 ms after 3 failed dispatches in a row/)
        .and.match(/And the dispatches reaching each replica are witnessed on their way/)
        .and.match(/And once its cool-down has passed, replica r2 takes more than one task at a time again/);
      // Judged beside a fault on another replica, never beside one on its own replica or a restarted orchestrator.
      const beside = { workload, events: [ev(fault, 'r2', 0, 1500), ev('link-slow', 'r1', 500, 500)] };
      expect(scheduleFeature(beside, `${fault} beside`, why), `${fault} beside r1's slow link`).to.match(breaker);
      const own = { workload, events: [ev(fault, 'r2', 0, 1500), ev('link-slow', 'r2', 500, 500)] };
      expect(scheduleFeature(own, `${fault} own`, why), `${fault} beside its own slow link`).to.not.match(breaker);
      const restarted = { workload, events: [ev(fault, 'r2', 0, 1500), ev('orchestrator-term', 'r1', 500, 500)] };
      expect(scheduleFeature(restarted, `${fault} restarted`, why), `${fault} beside an orchestrator stop`).to.not.match(breaker);
    }
  });

  it('are written as scenarios whose every step the suite defines (a strict dry run)', () => {
    const dir = tempDir('explore-');
    try {
      const schedules = fc.sample(scheduleArb(explorableHere(true)), { seed: 11, numRuns: 40 });
      // And the promises to the tasks in flight, written only where one fault acts alone.
      for (const fault of ['orchestrator-term', 'pool-manager-term', 'engine-kill-streaming', 'engine-completion-errors', 'link-truncate'])
        schedules.push({ workload: { ...workload, failover: true }, events: [ev(fault, 'r1', 0, 1000)] });
      schedules.forEach((s, k) => {
        const feature = scheduleFeature(s, `schedule ${k}`, {
          seed: 11,
          profile: 'profiles/reference.json',
          capabilities: REFERENCE.capabilities,
        });
        expect(stepCount(feature)).to.be.greaterThan(4);
        writeFileSync(path.join(dir, `s${k}.feature`), feature);
      });
      const run = spawnSync('npx', ['cucumber-js', '-p', 'lint', '--strict', dir], { cwd: ROOT, encoding: 'utf8' });
      expect(run.status, `${run.stdout}${run.stderr}`).to.equal(0);
      expect(run.stdout).to.match(/45 scenarios \(45 skipped\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
