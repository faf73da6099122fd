import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { expect } from 'chai';
import { caughtHow } from '../../support/report/mutants';
import { failed, readScenarioRuns } from '../../support/report/run-messages';
import { tempDir } from '../temp-dir';

const at = (s: number) => ({ seconds: s, nanos: 0 });
const messages = [
  { pickle: { id: 'p1', name: 'passes' } },
  { pickle: { id: 'p2', name: 'fails in After', tags: [{ name: '@ORCH-3026' }] } },
  { pickle: { id: 'p3', name: 'skipped' } },
  { testCase: { id: 'c1', pickleId: 'p1' } },
  { testCase: { id: 'c2', pickleId: 'p2' } },
  { testCase: { id: 'c3', pickleId: 'p3' } },
  { testCaseStarted: { id: 's1', testCaseId: 'c1', timestamp: at(10) } },
  { testStepFinished: { testCaseStartedId: 's1', testStepResult: { status: 'PASSED' } } },
  { attachment: { testCaseStartedId: 's1', fileName: 'evidence.json', body: JSON.stringify({ measures: { time_to_recover_ms: 42 } }) } },
  { testCaseFinished: { testCaseStartedId: 's1', timestamp: at(12) } },
  { testCaseStarted: { id: 's2', testCaseId: 'c2', timestamp: at(12) } },
  { testStepFinished: { testCaseStartedId: 's2', testStepResult: { status: 'SKIPPED' } } },
  { testStepFinished: { testCaseStartedId: 's2', testStepResult: { status: 'FAILED', message: 'Leaked: process 42\nstack' } } },
  { testCaseFinished: { testCaseStartedId: 's2', timestamp: at(13) } },
  { testCaseStarted: { id: 's3', testCaseId: 'c3', timestamp: at(13) } },
  { testStepFinished: { testCaseStartedId: 's3', testStepResult: { status: 'SKIPPED' } } },
  { testCaseFinished: { testCaseStartedId: 's3', timestamp: at(13) } },
];

describe('reading a run back from its messages', () => {
  it('gives each scenario its status, duration, first failure line and evidence; a failed After beats a skip', () => {
    const file = path.join(tempDir('chaos-messages-'), 'messages.ndjson');
    writeFileSync(file, `${messages.map((m) => JSON.stringify(m)).join('\n')}\n`);
    const runs = readScenarioRuns(file);
    expect(runs.map((r) => [r.name, r.status, r.ms, r.message])).to.deep.equal([
      ['passes', 'PASSED', 2000, undefined],
      ['fails in After', 'FAILED', 1000, 'Leaked: process 42'],
      ['skipped', 'SKIPPED', 0, undefined],
    ]);
    expect(runs[0].evidence?.measures).to.deep.equal({ time_to_recover_ms: 42 });
    expect(runs.filter(failed).map((r) => r.name)).to.deep.equal(['fails in After']);
    expect(runs[1].tags).to.deep.equal(['@ORCH-3026']);
  });

  it('leaves out a message still being written (no newline yet), and still fails on a broken one before it', () => {
    const file = path.join(tempDir('chaos-messages-'), 'messages.ndjson');
    const whole = messages.map((m) => JSON.stringify(m)).join('\n');
    writeFileSync(file, `${whole}\n{"testCaseStarted":{"id":"s4","testCaseId":"c`);
    expect(readScenarioRuns(file).map((r) => r.name)).to.deep.equal(['passes', 'fails in After', 'skipped']);
    writeFileSync(file, `{"pickle":{"id":"p\n${whole}\n`);
    expect(() => readScenarioRuns(file)).to.throw(SyntaxError);
  });

  it('a run that wrote nothing has no scenarios', () => {
    expect(readScenarioRuns('/nonexistent/messages.ndjson')).to.deep.equal([]);
  });
});

describe('how a mutant was caught', () => {
  const base = { id: 'm', requirement: 'ORCH-3026', breaks: 'x', file: 'f', detail: '', scenarios: [], ms: 0 };
  it("says whether its requirement's own scenarios caught it or only an unrelated one", () => {
    expect(caughtHow({ ...base, status: 'killed', byRequirement: true })).to.equal('killed by a @ORCH-3026 scenario');
    expect(caughtHow({ ...base, status: 'killed', byRequirement: false })).to.contain('killed only by an unrelated scenario');
    expect(caughtHow({ ...base, status: 'survived' })).to.equal('survived');
  });
});
