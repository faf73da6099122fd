import { describe, it } from 'node:test';
import { expect } from 'chai';
import type { Envelope } from '@cucumber/messages';
import type { Requirement } from '../../support/report/requirements';
import { buildTraceability, renderTraceabilityHtml } from '../../support/report/traceability';

const ts = (ms: number) => ({ seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 });
const req = (id: string): Requirement => ({ id, title: id, level: 'MUST', source: 'test', text: `${id} text` });

/** A literal run: two scenarios, one passed with evidence, one failed. */
function run(): Envelope[] {
  const pickle = (id: string, name: string, tags: string[]) => ({
    pickle: {
      id,
      uri: 'features/x.feature',
      name,
      language: 'en',
      astNodeIds: [`s${id}`],
      steps: [],
      tags: tags.map((t) => ({ name: t, astNodeId: 't' })),
    },
  });
  return [
    { testRunStarted: { timestamp: ts(0) } },
    pickle('p1', 'engine crash', ['@ORCH-3051', '@fault:process.kill']),
    pickle('p2', 'partition', ['@ORCH-3051', '@ORCH-3010', '@fault:network.down']),
    { testCase: { id: 'c1', pickleId: 'p1', testSteps: [] } },
    { testCase: { id: 'c2', pickleId: 'p2', testSteps: [] } },
    { testCaseStarted: { id: 'r1', testCaseId: 'c1', attempt: 0, timestamp: ts(10) } },
    {
      testStepFinished: {
        testCaseStartedId: 'r1',
        testStepId: 'x',
        testStepResult: { status: 'PASSED', duration: ts(1) },
        timestamp: ts(20),
      },
    },
    {
      attachment: {
        testCaseStartedId: 'r1',
        fileName: 'evidence.json',
        mediaType: 'application/json',
        contentEncoding: 'IDENTITY',
        body: JSON.stringify({
          faults: [{ kind: 'process.kill', description: 'SIGKILL the engine of replica r1', verdict: 'confirmed' }],
          measures: { time_to_recover_ms: 317 },
        }),
      },
    },
    { testCaseFinished: { testCaseStartedId: 'r1', timestamp: ts(1010), willBeRetried: false } },
    { testCaseStarted: { id: 'r2', testCaseId: 'c2', attempt: 0, timestamp: ts(1020) } },
    {
      testStepFinished: {
        testCaseStartedId: 'r2',
        testStepId: 'y',
        testStepResult: { status: 'FAILED', duration: ts(1), message: 'pool p0 degraded: not reached within 1000 ms' },
        timestamp: ts(1500),
      },
    },
    { testCaseFinished: { testCaseStartedId: 'r2', timestamp: ts(1600), willBeRetried: false } },
    { testRunFinished: { success: false, timestamp: ts(1700) } },
  ] as unknown as Envelope[];
}

describe('traceability report', () => {
  it('rolls scenario statuses up to requirements, worst first, with evidence and uncovered IDs', () => {
    const report = buildTraceability(run(), [req('ORCH-3051'), req('ORCH-3010'), req('ORCH-3026')]);
    const byId = Object.fromEntries(report.requirements.map((r) => [r.id, r]));
    expect(byId['ORCH-3051'].status).to.equal('FAILED');
    expect(byId['ORCH-3051'].scenarios.map((s) => s.status)).to.deep.equal(['PASSED', 'FAILED']);
    expect(byId['ORCH-3010'].status).to.equal('FAILED');
    expect(byId['ORCH-3051'].scenarios[0].faults[0].verdict).to.equal('confirmed');
    expect(byId['ORCH-3051'].scenarios[0].measures).to.deep.equal({ time_to_recover_ms: 317 });
    expect(report.uncovered).to.deep.equal(['ORCH-3026']);
    expect(report.run).to.include({ scenarios: 2, passed: 1, failed: 1, durationMs: 1700 });
  });

  it('a requirement with a scenario left out of the run is NOT RUN, not PASSED', () => {
    const envelopes = run();
    envelopes.splice(3, 0, {
      pickle: {
        id: 'p3',
        uri: 'features/y.feature',
        name: 'filtered out',
        language: 'en',
        astNodeIds: ['s3'],
        steps: [],
        tags: [
          { name: '@ORCH-3010', astNodeId: 't' },
          { name: '@ORCH-3026', astNodeId: 't' },
        ],
      },
    } as unknown as Envelope);
    const report = buildTraceability(envelopes, [req('ORCH-3010'), req('ORCH-3026')]);
    const byId = Object.fromEntries(report.requirements.map((r) => [r.id, r]));
    expect(byId['ORCH-3026'].status).to.equal('NOT RUN');
    expect(byId['ORCH-3010'].status, 'a failed scenario still outranks a missing one').to.equal('FAILED');
    expect(report.uncovered).to.deep.equal([]);
  });

  it('lists tags that are not in the registry', () => {
    const report = buildTraceability(run(), [req('ORCH-3051')]);
    expect(report.orphanTags).to.deep.equal([{ tag: '@ORCH-3010', scenarios: ['features/x.feature:0'] }]);
  });

  it('links every requirement into the Cucumber report by tag query', () => {
    const html = renderTraceabilityHtml(buildTraceability(run(), [req('ORCH-3051')]));
    expect(html).to.contain('href="cucumber.html?query=%40ORCH-3051"');
    expect(html).to.contain('SIGKILL the engine of replica r1');
  });
});
