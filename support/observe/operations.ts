import path from 'node:path';
import type { OrchestratorClient } from '../orchestrator/client';
import type { PoolManagerClient } from '../pool-manager/client';
import { writeModelFile } from '../stack/fixtures';

/** The models a reload scenario offers the pool: a good new one, and three kinds of bad one. */
export type ReloadModel = 'a new model' | 'a missing model' | 'a model whose digest does not match' | 'a corrupt model';

/**
 * Writes the model a reload scenario names into the scenario's folder and returns the reload request for it: a new
 * model (different bytes, a valid header, its true digest), a path that does not exist, a good file announced with a
 * wrong digest, or a file without the GGUF header (staged fine, refused by the engine at load).
 */
export function reloadRequest(dir: string, sizeBytes: number, model: ReloadModel): { new_model_ref: string; model_sha256?: string } {
  const file = path.join(dir, 'model-v2.gguf');
  switch (model) {
    case 'a new model':
      return { new_model_ref: `file:${file}`, model_sha256: writeModelFile(file, sizeBytes, 'llama-orch-chaos model v2') };
    case 'a missing model':
      return { new_model_ref: `file:${path.join(dir, 'no-such-model.gguf')}` };
    case 'a model whose digest does not match':
      writeModelFile(file, sizeBytes, 'llama-orch-chaos model v2');
      return { new_model_ref: `file:${file}`, model_sha256: '0'.repeat(64) };
    case 'a corrupt model':
      return { new_model_ref: `file:${file}`, model_sha256: writeModelFile(file, sizeBytes, 'llama-orch-chaos model v2', 'XXXX') };
  }
}

/** The model the pool manager says the pool serves now. */
export async function servedModel(pm: PoolManagerClient, poolId: string): Promise<string> {
  return (await pm.pool(poolId)).model_ref;
}

/** The replica states the orchestrator reports for the pool, by replica id. */
export async function replicaStates(client: OrchestratorClient, poolId: string): Promise<Record<string, string>> {
  const h = (await client.poolHealth(poolId)).body;
  return Object.fromEntries(h.replicas.map((r) => [r.replica_id, r.state]));
}
