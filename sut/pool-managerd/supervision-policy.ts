import type { ExponentialBackoff } from '../common/backoff';
import { envInt } from '../common/env';
import type { BreakerPolicy } from './restart-breaker';

/** Supervision limits, all from the environment so tests run in scaled time. */
export interface SupervisionPolicy extends BreakerPolicy {
  backoff: ExponentialBackoff;
  breakerThreshold: number;
  breakerCooldownMs: number;
  /** Restart storms: more than `stormMaxRestarts` restarts within `stormWindowMs` opens the breaker too. */
  stormWindowMs: number;
  stormMaxRestarts: number;
  stableMs: number;
  healthPollMs: number;
  healthIntervalMs: number;
  startupTimeoutMs: number;
  shutdownGraceMs: number;
}

export function policyFromEnv(): SupervisionPolicy {
  return {
    backoff: {
      initialMs: envInt('POOL_RESTART_INITIAL_MS', 1000),
      maxMs: envInt('POOL_RESTART_MAX_MS', 60_000),
      multiplier: envInt('POOL_RESTART_MULTIPLIER', 2),
      jitter: envInt('POOL_RESTART_JITTER_PCT', 10) / 100,
    },
    breakerThreshold: envInt('POOL_BREAKER_THRESHOLD', 5),
    breakerCooldownMs: envInt('POOL_BREAKER_COOLDOWN_MS', 30_000),
    stormWindowMs: envInt('POOL_STORM_WINDOW_MS', 60_000),
    stormMaxRestarts: envInt('POOL_STORM_MAX_RESTARTS', 10),
    stableMs: envInt('POOL_STABLE_MS', 10_000),
    healthPollMs: envInt('POOL_HEALTH_POLL_MS', 50),
    healthIntervalMs: envInt('POOL_HEALTH_INTERVAL_MS', 250),
    startupTimeoutMs: envInt('POOL_STARTUP_TIMEOUT_MS', 30_000),
    shutdownGraceMs: envInt('POOL_SHUTDOWN_GRACE_MS', 5_000),
  };
}
