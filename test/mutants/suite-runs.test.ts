import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { expect } from 'chai';
import { SuiteRunner } from '../../scripts/mutants/suite-runs';
import { readScenarioRuns } from '../../support/report/run-messages';

const ROOT = path.resolve(__dirname, '..', '..');
const ID = `unit-test-${process.pid}`;
const HEALTHY = 'a healthy pool of 3 replicas completes every task with a well-formed stream';

/** The processes of the mutation check's job slots and of the stacks they ran, still alive. */
function leftovers(): string[] {
  const ps = execFileSync('ps', ['-eo', 'pid=,stat=,args='], { encoding: 'utf8' });
  return ps.split('\n').filter((l) => /mutants\/job\.ts|dist\/sut\//.test(l) && !/^\s*\d+\s+Z/.test(l));
}

// The mutation check's job slots (scripts/mutants/job.ts): one long-lived process per slot runs the parts asked of it;
// one past its time limit is interrupted, and the slot starts anew for the next part.
describe('the mutation check runs its parts in job slots', () => {
  after(() => rmSync(path.join(ROOT, 'reports', 'mutants', ID), { recursive: true, force: true }));

  it('interrupts a part past its limit, then runs the next in a new process, and leaves nothing behind', { timeout: 90_000 }, async () => {
    const before = leftovers();
    const selection = { tags: '@ORCH-3050', name: `^${HEALTHY}$`, selects: (s: { name: string }) => s.name === HEALTHY };
    const hurried = new SuiteRunner(ROOT, 1, 1, true);
    // Twice: the second part must meet a new process (the first one's is on its way out) and time out on its own.
    for (const part of ['hurried', 'hurried-again']) {
      const cut = await hurried.run(ID, 'profiles/reference.json', part, selection, 0);
      expect(cut.error, part).to.equal('timed out after 1 s');
      expect(cut.killed, part).to.equal(false);
    }
    const patient = new SuiteRunner(ROOT, 1, 60, true);
    const whole = await patient.run(ID, 'profiles/reference.json', 'patient', selection, 0);
    expect(whole, JSON.stringify(whole)).to.deep.equal({ killed: false, scenarios: [], error: undefined });
    const ran = readScenarioRuns(path.join(ROOT, 'reports', 'mutants', ID, 'patient', 'messages.ndjson'));
    expect(ran.map((r) => [r.name, r.status])).to.deep.equal([[HEALTHY, 'PASSED']]);
    hurried.close();
    patient.close();
    // The interrupted slot heals and exits on its own; the patient one once disconnected: both within seconds.
    const deadline = Date.now() + 15_000;
    while (leftovers().length > before.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(leftovers().filter((l) => !before.includes(l))).to.deep.equal([]);
  });
});
