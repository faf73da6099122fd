import { eventsOf, type TaskRecord } from '../history';
import type { LivenessSample } from '../liveness';
import type { Rerun } from './determinism';
import { StreamsMatchUndisturbedRuns } from './determinism';
import { type AvailabilityChange, type DispatchAttempt, NoDispatchToKnownDown } from './dispatch';
import { EnginesAgree, type Generation } from './engines';
import { OrchestratorStayedLive } from './liveness';
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

/** Everything the history checker judges a scenario on: the client's history first, then the other side's evidence. */
export interface ScenarioEvidence {
  records: TaskRecord[];
  /** Error codes the scenario's faults (and operations) allow. */
  allowed: ReadonlySet<string>;
  /** The engines always generate `max_tokens` (no early stop), so a shorter `end` is a truncation. */
  generatesMaxTokens: boolean;
  samples: LivenessSample[];
  answerBoundMs: number;
  reruns: Rerun[];
  /** What the engines logged; undefined when the target profile gives no pattern to read it. */
  generations?: Generation[];
  servedBy: Map<string, string | undefined>;
  /** Windows (epoch ms) in which the engines could not log: tasks ending in them are not judged on engine evidence. */
  engineLogGaps?: { from: number; to: number }[];
  /** Dispatch attempts and availability changes the orchestrator logged; undefined when the profile gives no pattern. */
  attempts?: DispatchAttempt[];
  availability?: AvailabilityChange[];
  /** Epoch ms from which the orchestrator's log could not be written (a log.unwritable fault): its evidence ends there. */
  orchestratorLogUntil?: number;
}

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
    ErrorsExplicit(e.records, e.allowed),
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
