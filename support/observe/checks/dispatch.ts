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
export function NoDispatchToKnownDown(attempts: DispatchAttempt[], changes: AvailabilityChange[]): Verdict {
  const problems: string[] = [];
  for (const a of attempts) {
    const before = (c: AvailabilityChange): boolean => (c.seq !== undefined && a.seq !== undefined ? c.seq < a.seq : c.at <= a.at);
    const known = changes.filter((c) => c.replica === a.replica && before(c)).at(-1);
    if (known && !known.available)
      problems.push(
        `attempt to replica ${a.replica} at ${new Date(a.at).toISOString()}, after it was marked unavailable at ${new Date(known.at).toISOString()}`,
      );
  }
  return verdictOf('NoDispatchToKnownDown', problems, `${attempts.length} dispatch attempts, none to a replica already known down`);
}
