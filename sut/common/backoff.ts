/** Backoff schedules shared by supervision (exponential ± jitter) and dispatch retries (capped full jitter). */

export interface ExponentialBackoff {
  initialMs: number;
  maxMs: number;
  multiplier: number;
  /** Fraction of the delay drawn uniformly either side, e.g. 0.1 for ±10 %. */
  jitter: number;
}

/** Delay before restart number `attempt` (1-based): initial × multiplier^(attempt-1), capped, then ± jitter. */
export function exponentialDelayMs(policy: ExponentialBackoff, attempt: number, random: () => number = Math.random): number {
  const base = Math.min(policy.maxMs, policy.initialMs * policy.multiplier ** Math.max(0, attempt - 1));
  const spread = base * policy.jitter;
  return Math.max(0, Math.round(base - spread + random() * 2 * spread));
}

/** HTU-1002 "full jitter": a uniform delay in [0, min(cap, base × 2^attempt)). */
export function fullJitterDelayMs(baseMs: number, capMs: number, attempt: number, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(capMs, baseMs * 2 ** Math.max(0, attempt)));
}
