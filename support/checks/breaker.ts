import { SuiteError } from '../core/errors';
import { SeenDispatch } from '../history/dispatches';
import { BOUNDS } from './bounds';
import { type Verdict, verdictOf } from './verdict';

export interface BreakerPolicy {
  /** Failed dispatches in a row that open the breaker. */
  threshold: number;
  /** How long an open breaker keeps the replica out before one trial dispatch (half-open). */
  cooldownMs: number;
  /**
   * How far the link's clock may sit from the orchestrator's: the tap notes an arrival a hop after the orchestrator
   * sent it and an end when the proxy closed the connection, which the orchestrator may see a little earlier.
   */
  skewMs: number;
}

/**
 * ORCH-3040, judged at the link of a replica every dispatch to which fails: once `threshold` of them have failed, no
 * new dispatch reaches the replica until the cool-down has passed since the last failure; then one trial at a time,
 * each failed trial starting a new cool-down. Dispatches that arrived before the threshold-th failure ended were sent
 * while the breaker could not yet know and are not judged. Retries on other replicas hide a breaker that never opens
 * from the client, so only the link can tell. `until` is when the failing ended (the heal): what reached the replica
 * after it is not judged. The check cannot decide, and fails, when the threshold was never reached (the scenario did
 * not test the breaker) or no trial followed a cool-down that the window spans (a breaker that never closes).
 * Dispatches answered 200 before the first failed one are not judged: the fault had not taken effect yet.
 */
export function BreakerShedsFailingReplica(seen: SeenDispatch[], policy: BreakerPolicy, until: number): Verdict {
  const check = 'BreakerShedsFailingReplica';
  const { threshold, cooldownMs, skewMs } = policy;
  const before = seen.filter((d) => d.at < until).sort((a, b) => a.at - b.at);
  // A fault the engine applies itself (a signal its event loop handles) may let a dispatch or two be served after it
  // was applied: the run of failures, and the judging, begin with the first dispatch the replica did not answer 200.
  const firstFailed = before.findIndex((d) => d.status !== 200);
  const judged = firstFailed < 0 ? [] : before.slice(firstFailed);
  const ended = judged.filter((d) => d.endedAt !== undefined).sort((a, b) => (a.endedAt ?? 0) - (b.endedAt ?? 0));
  if (ended.length < threshold)
    return {
      check,
      valid: 'unknown',
      detail: `only ${ended.length} failed dispatch(es) reached the replica before the heal, fewer than the breaker's threshold of ${threshold}: the breaker was not put to the test`,
    };
  const opened = ended[threshold - 1].endedAt as number;
  const t = (ms: number): string => `+${ms - opened} ms`;
  const problems: string[] = [];
  let openUntil = opened + cooldownMs;
  let trialEnds = Number.NEGATIVE_INFINITY;
  let trials = 0;
  let closest = Number.POSITIVE_INFINITY;
  for (const d of judged.filter((x) => x.at > opened + skewMs)) {
    if (d.at < trialEnds - skewMs)
      problems.push(`a dispatch at ${t(d.at)} while the trial dispatch was still in flight (until ${t(trialEnds)})`);
    else if (d.at < openUntil - skewMs)
      problems.push(`a dispatch at ${t(d.at)} within the cool-down (the breaker opened at +0 ms, open until ${t(openUntil)})`);
    else {
      trials++;
      closest = Math.min(closest, d.at - openUntil);
      trialEnds = d.endedAt ?? until;
      openUntil = trialEnds + cooldownMs;
    }
  }
  const summary = `${judged.length} dispatch(es) reached the replica; the breaker opened at the ${threshold}-failure threshold, then ${trials} trial(s) one cool-down (${cooldownMs} ms) apart${trials ? `, the earliest ${closest} ms after its cool-down ended` : ''}`;
  if (problems.length === 0 && trials === 0 && until - opened > 2 * cooldownMs + skewMs)
    return {
      check,
      valid: false,
      detail: `${summary}: no trial dispatch although the failing lasted ${until - opened} ms after the breaker opened, more than two cool-downs (a breaker that never lets a trial through)`,
    };
  return verdictOf(check, problems, summary);
}

/** The longest run of consecutive dispatches (in arrival order) that `matches` accepts. */
export function longestRun(seen: SeenDispatch[], matches: (d: SeenDispatch) => boolean): number {
  let run = 0;
  let longest = 0;
  for (const d of [...seen].sort((a, b) => a.at - b.at)) {
    run = matches(d) ? run + 1 : 0;
    longest = Math.max(longest, run);
  }
  return longest;
}

/** The orchestrator's per-replica breaker as the scenario stated it (its tunes), with the tap's skew. */
export function breakerPolicy(tunes: Record<string, string>): BreakerPolicy {
  const threshold = Number(tunes['dispatch-breaker-threshold']);
  const cooldownMs = Number(tunes['dispatch-breaker-cooldown-ms']);
  if (!(threshold > 0 && cooldownMs > 0))
    throw new SuiteError(
      'The scenario states no breaker threshold and cool-down to judge by: add "Given a replica leaves service for <duration> after <n> failed dispatches in a row"',
    );
  return { threshold, cooldownMs, skewMs: BOUNDS.linkObservationSkewMs };
}
