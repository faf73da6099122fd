import { type Verdict, verdictOf } from './verdict';

/** A dispatch attempt, from the orchestrator's log: to which replica, when it started (epoch ms). */
export interface DispatchAttempt {
  replica: string;
  at: number;
  reason: string;
  /** Position in the log: lines of one process are in the order it acted (two lines may share a millisecond). */
  seq?: number;
}

/** A change of a replica's availability as the orchestrator itself saw it, from its log. */
export interface AvailabilityChange {
  replica: string;
  at: number;
  available: boolean;
  /** Position in the log (see DispatchAttempt.seq). */
  seq?: number;
}

/**
 * ORCH-3010: no dispatch to a replica the stack already knew to be down. What it knew is its own account, read from
 * its log: the last availability change it logged for the replica before the attempt said unavailable (the pool
 * manager does not report it ready, or its own probes do not reach it). Retries elsewhere hide such waste from the
 * client, and Toxiproxy cannot tell a dispatch from a health probe, so the orchestrator's log is the only place where
 * both the attempt and the knowledge show; a stack that dispatched blindly would have to hide it from its own log.
 */
export function NoDispatchToKnownDown(attempts: DispatchAttempt[], changes: AvailabilityChange[], tasksRan: number): Verdict {
  const check = 'NoDispatchToKnownDown';
  // A check that cannot decide fails: no attempt logged although tasks ran, or an attempt to a replica whose
  // availability the log never stated before it, means the evidence is missing, not that all was well.
  if (attempts.length === 0 && tasksRan > 0)
    return { check, valid: 'unknown', detail: `${tasksRan} task(s) streamed but the orchestrator's log shows no dispatch attempt` };
  const problems: string[] = [];
  const blind: string[] = [];
  for (const a of attempts) {
    const before = (c: AvailabilityChange): boolean => (c.seq !== undefined && a.seq !== undefined ? c.seq < a.seq : c.at <= a.at);
    const known = changes.filter((c) => c.replica === a.replica && before(c)).at(-1);
    if (!known) blind.push(`${a.replica} at ${new Date(a.at).toISOString()}`);
    else if (!known.available)
      problems.push(
        `attempt to replica ${a.replica} at ${new Date(a.at).toISOString()}, after it was marked unavailable at ${new Date(known.at).toISOString()}`,
      );
  }
  if (problems.length === 0 && blind.length > 0)
    return {
      check,
      valid: 'unknown',
      detail: `${blind.length} dispatch attempt(s) to a replica whose availability the log never stated before: ${blind.slice(0, 5).join('; ')}`,
    };
  return verdictOf(check, problems, `${attempts.length} dispatch attempts, none to a replica already known down`);
}
