import { spawnSync } from 'node:child_process';
import { cpSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { expect } from 'chai';
import { tempDir } from '../temp-dir';

const ROOT = path.resolve(__dirname, '..', '..');

/** Probe files (relative to the root), each importing one module, and the rule the lint must fail it on ('' none). */
const PROBES: [file: string, imports: string, rule: string][] = [
  ['support/observe/zz-rule-probe-judge.ts', '../checks/judge', 'observers-decide-nothing'],
  ['support/observe/zz-rule-probe-load.ts', '../load/workload', 'observers-decide-nothing'],
  ['support/observe/zz-rule-probe-evidence.ts', '../checks/evidence', ''],
  ['support/checks/zz-rule-probe-fault.ts', '../faults/registry', 'checks-judge-the-record-alone'],
  ['support/checks/zz-rule-probe-load.ts', '../load/workload', 'checks-judge-the-record-alone'],
  ['support/checks/zz-rule-probe-stack.ts', '../stack/stack', 'checks-judge-the-record-alone'],
  ['support/checks/zz-rule-probe-observe.ts', '../observe/waits', 'checks-judge-the-record-alone'],
  ['support/load/zz-rule-probe-check.ts', '../checks/refusals', 'load-judges-nothing'],
  ['support/faults/zz-rule-probe-check.ts', '../checks/bounds', 'faults-and-processes-stay-low'],
  ['support/history/zz-rule-probe-load.ts', '../load/workload', 'history-is-data'],
];

/**
 * Writes the probes into a copy of support/ (with the lint's config, the tsconfig and the packages), runs the lint's
 * dependency rules there on them alone; returns file → rules broken. A copy, not the repository: `npm test`'s lint must
 * never meet a probe that breaks a rule on purpose.
 */
function rulesBroken(): Map<string, string[]> {
  const copy = tempDir('dependency-rules-');
  cpSync(path.join(ROOT, 'support'), path.join(copy, 'support'), { recursive: true });
  for (const file of ['.dependency-cruiser.cjs', 'tsconfig.json']) cpSync(path.join(ROOT, file), path.join(copy, file));
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(copy, 'node_modules'));
  for (const [file, target] of PROBES)
    writeFileSync(path.join(copy, file), `import * as probe from '${target}';\nexport const used = probe;\n`);
  const args = ['--config', '.dependency-cruiser.cjs', '--output-type', 'json', ...PROBES.map(([f]) => f)];
  const r = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'depcruise'), args, { cwd: copy, encoding: 'utf8' });
  const out = JSON.parse(r.stdout) as { summary: { violations: { from: string; rule: { name: string } }[] } };
  const broken = new Map<string, string[]>();
  for (const v of out.summary.violations) broken.set(v.from, [...(broken.get(v.from) ?? []), v.rule.name]);
  return broken;
}

describe('the four rooms, as npm run lint keeps them', () => {
  it('fail a probe importing the judge or the load, a check importing anything but the record, the load or a fault importing a check', () => {
    const broken = rulesBroken();
    for (const [file, target, rule] of PROBES) {
      const seen = broken.get(file) ?? [];
      if (rule) expect(seen, `${file} importing ${target}`).to.include(rule);
      else expect(seen, `${file} importing ${target}`).to.deep.equal([]);
    }
  });
});
