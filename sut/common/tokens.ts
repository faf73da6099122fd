import { createHash } from 'node:crypto';

/**
 * The deterministic token at `index` for (model, prompt, seed): a pure function, so every replica of a model
 * produces byte-identical streams (upstream ORCH-3050 determinism) and failover can skip tokens already sent.
 */
export function tokenAt(model: string, prompt: string, seed: number, index: number): string {
  const digest = createHash('sha256').update(`${model}\u0000${prompt}\u0000${seed}\u0000${index}`).digest();
  const word = WORDS[digest.readUInt16BE(0) % WORDS.length];
  return index === 0 ? word : ` ${word}`;
}

const WORDS = [
  'the',
  'pool',
  'engine',
  'replica',
  'token',
  'queue',
  'stream',
  'drain',
  'ready',
  'model',
  'slot',
  'seed',
  'orchestrator',
  'llama',
  'chaos',
  'graceful',
  'recover',
  'backoff',
  'lease',
  'shard',
  'cache',
  'context',
  'answer',
  'quiet',
  'river',
  'stone',
  'light',
  'north',
  'green',
  'paper',
  'signal',
  'bridge',
];
