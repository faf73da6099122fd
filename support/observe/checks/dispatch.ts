import type { LivenessSample } from '../liveness';
import { type Verdict, verdictOf } from './verdict';

/** A dispatch attempt, from the orchestrator's log: to which replica, when it started (epoch ms). */
export interface DispatchAttempt {
  replica: string;
  at: number;
  reason: string;
}

/**
 * ORCH-3010: no dispatch to a replica the stack already knew to be down. "Knew" is what the stack itself reported to
 * the liveness probe: a replica reported not ready in the sample before an attempt and in the sample after it was
 * down throughout (a replica that came back in between may rightly be tried). Retries elsewhere hide such waste from
 * the client, and Toxiproxy cannot tell a dispatch from a health probe, so the attempts are read from the
 * orchestrator's log of dispatch starts: the only place where an attempt shows.
 */
export function NoDispatchToKnownDown(attempts: DispatchAttempt[], samples: LivenessSample[]): Verdict {
  const known = samples.filter((s) => s.replicas);
  const problems: string[] = [];
  for (const a of attempts) {
    const before = [...known].reverse().find((s) => s.at < a.at);
    const after = known.find((s) => s.at > a.at);
    // A breaker that is open lets one trial through after its cool-down, by design: that is not a known-down replica.
    const down = (s?: LivenessSample): boolean => !['ready', 'breaker-open', undefined].includes(s?.replicas?.[a.replica]);
    if (down(before) && down(after))
      problems.push(
        `attempt to replica ${a.replica} at ${new Date(a.at).toISOString()} while it was reported ${before!.replicas![a.replica]} (${a.reason})`,
      );
  }
  return verdictOf('NoDispatchToKnownDown', problems, `${attempts.length} dispatch attempts, none to a replica already reported down`);
}
