import { webcrypto } from 'node:crypto';
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { OrchestratorClient } from '../orchestrator/client';
import type { PoolManagerClient } from '../pool-manager/client';
import type { Timeline } from '../core/timeline';
import { writeModelFile } from '../stack/fixtures';
import { withGgufFloat } from '../stack/gguf';

/** The models a reload scenario offers the pool: a good new one, and three kinds of bad one. */
export type ReloadModel = 'a new model' | 'a missing model' | 'a model whose digest does not match' | 'a corrupt model';

/** The model the pool serves now, as a reload scenario derives its bad models from it. */
export interface ServedModel {
  /** The profile's real model file, when it serves one (a fixture is written otherwise). */
  realFile?: string;
  sizeBytes: number;
}

/**
 * Writes the model a reload scenario names into the scenario's folder and returns the reload request for it. With a
 * fixture: a new model (different bytes, a valid header, its true digest), a path that does not exist, a good file
 * announced with a wrong digest, or a file without the GGUF header (staged fine, refused by the engine at load). With
 * a real model file the bad ones are made from it: a copy announced with a wrong digest, and a copy cut to half its
 * length with its true digest (the header is intact, so staging passes and only the engine's load can tell); the good
 * new one is a copy with one hyper-parameter changed (support/stack/gguf.ts), since no second real model is at hand.
 * `version` (2 and up) tells the models of a scenario's successive reloads apart: each good one writes another text.
 * A real model (hundreds of MB) is read, written and hashed off the event loop: done on it, it held the client's
 * streams for seconds, and the tasks in flight then seemed to end late.
 */
export async function reloadRequest(
  dir: string,
  served: ServedModel,
  model: ReloadModel,
  version = 2,
): Promise<{ new_model_ref: string; model_sha256?: string }> {
  const file = path.join(dir, `model-v${version}.gguf`);
  const label = `llama-orch-chaos model v${version}`;
  if (model === 'a missing model') return { new_model_ref: `file:${path.join(dir, 'no-such-model.gguf')}` };
  if (served.realFile) {
    switch (model) {
      case 'a new model': {
        // The same weights with another RoPE base frequency (10 000, 20 000… by version): a valid model that writes another text.
        const { bytes } = withGgufFloat(await readFile(served.realFile), 'llama.rope.freq_base', 10_000 * (version - 1));
        await writeFile(file, bytes);
        return { new_model_ref: `file:${file}`, model_sha256: await sha256(bytes) };
      }
      case 'a model whose digest does not match':
        await copyFile(served.realFile, file);
        return { new_model_ref: `file:${file}`, model_sha256: '0'.repeat(64) };
      case 'a corrupt model': {
        const half = (await readFile(served.realFile)).subarray(0, Math.floor(served.sizeBytes / 2));
        await writeFile(file, half);
        return { new_model_ref: `file:${file}`, model_sha256: await sha256(half) };
      }
    }
  }
  switch (model) {
    case 'a new model':
      return { new_model_ref: `file:${file}`, model_sha256: writeModelFile(file, served.sizeBytes, label) };
    case 'a model whose digest does not match':
      writeModelFile(file, served.sizeBytes, label);
      return { new_model_ref: `file:${file}`, model_sha256: '0'.repeat(64) };
    case 'a corrupt model':
      return {
        new_model_ref: `file:${file}`,
        model_sha256: writeModelFile(file, served.sizeBytes, label, 'XXXX'),
      };
  }
}

/** The sha256 of `bytes`, hex, computed off the event loop (Web Crypto). */
async function sha256(bytes: Uint8Array): Promise<string> {
  return Buffer.from(await webcrypto.subtle.digest('SHA-256', bytes)).toString('hex');
}

/** The replica states the orchestrator reports for the pool, by replica id. */
export async function replicaStates(client: OrchestratorClient, poolId: string): Promise<Record<string, string>> {
  const h = (await client.poolHealth(poolId)).body;
  return Object.fromEntries(h.replicas.map((r) => [r.replica_id, r.state]));
}

/**
 * Asks the pool manager for a graceful restart of one replica, recorded on the timeline as the operation it is (sent
 * now; the reports place it there). Answers once the old engine is gone: the deadline, then at most `stopWithinMs`.
 */
export async function restartReplicaGracefully(
  pm: PoolManagerClient,
  timeline: Timeline,
  poolId: string,
  replicaId: string,
  deadlineMs: number,
  stopWithinMs: number,
): Promise<{ status: number; body: unknown }> {
  timeline.record('request', 'replica.restarted', { replica: replicaId, deadline_ms: deadlineMs });
  return pm.restartReplica(poolId, replicaId, deadlineMs, deadlineMs + stopWithinMs);
}

/** A scenario's pool operations (drain, reload), as its later steps judge them: the last answer, the model before. */
export class PoolOperations {
  /** The control plane's last answer (status and body; a reload's body names the model requested). */
  lastAnswer?: { status: number; body: Record<string, unknown> };
  /** What the model probe answered before the reload. */
  modelBefore?: string;
  /** A reload was asked for: the pool may serve another model than it started with. */
  reloaded = false;
  /** How many reloads were asked for (each good one gets a model of its own). */
  reloads = 0;
  /**
   * When the last reload that switched models answered (epoch ms): a task whose stream began before it ran on an
   * earlier model, which no rerun can serve again.
   */
  switchedAt?: number;
}
