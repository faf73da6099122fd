import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { BreakerSnapshot } from './restart-breaker';

export type ReplicaState = 'starting' | 'ready' | 'unready' | 'draining' | 'failed' | 'stopped';

/** What the supervisor knows about one replica, as `/pools` reports it. */
export interface ReplicaStatus {
  replica_id: string;
  url: string;
  state: ReplicaState;
  pid?: number;
  restarts: number;
  driver_resets: number;
  breaker: 'closed' | 'open' | 'half-open';
  slots_total: number;
  slots_free: number;
  /** The engine's build as it reports it (`/props` build_info), once it is ready. */
  engine_version?: string;
  last_error?: string;
}

/**
 * What a replica's supervisor must remember across a restart of pool-managerd itself (upstream pool-managerd keeps
 * restart history too): restart and driver-reset counts, the breaker with its storm window, until when it stays open,
 * and the last error. Without it, a pool manager killed during a crash loop would let the loop resume at full speed.
 */
export interface ReplicaMemory {
  restarts: number;
  driverResets: number;
  breaker: BreakerSnapshot;
  /** Epoch ms when an open breaker may half-open. */
  openUntil: number;
  lastError?: string;
  /** The replica's slots, where a GPU out-of-memory left it fewer than its pool's (ORCH-3039). */
  slots?: number;
}

/**
 * Writes the memory next to the pid file, whole or not at all (a new file renamed over the old): a pool manager killed
 * in the middle of a plain write left an empty file, and its successor forgot the crash loop (seen under `npm run
 * stress`). A full disk loses it (logged by the caller), never the supervisor.
 */
export function saveMemory(file: string, memory: ReplicaMemory): boolean {
  const fresh = `${file}.new`;
  try {
    writeFileSync(fresh, JSON.stringify(memory));
    renameSync(fresh, file);
    return true;
  } catch {
    rmSync(fresh, { force: true });
    return false;
  }
}

/** The memory a previous pool-managerd left, if any and readable. */
export function loadMemory(file: string): ReplicaMemory | undefined {
  try {
    const m = JSON.parse(readFileSync(file, 'utf8')) as ReplicaMemory;
    return typeof m.restarts === 'number' && m.breaker ? m : undefined;
  } catch {
    return undefined;
  }
}

/** Where one replica's engine keeps its pid, its supervision memory and its log, in the pool manager's run folder. */
export function replicaFiles(runDir: string, poolId: string, replicaId: string): { pidFile: string; stateFile: string; logFile: string } {
  const base = path.join(runDir, `${poolId}-${replicaId}`);
  return { pidFile: `${base}.pid`, stateFile: `${base}.state.json`, logFile: `${base}.log` };
}
