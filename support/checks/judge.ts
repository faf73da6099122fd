import { eventsOf, type TaskRecord } from '../history/history';
import { StreamsMatchUndisturbedRuns } from './determinism';
import { NoDispatchToKnownDown } from './dispatch';
import { EnginesAgree } from './engines';
import { ScenarioEvidence } from './evidence';
import { OrchestratorStayedLive } from './liveness';
import { DropsOldestFirst } from './queue-drops';
import { QueueTimeoutKept } from './queue-timeout';
import { StreamsWellFormed } from './streams';
import {
  AdmittedTasksEnded,
  CompletedStreamsComplete,
  ErrorsExplicit,
  NoTokenAfterCancel,
  RefusalsExplicit,
  SubmissionsAnswered,
} from './tasks';
import type { Verdict } from './verdict';

export { compose, type Verdict } from './verdict';

/**
 * The strict history checker: every verdict for one scenario. Evidence a target profile cannot provide gives an
 * `unknown` verdict, which fails the scenario like a `false` one: nothing passes for want of looking.
 */
export function judgeHistory(e: ScenarioEvidence): Verdict[] {
  const unread = (check: string, field: string): Verdict => ({
    check,
    valid: 'unknown',
    detail: `the target profile gives no \`evidence.${field}\` pattern to read this from`,
  });
  return [
    SubmissionsAnswered(e.records),
    AdmittedTasksEnded(e.records),
    StreamsWellFormed(e.records),
    CompletedStreamsComplete(e.records, e.generatesMaxTokens),
    ErrorsExplicit(e.records, e.allowed, e.queueTimeoutMs),
    ...(e.overdue && e.queueTimeoutMs !== undefined ? [QueueTimeoutKept(e.overdue, e.queueTimeoutMs)] : []),
    ...(e.clocks ? [DropsOldestFirst(e.records, e.clocks)] : []),
    RefusalsExplicit(e.records, e.allowed),
    NoTokenAfterCancel(e.records),
    StreamsMatchUndisturbedRuns(e.reruns),
    e.generations ? EnginesAgree(e.records, e.generations, e.servedBy, e.engineLogGaps) : unread('EnginesAgree', 'engineGeneration'),
    e.attempts && e.availability
      ? NoDispatchToKnownDown(e.attempts, e.availability, streamedBefore(e.records, e.orchestratorLogUntil ?? Number.POSITIVE_INFINITY))
      : unread('NoDispatchToKnownDown', 'dispatchStarted and evidence.replicaAvailability'),
    OrchestratorStayedLive(e.samples, e.records, e.answerBoundMs),
  ];
}

/** How many tasks got a first token before `untilMs` (epoch): the ones the orchestrator's log must show dispatched. */
function streamedBefore(records: TaskRecord[], untilMs: number): number {
  return records.filter((r) => eventsOf(r).some((x) => x.event === 'token' && x.at < untilMs)).length;
}
