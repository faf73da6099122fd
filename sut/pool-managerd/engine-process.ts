import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, fstatSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import type { PoolConfig, ReplicaConfig } from './config';
import { isAlive } from './engine-checks';

/** A launched engine: its process, where its log started (to classify its exit from this run's lines only), when. */
export interface LaunchedEngine {
  child: ChildProcess;
  logOffset: number;
  startedAt: number;
  /** False when the pid file could not be written (a full disk): adoption after a restart is then impossible. */
  pidFileWritten: boolean;
}

/**
 * Starts one replica's engine with llama-server's own flags (`--host --port --model --parallel --ctx-size`: `slots` is
 * the replica's own, fewer than its pool's after a GPU out-of-memory), its
 * output appended to `logFile`, and writes its pid file for a later pool-managerd to adopt it. Never throws for a
 * full disk: the engine still starts, the caller is told the pid file is missing.
 */
export function launchEngine(
  pool: PoolConfig,
  replica: ReplicaConfig,
  slots: number,
  modelPath: string,
  { logFile, pidFile }: { logFile: string; pidFile: string },
): LaunchedEngine {
  const argv = [
    ...pool.engine_command,
    '--host',
    '127.0.0.1',
    '--port',
    String(replica.port),
    '--model',
    modelPath,
    '--parallel',
    String(slots),
    '--ctx-size',
    String(pool.ctx),
  ];
  const out = openSync(logFile, 'a');
  const logOffset = fstatSync(out).size;
  const child = spawn(argv[0], argv.slice(1), { env: { ...process.env, ...pool.engine_env }, stdio: ['ignore', out, out] });
  closeSync(out);
  const startedAt = Date.now();
  let pidFileWritten = false;
  if (child.pid) {
    try {
      writeFileSync(pidFile, JSON.stringify({ pid: child.pid, port: replica.port, started_ms: startedAt }));
      pidFileWritten = true;
    } catch {
      /* a full disk: reported by the caller */
    }
  }
  return { child, logOffset, startedAt, pidFileWritten };
}

/** The pid a previous pool-managerd wrote for this replica, if any. */
export function readPidFile(pidFile: string): number | undefined {
  try {
    const pid = Number(JSON.parse(readFileSync(pidFile, 'utf8')).pid);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * True when the pid file names an engine that is no longer alive. A pool manager removes the pid file when it learns
 * of an exit: still there, the engine died before it did (one killed 11 ms after its engine, under load, never saw
 * that crash), and the next one must count it.
 */
export function diedUnseen(pidFile: string): boolean {
  const pid = readPidFile(pidFile);
  return pid !== undefined && !isAlive(pid);
}
