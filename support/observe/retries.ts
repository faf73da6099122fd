import type { TargetProfile } from '../stack/profile';
import { terminalOf, type TaskRecord } from '../history/history';
import { RetryPolicySeen } from '../checks/retries';

/**
 * Reads the retry policy from the profile's orchestrator settings, with the product's defaults where it sets none
 * (ORCHD_RETRY_BASE_MS 50, ORCHD_RETRY_CAP_MS 1000, ORCHD_RETRY_MAX_ATTEMPTS 3: sut/orchestratord/main.ts).
 */
export function retryPolicyOf(profile: TargetProfile): RetryPolicySeen {
  const env = profile.components.orchestrator?.env ?? {};
  const int = (name: string, fallback: number): number => (env[name] === undefined ? fallback : Number(env[name]));
  return { baseMs: int('ORCHD_RETRY_BASE_MS', 50), capMs: int('ORCHD_RETRY_CAP_MS', 1000), budget: int('ORCHD_RETRY_MAX_ATTEMPTS', 3) };
}

/**
 * The orchestrator's queue timeout as a profile sets it, ms (`ORCHD_QUEUE_TIMEOUT_MS`, a scenario's tune where it
 * takes one), or the product default of 10 s.
 */
export function queueTimeoutOf(profile: TargetProfile, tunes: Record<string, string>): number {
  return orchestratorMsOf(profile, tunes, 'ORCHD_QUEUE_TIMEOUT_MS', 10_000);
}

/**
 * The orchestrator's shutdown grace as a profile sets it, ms (`ORCHD_SHUTDOWN_GRACE_MS`, a scenario's tune where it
 * takes one), or the product default of 10 s: how long a graceful stop lets in-flight tasks run.
 */
export function shutdownGraceOf(profile: TargetProfile, tunes: Record<string, string>): number {
  return orchestratorMsOf(profile, tunes, 'ORCHD_SHUTDOWN_GRACE_MS', 10_000);
}

/**
 * How long a task whose replica broke mid-stream waits for another to take it over, with stream failover on, ms
 * (`ORCHD_MIGRATION_WAIT_MS`, or the product default of 5 s).
 */
export function migrationWaitOf(profile: TargetProfile, tunes: Record<string, string>): number {
  return orchestratorMsOf(profile, tunes, 'ORCHD_MIGRATION_WAIT_MS', 5000);
}

function orchestratorMsOf(profile: TargetProfile, tunes: Record<string, string>, name: string, fallback: number): number {
  const raw = profile.components.orchestrator?.env?.[name] ?? String(fallback);
  return Number(raw.replace(/\$\{tune:([\w-]+)\|([^}]*)\}/g, (_, tune: string, value: string) => tunes[tune] ?? value));
}

/** For each task, ms from the client receiving its admission to the client receiving its terminal event. */
export function timesToGiveUp(records: TaskRecord[]): number[] {
  return records.flatMap((r) => {
    const end = terminalOf(r);
    if (!end || !r.admission) return [];
    return [end.at - (r.submittedAt + r.admission.elapsedMs)];
  });
}
