import { describe, it } from 'node:test';
import { expect } from 'chai';
import { tallyFaults } from '../../support/cucumber/scenario-runner';
import type { Schedule } from '../../support/explore/schedule';
import { coverage, neverConfirmed, type TriedSchedule } from '../../support/report/explore-html';

const timeline = (entries: unknown[]): string => JSON.stringify(entries);
const fault = (name: string, kind: string, verdict = 'confirmed') => ({ kind: 'fault', name, data: { kind, verdict } });

describe("the explorer's coverage: what was drawn, and what the suite confirmed it applied and healed", () => {
  it('tallies confirmed applications and heals per kind from a scenario timeline', () => {
    const t = tallyFaults(
      timeline([
        fault('fault.verified', 'network.reset'),
        fault('fault.heal-verified', 'network.reset'),
        fault('fault.verified', 'process.kill'),
        fault('fault.verified', 'process.pause', 'mismatch'),
      ]),
    );
    expect(t).to.deep.equal({ applied: { 'network.reset': 1, 'process.kill': 1 }, healed: { 'network.reset': 1 } });
    expect(tallyFaults('not json')).to.deep.equal({ applied: {}, healed: {} });
  });

  it('counts ordered pairs by when each fault began, and flags a kind drawn but never confirmed', () => {
    const schedule = (events: [string, number][]): Schedule =>
      ({ workload: {}, events: events.map(([fault, atMs]) => ({ fault, atMs })) }) as unknown as Schedule;
    const tried = [
      {
        n: 1,
        phase: 'explore',
        schedule: schedule([
          ['link-reset', 500],
          ['engine-kill', 100],
        ]),
        kinds: ['network.reset', 'process.kill'],
        outcome: { passed: true, status: 'PASSED', ms: 1, faults: { applied: { 'process.kill': 1 }, healed: {} } },
      },
    ] as unknown as TriedSchedule[];
    const c = coverage(tried);
    expect([...c.pairs.keys()]).to.deep.equal(['engine-kill → link-reset']);
    expect(c.byKind.get('process.kill')).to.deep.equal({ drawn: 1, applied: 1, healed: 0 });
    expect(neverConfirmed(c.byKind)).to.deep.equal(['network.reset']);
  });
});
