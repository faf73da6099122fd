import path from 'node:path';
import { PassThrough } from 'node:stream';
import type { Envelope, TestStepResultStatus } from '@cucumber/messages';
import { FaultNotConfirmed } from '../core/errors';
import { type ISupportCodeLibrary, loadConfiguration, runCucumber } from '@cucumber/cucumber/api';

/** What one run of a schedule's scenario showed: passed or not, the failure and where, its timeline picture. */
export interface Outcome {
  passed: boolean;
  /** The scenario's status (PASSED, FAILED, SKIPPED…). */
  status: string;
  /** Where it failed: the step's text, or "After" for the history checker and the heals. */
  failedAt?: string;
  message?: string;
  /** What failed, stable across schedules (the step's pattern, or the history checks' names): shrinking keeps it. */
  signature?: string;
  timelineSvg?: string;
  ms: number;
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
  let timelineSvg: string | undefined;
  let worst: { status: TestStepResultStatus; at?: string; message?: string; type?: string } | undefined;
  for (const m of messages) {
    if (m.pickle) for (const s of m.pickle.steps) stepText.set(s.id, s.text);
    if (m.testCase)
      for (const s of m.testCase.testSteps) stepOf.set(s.id, s.pickleStepId ? (stepText.get(s.pickleStepId) ?? '?') : 'After');
    if (m.attachment?.fileName === 'timeline.svg') timelineSvg = m.attachment.body;
    const finished = m.testStepFinished;
    if (finished && finished.testStepResult.status !== 'PASSED' && !worst)
      worst = {
        status: finished.testStepResult.status,
        at: stepOf.get(finished.testStepId),
        message: finished.testStepResult.message,
        type: finished.testStepResult.exception?.type,
      };
  }
  if (!worst) return { passed: true, status: 'PASSED', timelineSvg };
  const failed = worst.status === 'FAILED';
  // A fault the schedule drew but that could not be confirmed where it was drawn (a link fault probed through a paused
  // engine): the schedule did not test what it says. Not a failure of the stack; reported apart, never shrunk to.
  if (failed && worst.at !== 'After' && worst.type === FaultNotConfirmed.name)
    return { passed: false, status: 'INFEASIBLE', failedAt: worst.at, message: worst.message, signature: 'infeasible', timelineSvg };
  return {
    passed: false,
    status: worst.status,
    failedAt: worst.at,
    message: worst.message,
    signature: failed ? signatureOf(worst.at ?? '?', worst.message ?? '') : worst.status,
    timelineSvg,
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
