import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { expect } from 'chai';
import { ALLOWED_ERRORS, DECLARATIONS, FAULTS, FORMS, SIGNAL_HOOKS } from '../../support/faults/registry';
import { CAPABILITIES } from '../../support/stack/capabilities';
import { loadProfile } from '../../support/stack/profile';

const ROOT = path.resolve(__dirname, '..', '..');
const FAULT_DIR = path.join(ROOT, 'support', 'faults');

/** Every .ts file under support/, relative to the root. */
function supportFiles(dir = path.join(ROOT, 'support')): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? supportFiles(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.relative(ROOT, path.join(dir, e.name))] : [],
  );
}

/**
 * Where a kind's name may appear besides its own file: fault sequences apply kinds by name, and three places read a
 * kind's mechanism or evidence from the profile or the ledger by name. A new kind needs none of them.
 */
const READ_BY_NAME: Record<string, string[]> = {
  'process.kill': ['support/faults/sequences/crash-loop.ts', 'support/faults/sequences/rolling-kill.ts'],
  'engine.driver-reset': ['support/stack/mechanisms.ts'],
  'gpu.unavailable': ['support/stack/mechanisms.ts', 'support/stack/profile.ts'],
  'log.unwritable': ['support/cucumber/verdict.ts'],
};

describe('fault kinds, declared once', () => {
  it('are each declared in their own file, which names no other kind', () => {
    for (const d of DECLARATIONS) {
      const text = readFileSync(path.join(FAULT_DIR, d.file), 'utf8');
      expect(text, d.kind).to.contain(`kind: '${d.kind}'`);
      const others = DECLARATIONS.filter((o) => o.kind !== d.kind && text.includes(`kind: '${o.kind}'`)).map((o) => o.kind);
      expect(others, `${d.file} declares other kinds too`).to.deep.equal([]);
    }
  });

  it('are named nowhere else in support/ (the registry lists their declarations, not their names)', () => {
    const files = supportFiles().map((f) => [f, readFileSync(path.join(ROOT, f), 'utf8')] as const);
    for (const d of DECLARATIONS) {
      const own = `support/faults/${d.file}`;
      const elsewhere = files.filter(([f, text]) => f !== own && text.includes(`'${d.kind}'`)).map(([f]) => f);
      expect(elsewhere, `files naming ${d.kind}`).to.deep.equal(READ_BY_NAME[d.kind] ?? []);
    }
  });

  it('give the allowed-errors table its rows, and nothing else does', () => {
    expect(Object.keys(ALLOWED_ERRORS).sort()).to.deep.equal(['none', ...Object.keys(FAULTS)].sort());
    for (const d of DECLARATIONS) expect(ALLOWED_ERRORS[d.kind], d.kind).to.deep.equal(d.errors);
    expect(ALLOWED_ERRORS.none).to.deep.equal([]);
  });

  it('give the capabilities their needs, and the profile loader its signal hooks', () => {
    for (const d of DECLARATIONS)
      for (const [name, meaning] of Object.entries(d.needs ?? {})) expect(CAPABILITIES[name], `${d.kind} needs ${name}`).to.equal(meaning);
    expect([...SIGNAL_HOOKS].sort()).to.deep.equal(
      DECLARATIONS.filter((d) => d.mechanism === 'signal-hook')
        .map((d) => d.kind)
        .sort(),
    );
    const reference = loadProfile(path.join(ROOT, 'profiles', 'reference.json'));
    for (const kind of Object.keys(reference.faults.signals)) expect(SIGNAL_HOOKS, kind).to.include(kind);
  });

  it("give the explorer its alphabet: each explorable kind's forms, and only those", () => {
    const expected = DECLARATIONS.flatMap((d) => ('notExplorable' in d.explore ? [] : Object.keys(d.explore).map((f) => `${f}:${d.kind}`)));
    expect(Object.entries(FORMS).map(([name, f]) => `${name}:${f.kind}`)).to.deep.equal(expected);
  });

  it('give the README its table of kinds (npm run profiles:table -- --check)', () => {
    const r = spawnSync('npx', ['ts-node', 'scripts/profiles-table.ts', '--check'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true' },
    });
    expect(r.status, `${r.stdout}${r.stderr}`).to.equal(0);
  });
});
