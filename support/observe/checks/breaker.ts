import { type Verdict, verdictOf } from './verdict';

/** A dispatch that reached a replica, seen at its link: when it arrived and when its connection ended (epoch ms). */
export interface SeenDispatch {
  at: number;
  endedAt?: number;
  /** The replica's answer, once its head arrived. */
  status?: number;
}

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
 */
export function BreakerShedsFailingReplica(seen: SeenDispatch[], policy: BreakerPolicy, until: number): Verdict {
  const check = 'BreakerShedsFailingReplica';
  const { threshold, cooldownMs, skewMs } = policy;
  const judged = seen.filter((d) => d.at < until).sort((a, b) => a.at - b.at);
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

/**
 * The most dispatches that were in flight at a replica at once, as its link saw them (a request counts from its
 * arrival until its response ended; one still open counts until `now`). A half-open breaker lets one trial at a time
 * through, a closed one as many as the replica's slots: more than one at once shows the breaker closed again.
 */
export function mostAtOnce(seen: SeenDispatch[], now: number): number {
  const edges = seen.flatMap((d) => [
    { at: d.at, step: 1 },
    { at: d.endedAt ?? now, step: -1 },
  ]);
  // An end and an arrival at the same millisecond are not side by side: ends first.
  edges.sort((a, b) => a.at - b.at || a.step - b.step);
  let inFlight = 0;
  let most = 0;
  for (const e of edges) {
    inFlight += e.step;
    most = Math.max(most, inFlight);
  }
  return most;
}
