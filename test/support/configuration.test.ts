import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { expect } from 'chai';
import { InvalidConfiguration } from '../../support/core/errors';
import { loadCatalogue, loadRequirements } from '../../support/report/requirements';
import { faultTagMismatch, lintTags, readScenarios, tagProblems } from '../../support/report/tag-lint';
import { loadProfile, tunesTaken } from '../../support/stack/profile';
import { render } from '../../support/stack/template';
import { tempDir } from '../temp-dir';

const root = path.resolve(__dirname, '..', '..');
const tmp = tempDir('chaos-config-');
const write = (name: string, text: string): string => {
  const file = path.join(tmp, name);
  writeFileSync(file, text);
  return file;
};

/** A fresh, unexpanded copy of one of the repository's profiles, to break one field of. */
const profileCopy = (name: string) => JSON.parse(readFileSync(path.join(root, 'profiles', `${name}.json`), 'utf8'));

describe('target profiles', () => {
  it('the reference profile is valid', () => {
    const profile = loadProfile(path.join(root, 'profiles', 'reference.json'));
    expect(profile.startOrder).to.deep.equal([['pool-manager', 'orchestrator']]);
  });

  it('start-up stages: a plain name is a stage of one; an unknown component is named with its stage', () => {
    const good = profileCopy('reference');
    good.startOrder = ['pool-manager', ['orchestrator']];
    expect(loadProfile(write('staged.json', JSON.stringify(good))).startOrder).to.deep.equal([['pool-manager'], ['orchestrator']]);
    good.startOrder = [['pool-manager', 'orchestrater']];
    const file = write('bad-stage.json', JSON.stringify(good));
    expect(() => loadProfile(file)).to.throw(
      InvalidConfiguration,
      `Target profile ${file}: field \`startOrder[0]\` must name a component (one of: pool-manager, orchestrator), got \`"orchestrater"\``,
    );
  });

  it('a malformed profile names the file and the field', () => {
    const good = profileCopy('reference');
    good.components.orchestrator.command = 'node main.js';
    const file = write('bad-command.json', JSON.stringify(good));
    expect(() => loadProfile(file)).to.throw(
      InvalidConfiguration,
      `Target profile ${file}: field \`components.orchestrator.command\` must be an array of strings, got \`"node main.js"\``,
    );
  });

  it('an unknown placeholder is named with its field', () => {
    const good = profileCopy('reference');
    good.components.orchestrator.env.ORCHD_ADDR = '127.0.0.1:${prot:orchestrator}';
    const file = write('bad-placeholder.json', JSON.stringify(good));
    expect(() => loadProfile(file)).to.throw(
      InvalidConfiguration,
      'field `components.orchestrator.env.ORCHD_ADDR` uses an unknown placeholder ${prot:orchestrator}',
    );
  });

  it("the target's settings take the timings the scenarios assert from one place; a timing there is not is named with its field", () => {
    for (const name of ['reference', 'llamacpp', 'llamacpp-cuda']) {
      const raw = profileCopy(name);
      expect(raw.components.orchestrator.env.ORCHD_IDLE_TIMEOUT_MS, name).to.equal('${timing:idleTimeoutMs}');
      expect(raw.components['pool-manager'].env.POOL_SHUTDOWN_GRACE_MS, name).to.equal('${timing:engineStopGraceMs}');
      raw.timings.idleTimeoutMs = 750;
      const profile = loadProfile(write(`${name}-timed.json`, JSON.stringify(raw)));
      expect(profile.components.orchestrator.env.ORCHD_IDLE_TIMEOUT_MS, name).to.equal('750');
      expect(profile.timings.idleTimeoutMs, name).to.equal(750);
    }
    const bad = profileCopy('reference');
    bad.components.orchestrator.env.ORCHD_WALL_TIMEOUT_MS = '${timing:wallTimeoutMs}';
    const file = write('bad-timing.json', JSON.stringify(bad));
    expect(() => loadProfile(file)).to.throw(
      InvalidConfiguration,
      'field `components.orchestrator.env.ORCHD_WALL_TIMEOUT_MS` uses ${timing:wallTimeoutMs}, but `timings` has idleTimeoutMs and engineStopGraceMs only',
    );
  });

  it('`-p ci` runs the workers a profile bears (maxWorkers), CHAOS_WORKERS overrides, and a bad maxWorkers is named', () => {
    // cucumber.js reads its environment once, when loaded: each case in a process of its own.
    const ciWorkers = (env: Record<string, string>): { parallel: number; stderr: string } => {
      const run = spawnSync(process.execPath, ['-e', "process.stdout.write(String(require('./cucumber.js').ci.parallel))"], {
        cwd: root,
        encoding: 'utf8',
        env: { PATH: process.env.PATH, ...env },
      });
      return { parallel: Number(run.stdout), stderr: run.stderr };
    };
    expect(ciWorkers({}).parallel, 'reference').to.equal(2);
    expect(ciWorkers({ CHAOS_PROFILE: 'profiles/llamacpp.json' }).parallel, 'llamacpp: one worker, in-process').to.equal(0);
    const forced = ciWorkers({ CHAOS_PROFILE: 'profiles/llamacpp.json', CHAOS_WORKERS: '2' });
    expect(forced.parallel).to.equal(2);
    expect(forced.stderr).to.include('CHAOS_WORKERS=2: more workers than profiles/llamacpp.json bears (maxWorkers 1');
    const bad = profileCopy('llamacpp');
    bad.maxWorkers = 0;
    const file = write('bad-workers.json', JSON.stringify(bad));
    expect(ciWorkers({ CHAOS_PROFILE: file }).parallel, 'left to the loader').to.equal(2);
    expect(() => loadProfile(file)).to.throw(InvalidConfiguration, `Target profile ${file}: field \`maxWorkers\``);
  });

  it('a seedDecidesText that is not a boolean is named with its field', () => {
    const bad = profileCopy('llamacpp');
    bad.seedDecidesText = 'no';
    const file = write('bad-seed.json', JSON.stringify(bad));
    expect(() => loadProfile(file)).to.throw(InvalidConfiguration, `Target profile ${file}: field \`seedDecidesText\``);
  });

  it("names the tunes a profile takes, so that a Given's tune it does not take fails instead of doing nothing", () => {
    const reference = tunesTaken(loadProfile('profiles/reference.json'));
    const llamacpp = tunesTaken(loadProfile('profiles/llamacpp.json'));
    expect([...reference]).to.include.members(['engine-cpu-ms-per-token', 'dispatch-breaker-cooldown-ms', 'queue-timeout-ms']);
    expect(llamacpp.has('engine-cpu-ms-per-token'), 'llama-server takes no CPU cost per token').to.equal(false);
  });

  it('a profile that is not JSON says so', () => {
    const file = write('not-json.json', '{ name: reference');
    expect(() => loadProfile(file)).to.throw(InvalidConfiguration, `Target profile ${file}: cannot be read as JSON`);
  });

  it('templates keep the type of a whole placeholder and interpolate the rest, per replica', () => {
    const resolve = (name: string): unknown => ({ 'port:engine-r2': 4242, dir: '/d' })[name];
    expect(
      render({ port: '${port:engine-${replica}}', url: 'http://x:${port:engine-${replica}}', log: '${dir}/a.log' }, resolve, 'r2'),
    ).to.deep.equal({
      port: 4242,
      url: 'http://x:4242',
      log: '/d/a.log',
    });
  });
});

