import path from 'node:path';
import { PassThrough } from 'node:stream';
import type { Envelope, TestStepResultStatus } from '@cucumber/messages';
import { FaultNotApplicable } from '../core/errors';
import { type ISupportCodeLibrary, loadConfiguration, runCucumber } from '@cucumber/cucumber/api';

/** What one run of a schedule's scenario showed: passed or not, the failure and where, its timeline picture. */
export interface Outcome {
  /** Every step and hook of the scenario ran and passed, the After hook's checker included: nothing less is a pass. */
  passed: boolean;
  /**
   * PASSED; FAILED (or another cucumber status); INFEASIBLE (a fault's own preflight showed it cannot apply to this
   * schedule, before it was applied); NOT_RUN (steps or hooks that never reported a result: nothing was judged);
   * RUN_FAILED (a run-wide hook failed).
   */
  status: string;
  /** Where it failed: the step's text, or "After" for the history checker and the heals. */
  failedAt?: string;
  message?: string;
  /** What failed, stable across schedules (the step's pattern, or the history checks' names): shrinking keeps it. */
  signature?: string;
  timelineSvg?: string;
  /** Per fault kind, how many of its faults were confirmed applied and confirmed healed (from the scenario's timeline). */
  faults?: FaultTally;
  ms: number;
}

export interface FaultTally {
  applied: Record<string, number>;
  healed: Record<string, number>;
}

/** Counts the faults a scenario's timeline shows confirmed applied (`fault.verified`) and healed (`fault.heal-verified`). */
export function tallyFaults(timelineJson: string): FaultTally {
  const tally: FaultTally = { applied: {}, healed: {} };
  let entries: { kind?: string; name?: string; data?: { kind?: string; verdict?: string } }[];
  try {
    entries = JSON.parse(timelineJson);
  } catch {
    return tally;
  }
  for (const e of entries) {
    if (e.kind !== 'fault' || e.data?.verdict !== 'confirmed' || !e.data.kind) continue;
    const into = e.name === 'fault.verified' ? tally.applied : e.name === 'fault.heal-verified' ? tally.healed : undefined;
    if (into) into[e.data.kind] = (into[e.data.kind] ?? 0) + 1;
  }
  return tally;
}

/**
 * Runs feature files with the suite's own configuration (cucumber.js `default`: the World, the hooks, the steps), in
 * this process: the support code is loaded once and reused by every later run, which saves a runner start per
 * schedule. Reports go to nothing; the outcome is read from the run's messages.
 */
export class ScenarioRunner {
  private support?: ISupportCodeLibrary;

  constructor(
    private readonly root: string,
    private readonly profile: string,
  ) {}

  async run(featureFile: string): Promise<Outcome> {
    const started = Date.now();
    // The suite's own `default` profile (its World, hooks, steps), read directly: cucumber's loader imports the file as
    // a module, which fails under ts-node's require hook.
    const suite = (require(path.join(this.root, 'cucumber.js')) as { default: Record<string, unknown> }).default;
    const { runConfiguration } = await loadConfiguration(
      { file: false, provided: { ...suite, format: [], paths: [featureFile], worldParameters: { profile: this.profile } } },
      { cwd: this.root },
    );
    const sink = new PassThrough();
    sink.resume();
    const messages: Envelope[] = [];
    try {
      const result = await runCucumber(
        {
          ...runConfiguration,
          formats: { stdout: 'summary', files: {}, publish: false, options: {} },
          support: this.support ?? runConfiguration.support,
        },
        { cwd: this.root, stdout: sink, stderr: sink, env: process.env },
        (m) => messages.push(m),
      );
      this.support = result.support;
    } catch (err) {
      // A run-wide hook failed (Toxiproxy would not start, the run left something behind): the run's own error.
      const hooks = messages.flatMap((m) => (m.testRunHookFinished?.result.message ? [m.testRunHookFinished.result.message] : []));
      const message = [(err as Error).message, ...hooks].join('\n');
      return {
        passed: false,
        status: 'RUN_FAILED',
        failedAt: 'run',
        message,
        signature: `run: ${hooks[0]?.split('\n')[0] ?? message}`,
        ms: Date.now() - started,
      };
    }
    return { ...readOutcome(messages), ms: Date.now() - started };
  }
}

