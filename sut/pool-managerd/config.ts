import { readFileSync } from 'node:fs';
import path from 'node:path';

/** One replica of a pool: the port its engine listens on and the URL the orchestrator should use (a proxy in tests). */
export interface ReplicaConfig {
  replica_id: string;
  port: number;
  advertised_url: string;
}

/** One pool: a model served by N identical engine replicas on the listed GPU devices, or on the CPU (`"cpu"`). */
export interface PoolConfig {
  pool_id: string;
  engine: string;
  /** `file:/abs/path` (staged into the cache) or a plain path. */
  model_ref: string;
  /** Expected sha256 of the model, checked after staging when given. */
  model_sha256?: string;
  /** GPU device indices (ORCH-1102: GPU only, never a silent CPU fallback), or `"cpu"` for a pool that says it is one. */
  devices: number[] | 'cpu';
  slots: number;
  ctx: number;
  /** argv of the engine; `--host --port --model --parallel --ctx-size` are appended. */
  engine_command: string[];
  engine_env?: Record<string, string>;
  replicas: ReplicaConfig[];
}

export interface PoolsFile {
  /** Where staged models live. */
  cache_dir: string;
  /** Where pid files and engine logs live. */
  run_dir: string;
  pools: PoolConfig[];
}

/** Reads and validates the pools config; errors name the file and the field. */
export function loadPoolsFile(file: string): PoolsFile {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file}: cannot read pools config: ${(err as Error).message}`);
  }
  const fail = (field: string, rule: string): never => {
    throw new Error(`${file}: field \`${field}\` ${rule}`);
  };
  const cfg = raw as PoolsFile;
  if (typeof cfg !== 'object' || cfg === null) fail('(root)', 'must be an object');
  if (typeof cfg.cache_dir !== 'string') fail('cache_dir', 'must be a path');
  if (typeof cfg.run_dir !== 'string') fail('run_dir', 'must be a path');
  if (!Array.isArray(cfg.pools) || cfg.pools.length === 0) fail('pools', 'must be a non-empty array');
  cfg.pools.forEach((pool, p) => {
    const at = `pools[${p}]`;
    if (typeof pool.pool_id !== 'string' || !pool.pool_id) fail(`${at}.pool_id`, 'must be a non-empty string');
    if (typeof pool.model_ref !== 'string') fail(`${at}.model_ref`, 'must be a string');
    if (!Array.isArray(pool.engine_command) || pool.engine_command.length === 0)
      fail(`${at}.engine_command`, 'must be a non-empty argv array');
    if (!Number.isInteger(pool.slots) || pool.slots < 1) fail(`${at}.slots`, 'must be a positive integer');
    // Device indices as a list, or as text the way CUDA_VISIBLE_DEVICES writes them ("0,1").
    if (typeof pool.devices === 'string' && /^\d+(,\d+)*$/.test(pool.devices)) pool.devices = pool.devices.split(',').map(Number);
    if (pool.devices !== 'cpu' && (!Array.isArray(pool.devices) || !pool.devices.every((d) => Number.isInteger(d) && d >= 0)))
      fail(`${at}.devices`, 'must be an array of GPU device indices (or the same as text: "0,1"), or "cpu" for a CPU pool');
    if (!Array.isArray(pool.replicas) || pool.replicas.length === 0) fail(`${at}.replicas`, 'must be a non-empty array');
    pool.replicas.forEach((r, i) => {
      if (typeof r.replica_id !== 'string') fail(`${at}.replicas[${i}].replica_id`, 'must be a string');
      if (!Number.isInteger(r.port) || r.port <= 0) fail(`${at}.replicas[${i}].port`, 'must be a TCP port');
      if (typeof r.advertised_url !== 'string') fail(`${at}.replicas[${i}].advertised_url`, 'must be a URL');
    });
    pool.engine ??= 'llamacpp';
    pool.ctx ??= 4096;
  });
  cfg.cache_dir = path.resolve(path.dirname(file), cfg.cache_dir);
  cfg.run_dir = path.resolve(path.dirname(file), cfg.run_dir);
  return cfg;
}