describe('requirements registry and tag lint', () => {
  it('the registry loads and every scenario passes the lint', () => {
    const requirements = loadRequirements(path.join(root, 'features', 'requirements.yaml'));
    const result = lintTags(readScenarios(path.join(root, 'features')), requirements);
    expect(result.errors).to.deep.equal([]);
    expect(result.scenarios).to.be.greaterThan(0);
  });

  it('a scenario with no Then-step proves no requirement: the lint names it', () => {
    const dir = mkdtempSync(path.join(tmp, 'features-'));
    writeFileSync(
      path.join(dir, 'x.feature'),
      'Feature: x\n  @ORCH-3051 @fault:none\n  Scenario: only actions\n    Given a healthy pool of 1 replica\n    When a client submits 1 task\n' +
        '  @ORCH-3051 @fault:none\n  Scenario: checks\n    Given a healthy pool of 1 replica\n    Then every task completes\n    And nothing else\n',
    );
    const requirements = loadRequirements(path.join(root, 'features', 'requirements.yaml'));
    const scenarios = readScenarios(dir);
    expect(scenarios.map((s) => s.thens)).to.deep.equal([0, 2]);
    expect(lintTags(scenarios, requirements).errors).to.deep.equal([
      `${path.relative(process.cwd(), path.join(dir, 'x.feature'))}:3 (only actions): has no Then-step: it checks nothing of its own, so it proves no requirement`,
    ]);
  });

  it("a catalogue cell's fault kinds must be known kinds: the error names the file, the cell and what was given", () => {
    const file = write(
      'cat.yaml',
      'catalogue:\n  - { family: resources, failure: disk full, faults: [disk.ful], features: [f.feature] }\n',
    );
    expect(() => loadCatalogue(file)).to.throw(
      InvalidConfiguration,
      `Requirements registry ${file}: \`catalogue[0].faults\` (resources / disk full) must list known fault kinds, got \`["disk.ful"]\``,
    );
    expect(loadCatalogue(path.join(root, 'features', 'requirements.yaml')).find((c) => c.failure === 'disk full')?.faults).to.deep.equal([
      'disk.full',
    ]);
  });

  it('a malformed registry names the file, the entry and the field', () => {
    const file = write(
      'reqs.yaml',
      'requirements:\n  - id: ORCH-3051\n    title: Fault tolerance\n    level: MAYBE\n    source: seed\n    text: t\n',
    );
    expect(() => loadRequirements(file)).to.throw(
      InvalidConfiguration,
      `Requirements registry ${file}: field \`requirements[0].level\` (ORCH-3051) must be MUST or SHOULD, got \`"MAYBE"\``,
    );
  });

  it('reports unknown IDs, unknown faults, missing requirement tags and stray tags', () => {
    const known = new Set(['ORCH-3051']);
    expect(tagProblems(['@ORCH-3051', '@fault:process.kill'], known)).to.deep.equal([]);
    expect(tagProblems(['@ORCH-9999', '@fault:process.kill'], known)).to.deep.equal([
      'tag @ORCH-9999 is not a requirement in features/requirements.yaml',
    ]);
    expect(tagProblems(['@fault:cosmic.rays'], known)).to.include(
      'tag @fault:cosmic.rays names an unknown fault kind (see support/faults/registry.ts)',
    );
    expect(tagProblems(['@fault:cosmic.rays'], known)).to.include('a scenario must carry at least one requirement tag (e.g. @ORCH-3051)');
    expect(tagProblems(['@ORCH-3051'], known)).to.include(
      'a scenario must carry a @fault:<kind> tag for every kind of fault it applies (@fault:none for none), found none',
    );
    expect(tagProblems(['@ORCH-3051', '@fault:network.timeout', '@fault:process.kill'], known)).to.deep.equal([]);
    expect(tagProblems(['@ORCH-3051', '@fault:none', '@fault:process.kill'], known)).to.include(
      '@fault:none cannot stand beside other fault kinds, found @fault:none @fault:process.kill',
    );
    expect(tagProblems(['@ORCH-3051', '@fault:none', '@wip'], known)).to.include(
      'tag @wip is unknown (requirement IDs, @fault:<kind>, @needs:<capability> and @privileged @serial @smoke @slow @explored are allowed)',
    );
    expect(tagProblems(['@ORCH-3051', '@fault:none', '@needs:telepathy'], known)).to.include(
      'tag @needs:telepathy names an unknown capability (see support/stack/capabilities.ts)',
    );
    expect(tagProblems(['@ORCH-3051', '@fault:none', '@needs:driver-reset'], known)).to.deep.equal([]);
  });
});