/** The scenario's outcome from a run's messages (one scenario per file). */
export function readOutcome(messages: Envelope[]): Omit<Outcome, 'ms'> {
  const stepText = new Map<string, string>();
  const stepOf = new Map<string, string>();
  const finished = new Set<string>();
  let timelineSvg: string | undefined;
  let faults: FaultTally | undefined;
  let worst: { status: TestStepResultStatus; at?: string; message?: string; type?: string } | undefined;
  for (const m of messages) {
    if (m.pickle) for (const s of m.pickle.steps) stepText.set(s.id, s.text);
    if (m.testCase)
      for (const s of m.testCase.testSteps) stepOf.set(s.id, s.pickleStepId ? (stepText.get(s.pickleStepId) ?? '?') : 'After');
    if (m.attachment?.fileName === 'timeline.svg') timelineSvg = m.attachment.body;
    if (m.attachment?.fileName === 'timeline.json') faults = tallyFaults(m.attachment.body);
    const done = m.testStepFinished;
    if (done) finished.add(done.testStepId);
    if (done && done.testStepResult.status !== 'PASSED' && !worst)
      worst = {
        status: done.testStepResult.status,
        at: stepOf.get(done.testStepId),
        message: done.testStepResult.message,
        type: done.testStepResult.exception?.type,
      };
  }
  if (!worst) {
    // A pass is every step and hook reporting PASSED, the After hook (the checker) among them.
    const unreported = [...stepOf.keys()].filter((id) => !finished.has(id));
    if (stepOf.size > 0 && unreported.length === 0) return { passed: true, status: 'PASSED', timelineSvg, faults };
    const missing = stepOf.size === 0 ? 'no scenario ran' : `no result for: ${unreported.map((id) => stepOf.get(id)).join('; ')}`;
    return { passed: false, status: 'NOT_RUN', message: missing, signature: 'not run', timelineSvg, faults };
  }
  const failed = worst.status === 'FAILED';
  // A fault whose own preflight showed it cannot act where the schedule drew it (a link fault probed through a paused
  // engine): the schedule did not test what it says. Reported apart, never shrunk to. A fault applied and then not
  // confirmed (the stack failed to bring an engine back…) is a failure like any other.
  if (failed && worst.at !== 'After' && worst.type === FaultNotApplicable.name)
    return {
      passed: false,
      status: 'INFEASIBLE',
      failedAt: worst.at,
      message: worst.message,
      signature: 'infeasible',
      timelineSvg,
      faults,
    };
  return {
    passed: false,
    status: worst.status,
    failedAt: worst.at,
    message: worst.message,
    signature: failed ? signatureOf(worst.at ?? '?', worst.message ?? '') : worst.status,
    timelineSvg,
    faults,
  };
}

/**
 * What failed, in terms that survive shrinking: for a step, its text with the numbers taken out (a shorter wait is
 * still the same step); for the After hook, the names of the history checks that failed, or its first line.
 */
export function signatureOf(at: string, message: string): string {
  if (at !== 'After') return `step: ${at.replace(/\d+(\.\d+)?/g, 'N')}`;
  const checks = [...message.matchAll(/History check (\w+) (?:failed|could not decide)/g)].map((m) => m[1]);
  if (checks.length) return `check: ${[...new Set(checks)].sort().join(', ')}`;
  return `after: ${message
    .split('\n')[0]
    .replace(/\d+(\.\d+)?/g, 'N')
    .slice(0, 120)}`;
}

/** How the runs of an exploration ended: passed, failed, infeasible (by the step whose fault refused), not run. */
export interface OutcomeCounts {
  passed: number;
  failed: number;
  infeasible: Record<string, number>;
  notRun: number;
}

export function countOutcomes(outcomes: Omit<Outcome, 'ms'>[]): OutcomeCounts {
  const counts: OutcomeCounts = { passed: 0, failed: 0, infeasible: {}, notRun: 0 };
  for (const o of outcomes) {
    if (o.passed) counts.passed++;
    else if (o.status === 'NOT_RUN') counts.notRun++;
    else if (o.status === 'INFEASIBLE') {
      const cause = (o.failedAt ?? '?').replace(/\d+(\.\d+)?/g, 'N');
      counts.infeasible[cause] = (counts.infeasible[cause] ?? 0) + 1;
    } else counts.failed++;
  }
  return counts;
}

export function describeCounts(c: OutcomeCounts): string {
  const infeasible = Object.entries(c.infeasible);
  const total = infeasible.reduce((n, [, k]) => n + k, 0);
  const causes = infeasible.map(([cause, k]) => `${k} at "${cause}"`).join(', ');
  return `${c.passed} passed, ${c.failed} failed, ${total} infeasible${total ? ` (${causes})` : ''}, ${c.notRun} not run`;
}
