import { describe, it } from 'node:test';
import { expect } from 'chai';
import type { Envelope } from '@cucumber/messages';
import type { Requirement } from '../../support/report/requirements';
import { gateCauses, mustCounts } from '../../support/report/gate';
import { buildTraceability } from '../../support/report/traceability';
import { renderTraceabilityHtml } from '../../support/report/traceability-html';

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

/** A run of scenarios, one per feature file `features/<id>.feature`, each with one step of the given status. */
function skippedRun(list: { id: string; tags: string[]; status: string; skip?: { applicable: boolean; reason: string } }[]): Envelope[] {
  const out: unknown[] = [{ testRunStarted: { timestamp: ts(0) } }];
  for (const x of list) {
    const tags = x.tags.map((name) => ({ name, astNodeId: 't' }));
    out.push({ pickle: { id: x.id, uri: `features/${x.id}.feature`, name: x.id, language: 'en', astNodeIds: [], steps: [], tags } });
    out.push({ testCase: { id: `c${x.id}`, pickleId: x.id, testSteps: [] } });
  }
  for (const x of list) {
    out.push({ testCaseStarted: { id: `r${x.id}`, testCaseId: `c${x.id}`, attempt: 0, timestamp: ts(1) } });
    if (x.skip)
      out.push({
        attachment: { testCaseStartedId: `r${x.id}`, fileName: 'skip.json', mediaType: 'application/json', body: JSON.stringify(x.skip) },
      });
    out.push({
      testStepFinished: {
        testCaseStartedId: `r${x.id}`,
        testStepId: 's',
        testStepResult: { status: x.status, duration: ts(0) },
        timestamp: ts(2),
      },
    });
    out.push({ testCaseFinished: { testCaseStartedId: `r${x.id}`, timestamp: ts(3), willBeRetried: false } });
  }
  out.push({ testRunFinished: { success: true, timestamp: ts(4) } });
  return out as Envelope[];
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

  it('a requirement whose only scenario was left out of the run is UNPROVEN, and the gate names it', () => {
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
    expect(byId['ORCH-3026'].status).to.equal('UNPROVEN');
    expect(byId['ORCH-3010'].status, 'a failed scenario still outranks a missing one').to.equal('FAILED');
    expect(report.uncovered).to.deep.equal([]);
    expect(gateCauses(report).join('\n')).to.match(/MUST requirement ORCH-3026 .* is UNPROVEN/);
  });

  it('skipped scenarios prove nothing: all skipped is UNPROVEN, some skipped is PARTIAL (failing the gate unless allowed), and a dry run fails the gate', () => {
    const envelopes = skippedRun([
      { id: 'a', tags: ['@ORCH-3026'], status: 'SKIPPED', skip: { applicable: true, reason: 'lacks engine-knobs' } },
      { id: 'b', tags: ['@ORCH-3010'], status: 'PASSED' },
      { id: 'c', tags: ['@ORCH-3010'], status: 'SKIPPED', skip: { applicable: true, reason: 'needs root' } },
    ]);
    const report = buildTraceability(
      envelopes,
      [req('ORCH-3026'), req('ORCH-3010')],
      [{ family: 'operations', failure: 'cancel under chaos', features: ['features/a.feature'] }],
    );
    const byId = Object.fromEntries(report.requirements.map((r) => [r.id, r]));
    expect(byId['ORCH-3026'].status).to.equal('UNPROVEN');
    expect(byId['ORCH-3026'].reason).to.contain('lacks engine-knobs');
    expect(byId['ORCH-3010'].status).to.equal('PARTIAL');
    expect(report.catalogue[0].status).to.equal('UNPROVEN');
    const causes = gateCauses(report).join('\n');
    expect(causes).to.contain('ORCH-3026').and.contain('catalogue cell operations / cancel under chaos is UNPROVEN');
    expect(causes, 'a scenario skipped for a missing capability leaves its requirement PARTIAL: not proven').to.match(
      /MUST requirement ORCH-3010 .* is PARTIAL: 1 of 2 scenarios did not run here: .*needs root/,
    );
    expect(gateCauses(report, { allowPartial: true }).join('\n'), 'let through when asked (a filtered run)').not.to.contain('ORCH-3010');
    const dry = buildTraceability(skippedRun([{ id: 'b', tags: ['@ORCH-3010'], status: 'SKIPPED' }]), [req('ORCH-3010')]);
    expect(gateCauses(dry).join('\n')).to.contain('ORCH-3010').and.contain('no scenario ran and passed');
  });

  it("a catalogue cell with fault kinds is proven only by its features' scenarios that apply one of them", () => {
    const envelopes = skippedRun([
      { id: 'a', tags: ['@ORCH-3051', '@fault:log.unwritable'], status: 'PASSED' },
      { id: 'b', tags: ['@ORCH-3051', '@fault:disk.full', '@fault:process.kill'], status: 'PASSED' },
    ]);
    const cell = (features: string[]) => [{ family: 'resources', failure: 'disk full', faults: ['disk.full'], features }];
    const onlyLogs = buildTraceability(envelopes, [req('ORCH-3051')], cell(['features/a.feature']));
    expect(onlyLogs.catalogue[0].status, 'a log pipe that closed is not a disk that filled').to.equal('EMPTY');
    expect(gateCauses(onlyLogs).join('\n')).to.contain('catalogue cell resources / disk full has no scenario');
    const both = buildTraceability(envelopes, [req('ORCH-3051')], cell(['features/a.feature', 'features/b.feature']));
    expect(both.catalogue[0].status).to.equal('PASSED');
    expect(both.catalogue[0].scenarios).to.deep.equal(['b']);
  });

  it('a scenario needing what the profile declares physically absent is NOT APPLICABLE, and passes the gate with the reason', () => {
    const envelopes = skippedRun([
      {
        id: 'a',
        tags: ['@ORCH-1102'],
        status: 'SKIPPED',
        skip: { applicable: false, reason: 'gpu-inventory cannot exist here: CPU build' },
      },
      { id: 'b', tags: ['@ORCH-3010'], status: 'PASSED' },
    ]);
    const report = buildTraceability(
      envelopes,
      [req('ORCH-1102'), req('ORCH-3010')],
      [{ family: 'resources', failure: 'GPU unavailable', features: ['features/a.feature'] }],
    );
    const gpu = report.requirements.find((r) => r.id === 'ORCH-1102')!;
    expect(gpu.status).to.equal('NOT APPLICABLE');
    expect(gpu.reason).to.contain('CPU build');
    expect(report.catalogue[0].status).to.equal('NOT APPLICABLE');
    expect(gateCauses(report)).to.deep.equal([]);
    expect(mustCounts(report)).to.deep.include({ PASSED: 1, 'NOT APPLICABLE': 1, UNPROVEN: 0 });
    expect(report.run.notApplicable).to.equal(1);
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
