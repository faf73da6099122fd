import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { PoolManagerClient } from '../pool-manager/client';
import { isAlive, startedAtMs } from '../core/pids';
import { ConditionBroken } from '../core/errors';
import { eventually } from '../core/eventually';
import { Crash } from '../history/crashes';

/**
 * Waits until the pool manager reports a different engine pid for the replica than `crash.pid` (it spawned a new
 * one) and records when. Polled every 2 ms, so the observed delay overshoots the real one by a few ms at most.
 */
export async function awaitRestart(pm: PoolManagerClient, poolId: string, crash: Crash, withinMs: number): Promise<Crash> {
  if (crash.restartedAt) return crash;
  const { value } = await eventually(
    `a new engine for replica ${crash.replicaId} after pid ${crash.pid} died`,
    async () => {
      const r = await pm.replica(poolId, crash.replicaId);
      return {
        ok: r.pid !== undefined && r.pid !== crash.pid,
        seen: `state=${r.state}, pid=${r.pid}, restarts=${r.restarts}, breaker=${r.breaker}, last_error=${r.last_error}`,
        value: r.pid,
      };
    },
    { withinMs, everyMs: 2 },
  );
  crash.restartedAt = Date.now();
  crash.newPid = value;
  crash.spawnedAt = value === undefined ? undefined : startedAtMs(value);
  return crash;
}

/** Pids among `pids` that are still alive, after waiting up to `withinMs` for them to go. */
export async function survivors(pids: number[], withinMs: number): Promise<number[]> {
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline && pids.some(isAlive)) await new Promise((r) => setTimeout(r, 10));
  return pids.filter(isAlive);
}

/**
 * Watches `pids` from now: resolves with when (epoch ms) each was first seen gone, polling every 5 ms, once all are
 * gone or `withinMs` has passed (a pid still alive then has no entry).
 */
export async function watchExits(pids: number[], withinMs: number): Promise<Map<number, number>> {
  const gone = new Map<number, number>();
  const deadline = Date.now() + withinMs;
  while (gone.size < pids.length && Date.now() < deadline) {
    for (const pid of pids) if (!gone.has(pid) && !isAlive(pid)) gone.set(pid, Date.now());
    await new Promise((r) => setTimeout(r, 5));
  }
  return gone;
}

/** The `.partial` files in a model cache. */
export function partialFiles(cacheDir: string): string[] {
  return existsSync(cacheDir) ? readdirSync(cacheDir).filter((f) => f.endsWith('.partial')) : [];
}

/** Whether the cache holds a complete copy of `source` (same size and sha256) under its name. */
export function stagedCopyMatches(cacheDir: string, source: string): { ok: boolean; seen: string } {
  const staged = path.join(cacheDir, path.basename(source));
  if (!existsSync(staged))
    return { ok: false, seen: `${staged} missing; cache has: ${existsSync(cacheDir) ? readdirSync(cacheDir).join(', ') : 'nothing'}` };
  const a = createHash('sha256').update(readFileSync(staged)).digest('hex');
  const b = createHash('sha256').update(readFileSync(source)).digest('hex');
  return { ok: a === b, seen: `staged sha256 ${a.slice(0, 12)}…, source ${b.slice(0, 12)}…` };
}

/** Waits for the restart after every crash in `crashes`; returns each delay from the engine's death to its restart, ms. */
export async function restartDelays(pm: PoolManagerClient, poolId: string, crashes: Crash[], withinMs: number): Promise<number[]> {
  for (const crash of crashes) await awaitRestart(pm, poolId, crash, withinMs);
  return crashes.map((c) => c.restartedAt! - c.goneAt);
}

/** The pids of every engine the pool manager reports for a pool now. */
export async function enginePids(pm: PoolManagerClient, poolId: string): Promise<number[]> {
  return (await pm.pool(poolId)).replicas.map((r) => r.pid).filter((p): p is number => p !== undefined);
}

/** A partial file's name and identity (inode and birth time): a file deleted and written anew has a new identity. */
export interface PartialIdentity {
  name: string;
  identity: string;
}

/** The `.partial` files of a model cache with their identities. */
export function partialIdentities(cacheDir: string): PartialIdentity[] {
  return partialFiles(cacheDir).map((name) => {
    const st = statSync(path.join(cacheDir, name), { bigint: true });
    return { name, identity: `${st.ino}/${st.birthtimeNs}` };
  });
}

/**
 * Watches the model cache while staging is redone until the complete model is there: fails as soon as a partial file
 * the crash left is seen still there with its old identity (written on instead of discarded: a half-written file of
 * another model would stay forever).
 */
export async function partialsReplaced(cacheDir: string, left: PartialIdentity[], model: string, withinMs: number): Promise<void> {
  if (left.length === 0) throw new Error('No partial file was noted before the restart');
  const reused = new Set<string>();
  await eventually(
    'staging redone (the complete model in the cache)',
    async () => {
      const now = partialIdentities(cacheDir);
      for (const p of now) if (left.some((l) => l.name === p.name && l.identity === p.identity)) reused.add(p.name);
      return { ok: stagedCopyMatches(cacheDir, model).ok, seen: `partials now: ${now.map((p) => p.name).join(', ') || 'none'}` };
    },
    { withinMs, everyMs: 10 },
  );
  if (reused.size) throw new ConditionBroken(`partial file(s) left by the crash were written on, not discarded: ${[...reused].join(', ')}`);
}

/** What a scenario noted of its pool manager's engines before it stopped or killed the pool manager. */
export class EngineWatch {
  /** The engines' pids before. */
  pidsBefore: number[] = [];
  /** A stop asked of the pool manager: when it was sent, each replica's engine pid, and when each was seen gone. */
  stop?: { sentBetween: [number, number]; pids: Record<string, number>; exits: Promise<Map<number, number>> };
  /** The partial model files a crash during staging left in the cache. */
  leftPartials: PartialIdentity[] = [];
}