describe('fault tags against the faults applied', () => {
  it('names a tagged kind that never ran and a kind applied without its tag', () => {
    expect(faultTagMismatch(['process.kill'], ['process.kill', 'process.kill'])).to.deep.equal([]);
    expect(faultTagMismatch(['none'], [])).to.deep.equal([]);
    expect(faultTagMismatch(['network.latency'], [])).to.deep.equal([
      'Fault tags: the scenario is tagged @fault:network.latency but applied no network.latency fault',
    ]);
    expect(faultTagMismatch(['none'], ['disk.full'])).to.deep.equal([
      'Fault tags: the scenario applied a disk.full fault but is not tagged @fault:disk.full',
    ]);
  });
});

describe('the profiles state what the stack runs with', () => {
  for (const name of ['reference', 'llamacpp'])
    it(`${name}: the idle timeout and the engines' stop grace the scenarios assert are the stack's own, and the retry budget is the product default`, () => {
      const profile = loadProfile(path.join(__dirname, '..', '..', 'profiles', `${name}.json`));
      const env = profile.components.orchestrator.env;
      expect(Number(env.ORCHD_IDLE_TIMEOUT_MS), 'ORCHD_IDLE_TIMEOUT_MS').to.equal(profile.timings.idleTimeoutMs);
      const pm = profile.components['pool-manager'].env;
      expect(Number(pm.POOL_SHUTDOWN_GRACE_MS), 'POOL_SHUTDOWN_GRACE_MS').to.equal(profile.timings.engineStopGraceMs);
      expect(env, 'a raised retry budget would hide retry bugs').not.to.have.property('ORCHD_RETRY_MAX_ATTEMPTS');
      const main = readFileSync(path.join(__dirname, '..', '..', 'sut', 'orchestratord', 'main.ts'), 'utf8');
      expect(main).to.contain("envInt('ORCHD_RETRY_MAX_ATTEMPTS', 3)");
    });
});
