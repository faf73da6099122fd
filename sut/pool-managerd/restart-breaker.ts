/** The limits of one replica's restart breaker (POOL_BREAKER_*, POOL_STORM_*). */
export interface BreakerPolicy {
  breakerThreshold: number;
  stormWindowMs: number;
  stormMaxRestarts: number;
}

export type BreakerState = 'closed' | 'open' | 'half-open';

/** What to do after an engine exited. */
export type ExitDecision = { kind: 'restart'; failures: number } | { kind: 'open'; reason: string; storm: boolean };

/** The breaker's memory, as it may be saved and restored (upstream pool-managerd keeps restart history across restarts). */
export interface BreakerSnapshot {
  state: BreakerState;
  consecutiveFailures: number;
  restartTimes: number[];
}

/**
 * One replica's restart breaker, pure (no timers, no I/O; time is passed in): counts consecutive failures, keeps the
 * restart times of a sliding window, and decides after each exit whether to restart with backoff or to open
 * (OC-POOL-3011: restart storms bounded by backoff and a circuit breaker). After the cool-down the owner moves it to
 * half-open for one trial start: a good start closes it, a failed one opens it again.
 */
export class RestartBreaker {
  state: BreakerState = 'closed';
  consecutiveFailures = 0;
  private restartTimes: number[] = [];

  constructor(private readonly policy: BreakerPolicy) {}

  /** An engine exited at `now`: restart (with the failure count for the backoff) or open, and why. */
  onExit(now: number): ExitDecision {
    this.consecutiveFailures++;
    this.restartTimes = this.restartTimes.filter((t) => now - t <= this.policy.stormWindowMs);
    if (this.state === 'half-open') return this.open('trial start failed', false);
    if (this.consecutiveFailures >= this.policy.breakerThreshold)
      return this.open(`${this.consecutiveFailures} consecutive failures`, false);
    if (this.restartTimes.length >= this.policy.stormMaxRestarts)
      return this.open(`restart storm: ${this.restartTimes.length} restarts within ${this.policy.stormWindowMs} ms`, true);
    return { kind: 'restart', failures: this.consecutiveFailures };
  }

  /** A restart happens at `now` (it counts towards the storm window). */
  onRestart(now: number): void {
    this.restartTimes.push(now);
  }

  /** The cool-down is over: one trial start is allowed. */
  halfOpen(): void {
    this.state = 'half-open';
  }

  /** The engine became ready; returns true when this closed a half-open breaker (a good trial start). */
  onReady(): boolean {
    if (this.state !== 'half-open') return false;
    this.state = 'closed';
    this.consecutiveFailures = 0;
    return true;
  }

  /** The engine stayed ready long enough: earlier failures no longer count as consecutive. */
  onStable(): void {
    this.consecutiveFailures = 0;
  }

  snapshot(): BreakerSnapshot {
    return { state: this.state, consecutiveFailures: this.consecutiveFailures, restartTimes: [...this.restartTimes] };
  }

  restore(s: BreakerSnapshot): void {
    this.state = s.state;
    this.consecutiveFailures = s.consecutiveFailures;
    this.restartTimes = [...s.restartTimes];
  }

  private open(reason: string, storm: boolean): ExitDecision {
    this.state = 'open';
    return { kind: 'open', reason, storm };
  }
}
