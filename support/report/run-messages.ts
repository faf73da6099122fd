import { existsSync, readFileSync } from 'node:fs';

/** One scenario of a finished run, read back from its Cucumber messages. */
export interface ScenarioRun {
  name: string;
  /** Its tags, the Feature's included. */
  tags: string[];
  /** PASSED, FAILED, SKIPPED, …: the worst step status (a failed After hook fails the scenario). */
  status: string;
  ms: number;
  /** The first line of the first failure, if any. */
  message?: string;
  /** The scenario's `evidence.json` attachment (support/cucumber/hooks.ts), if it has one. */
  evidence?: { measures?: Record<string, number>; waits?: WaitUse[]; time_split_ms?: Record<string, number> };
}

/** How much of a wait's limit a scenario used (support/core/wait-journal.ts). */
export interface WaitUse {
  condition: string;
  usedMs: number;
  limitMs: number;
  met: boolean;
}

const ms = (t: { seconds: number; nanos: number }): number => t.seconds * 1000 + t.nanos / 1e6;

/**
 * Every scenario of one run, from the `messages.ndjson` the `ci` profile writes (what the bench, the soak, the
 * stress run and the mutation check read). A missing file is a run that produced nothing: no scenarios.
 */
export function readScenarioRuns(messagesFile: string): ScenarioRun[] {
  if (!existsSync(messagesFile)) return [];
  const names = new Map<string, string>();
  const tags = new Map<string, string[]>();
  const testCases = new Map<string, string>();
  const started = new Map<string, { run: ScenarioRun; at: number }>();
  const out: ScenarioRun[] = [];
  // Every message ends with a newline: what follows the last one is a message still being written (a run read while
  // it stops, as the mutation check reads a part it interrupted; seen in CI: "Unterminated string in JSON"), left out.
  for (const line of readFileSync(messagesFile, 'utf8').split('\n').slice(0, -1)) {
    if (!line) continue;
    const e = JSON.parse(line);
    if (e.pickle) {
      names.set(e.pickle.id, e.pickle.name);
      tags.set(
        e.pickle.id,
        ((e.pickle.tags ?? []) as { name: string }[]).map((t) => t.name),
      );
    }
    if (e.testCase) testCases.set(e.testCase.id, e.testCase.pickleId);
    if (e.testCaseStarted) {
      const pickle = testCases.get(e.testCaseStarted.testCaseId) ?? '';
      const run: ScenarioRun = { name: names.get(pickle) ?? pickle, tags: tags.get(pickle) ?? [], status: 'PASSED', ms: 0 };
      started.set(e.testCaseStarted.id, { run, at: ms(e.testCaseStarted.timestamp) });
      out.push(run);
    }
    const result = e.testStepFinished?.testStepResult;
    const stepOf = e.testStepFinished && started.get(e.testStepFinished.testCaseStartedId);
    const worse = stepOf && result && result.status !== 'PASSED' && (stepOf.run.status === 'PASSED' || stepOf.run.status === 'SKIPPED');
    if (stepOf && worse && result.status !== stepOf.run.status) {
      stepOf.run.status = result.status;
      if (result.status !== 'SKIPPED')
        stepOf.run.message = String(result.message ?? result.exception?.message ?? result.status)
          .split('\n')[0]
          .slice(0, 300);
    }
    const attachedTo = e.attachment?.fileName === 'evidence.json' && started.get(e.attachment.testCaseStartedId);
    if (attachedTo) attachedTo.run.evidence = JSON.parse(e.attachment.body);
    const finished = e.testCaseFinished && started.get(e.testCaseFinished.testCaseStartedId);
    if (finished) finished.run.ms = Math.round(ms(e.testCaseFinished.timestamp) - finished.at);
  }
  return out;
}

/** Whether a scenario's status is a failure (not passed, not skipped). */
export const failed = (run: ScenarioRun): boolean => run.status !== 'PASSED' && run.status !== 'SKIPPED';
