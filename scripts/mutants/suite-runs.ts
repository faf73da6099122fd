import path from 'node:path';
import { Semaphore } from 'async-mutex';
import { execa } from 'execa';
import { failedScenarios } from '../../support/report/mutants';
import { readScenarios, type ScenarioTags } from '../../support/report/tag-lint';

/** What one part of the suite did against a mutant: killed when a scenario failed. */
export interface SuiteRun {
  killed: boolean;
  scenarios: ReturnType<typeof failedScenarios>;
  error?: string;
}

/** Which scenarios a part runs: a cucumber tag expression (and name pattern), and the same choice as a predicate. */
export interface Selection {
  tags: string;
  name?: string;
  selects: (s: ScenarioTags) => boolean;
}

const isSerial = (s: ScenarioTags): boolean => s.tags.includes('@serial');

/**
 * Runs parts of the suite against mutants, `jobs` mutants at once, each on one worker and its own port stripe. The
 * catalogue promises a `@serial` scenario the machine alone (its timing is its verdict, or it starves the machine),
 * and cucumber keeps that promise only among the workers of one run: here a part's `@serial` scenarios run after its
 * others, in a run of their own that takes every job slot of a weighted semaphore (first come, first served), where a
 * run of the others takes one. Before, a statistical kill by a serial scenario (fixed-retry-backoff) was missed once
 * beside the other job.
 */
export class SuiteRunner {
  private readonly machine: Semaphore;
  private readonly scenarios: ScenarioTags[];

  constructor(
    private readonly root: string,
    private readonly jobs: number,
    private readonly timeoutS: number,
    private readonly failFast: boolean,
  ) {
    this.machine = new Semaphore(jobs);
    this.scenarios = readScenarios(path.join(root, 'features'));
  }

  /** Whether the catalogue's scenario of this name is `@serial` (it then runs alone on the machine). */
  isSerial(scenario: string): boolean {
    return this.scenarios.some((s) => s.name === scenario && isSerial(s));
  }

  /** Runs other work that takes one core (a type-check) as one job of the machine: a serial run waits for it. */
  occupy<T>(work: () => Promise<T>): Promise<T> {
    return this.machine.runExclusive(work, 1);
  }

  /** Runs `selection` against the mutant `id` (its profile file), in job slot `slot`; reports under `part`. */
  async run(id: string, profileFile: string, part: string, selection: Selection, slot: number): Promise<SuiteRun> {
    const chosen = this.scenarios.filter(selection.selects);
    let plain: SuiteRun | undefined;
    if (chosen.some((s) => !isSerial(s))) {
      const tags = `(${selection.tags}) and not @serial`;
      plain = await this.machine.runExclusive(() => this.cucumber(id, profileFile, part, tags, selection.name, slot), 1);
      if (plain.killed || plain.error) return plain;
    }
    if (!chosen.some(isSerial)) return plain ?? { killed: false, scenarios: [] };
    const tags = `(${selection.tags}) and @serial`;
    const alone = await this.machine.runExclusive(
      () => this.cucumber(id, profileFile, `${part}-serial`, tags, selection.name, slot),
      this.jobs,
    );
    return { ...alone, scenarios: [...(plain?.scenarios ?? []), ...alone.scenarios] };
  }

  private async cucumber(id: string, profileFile: string, part: string, tags: string, name: string | undefined, slot: number) {
    const reports = path.join('reports', 'mutants', id, part);
    const args = ['cucumber-js', '-p', 'ci', '--tags', tags, ...(name ? ['--name', name] : []), ...(this.failFast ? ['--fail-fast'] : [])];
    const run = await execa('npx', args, {
      cwd: this.root,
      reject: false,
      env: { CHAOS_PROFILE: profileFile, CHAOS_REPORTS_DIR: reports, ...stripeEnv(slot) },
      timeout: this.timeoutS * 1000,
      killSignal: 'SIGINT',
    });
    const scenarios = failedScenarios(path.join(this.root, reports, 'messages.ndjson'));
    const error = run.timedOut ? `timed out after ${this.timeoutS} s` : undefined;
    return { killed: run.exitCode !== 0 && scenarios.length > 0, scenarios, error };
  }
}

/**
 * The environment of the runs in job slot `slot`: one worker, on its own port stripe, so that the mutants run at once
 * never race for a port (support/stack/ports.ts).
 */
export function stripeEnv(slot: number): Record<string, string> {
  return { CHAOS_WORKERS: '1', CHAOS_PORT_STRIPE: String(slot) };
}
