import { type ChildProcess, fork } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import { Semaphore } from 'async-mutex';
import type { PartAnswer, PartRequest } from '../../support/cucumber/part-runner';
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
  /** Each job slot's process (scripts/mutants/job.ts), started at its first part, started again after a timeout. */
  private readonly slots = new Map<number, ChildProcess>();

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
    const answer = await this.ask(slot, { profile: profileFile, reports, tags, name, failFast: this.failFast });
    const scenarios = failedScenarios(path.join(this.root, reports, 'messages.ndjson'));
    return { killed: !answer.passed && scenarios.length > 0, scenarios, error: answer.error };
  }

  /**
   * Runs one part in the slot's process; past the time limit the process is interrupted (SIGINT: its runs heal and
   * stop their stacks, as a cucumber run does), killed 10 s later if still there, and the slot starts anew.
   */
  private ask(slot: number, request: PartRequest): Promise<PartAnswer> {
    const job = this.slots.get(slot) ?? this.startSlot(slot);
    return new Promise((resolve) => {
      const done = (answer: PartAnswer): void => {
        clearTimeout(timer);
        job.off('message', done);
        job.off('exit', gone);
        resolve(answer);
      };
      const gone = (code: number | null, signal: string | null): void => {
        this.slots.delete(slot);
        done({ passed: false, error: `the job process of slot ${slot} ended (exit ${code ?? signal}) during the run` });
      };
      const timer = setTimeout(() => {
        this.slots.delete(slot);
        job.off('exit', gone);
        job.kill('SIGINT');
        setTimeout(() => job.kill('SIGKILL'), 10_000).unref();
        done({ passed: false, error: `timed out after ${this.timeoutS} s` });
      }, this.timeoutS * 1000);
      job.on('message', done);
      job.once('exit', gone);
      job.send(request);
    });
  }

  /** Starts the slot's process; what its runs print (progress of long waits, warnings) goes to reports/mutants/. */
  private startSlot(slot: number): ChildProcess {
    mkdirSync(path.join(this.root, 'reports', 'mutants'), { recursive: true });
    const log = openSync(path.join(this.root, 'reports', 'mutants', `job-${slot}.log`), 'a');
    const job = fork(path.join(__dirname, 'job.ts'), [], {
      cwd: this.root,
      execArgv: ['--require', 'ts-node/register'],
      env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true', ...stripeEnv(slot) },
      stdio: ['ignore', log, log, 'ipc'],
    });
    closeSync(log); // the child has its own copy; the parent's would stay open for each slot started
    this.slots.set(slot, job);
    return job;
  }

  /** Ends every slot's process (each heals and stops what it ran, as on an interrupt). */
  close(): void {
    for (const job of this.slots.values()) job.disconnect();
    this.slots.clear();
  }
}

/**
 * The environment of the runs in job slot `slot`: one worker, on its own port stripe, so that the mutants run at once
 * never race for a port (support/stack/ports.ts).
 */
export function stripeEnv(slot: number): Record<string, string> {
  return { CHAOS_WORKERS: '1', CHAOS_PORT_STRIPE: String(slot) };
}
