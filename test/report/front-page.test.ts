import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { expect } from 'chai';
import { otherProfileReports, renderFrontPage, rewriteFrontPage } from '../../support/report/front-page';
import type { ScenarioResult, TraceabilityReport } from '../../support/report/traceability';
import { tempDir } from '../temp-dir';

const report = (profile: string, status: 'PASSED' | 'NOT APPLICABLE'): TraceabilityReport => ({
  generatedAt: '2026-12-02T00:00:00Z',
  profile,
  run: { success: true, scenarios: 1, passed: 1, failed: 0, skipped: 0, notApplicable: 0, durationMs: 1 },
  requirements: [],
  catalogue: [{ family: 'resources', failure: 'GPU unavailable', features: ['f'], status, scenarios: ['s'] }],
  uncovered: [],
  orphanTags: [],
});

describe('the front page beside the other profiles', () => {
  it("shows each catalogue cell's status on this profile and on the others found beside its reports", () => {
    const dir = tempDir('chaos-front-');
    mkdirSync(path.join(dir, 'llamacpp'));
    writeFileSync(path.join(dir, 'llamacpp', 'traceability.json'), JSON.stringify(report('profiles/llamacpp.json', 'NOT APPLICABLE')));
    expect(otherProfileReports(dir).map((r) => r.profile)).to.deep.equal(['profiles/llamacpp.json']);
    expect(otherProfileReports(path.join(dir, 'llamacpp')), 'nothing beside it yet').to.deep.equal([]);
    writeFileSync(path.join(dir, 'traceability.json'), JSON.stringify(report('profiles/reference.json', 'PASSED')));
    expect(otherProfileReports(path.join(dir, 'llamacpp')).map((r) => r.profile)).to.deep.equal(['profiles/reference.json']);
    const meta = { commit: 'x', profile: 'profiles/reference.json', node: 'v20', toxiproxy: 't', startedAt: 's', wallMs: 1 };
    const html = renderFrontPage(report('profiles/reference.json', 'PASSED'), meta, [], dir);
    const table = html.slice(html.indexOf('id="profiles"'));
    expect(table).to.contain('profiles/llamacpp.json').and.contain('st-not-applicable').and.contain('st-passed');
  });

  it("headlines the gate's verdict: all scenarios green with a MUST requirement partly proven is FAILED, with the cause", () => {
    const meta = { commit: 'x', profile: 'profiles/reference.json', node: 'v20', toxiproxy: 't', startedAt: 's', wallMs: 1 };
    const dir = tempDir('chaos-front-');
    const proven = report('profiles/reference.json', 'PASSED');
    expect(renderFrontPage(proven, meta, [], dir)).to.contain('Run <span class="st st-passed">PASSED</span>');
    const scenario = (status: 'PASSED' | 'SKIPPED'): ScenarioResult => ({
      name: status,
      where: 'f:1',
      tags: ['@ORCH-3010'],
      status,
      attempts: 1,
      flaky: false,
      durationMs: 1,
      faults: [],
      measures: {},
    });
    const partial: TraceabilityReport = {
      ...proven,
      requirements: [
        {
          id: 'ORCH-3010',
          level: 'MUST',
          title: 'Dispatch only to ready replicas',
          source: 's',
          text: 't',
          status: 'PARTIAL',
          reason: '1 of 2 scenarios did not run here: needs root',
          scenarios: [scenario('PASSED'), scenario('SKIPPED')],
        },
      ],
    };
    const html = renderFrontPage(partial, meta, [], dir);
    expect(html).to.contain('Run <span class="st st-failed">FAILED</span>');
    expect(html).to.match(/<li>gate: MUST requirement ORCH-3010 .* is PARTIAL: 1 of 2 scenarios did not run here: needs root<\/li>/);
  });

  it('is written again after the last profile ran, showing each profile with its own gate verdict', () => {
    const dir = tempDir('chaos-front-');
    mkdirSync(path.join(dir, 'llamacpp'));
    writeFileSync(path.join(dir, 'traceability.json'), JSON.stringify(report('profiles/reference.json', 'PASSED')));
    const failed = { ...report('profiles/llamacpp.json', 'PASSED'), run: { ...report('x', 'PASSED').run, success: false, failed: 1 } };
    writeFileSync(path.join(dir, 'llamacpp', 'traceability.json'), JSON.stringify(failed));
    const html = readFileSync(rewriteFrontPage(process.cwd(), dir), 'utf8');
    const head = html.slice(html.indexOf('id="profiles"'), html.indexOf('</tr>', html.indexOf('id="profiles"')));
    expect(head).to.match(/profiles\/reference.json <span class="st st-passed">PASSED/);
    expect(head).to.match(/profiles\/llamacpp.json <span class="st st-failed">FAILED/);
  });
});
