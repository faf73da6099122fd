import { FAULT_CAPABILITIES } from '../faults/registry';

/**
 * What a target can do beyond the contract, that some scenarios need: each is a `@needs:<name>` tag of those
 * scenarios and an entry of the target profile's `capabilities`. A scenario whose needs the profile does not offer is
 * skipped with the reason, never run to fail for the wrong reason, never passed.
 */
export const CAPABILITIES: Record<string, string> = {
  // The capabilities fault kinds need, declared with their kinds (support/faults/*.ts).
  ...FAULT_CAPABILITIES,
  'cpu-build-engine':
    "a GPU pool can be given engines built without GPU support: the reference engine's tune engine-cpu-build, or a CPU build of llama-server as it is, over a host GPU inventory the suite writes (tunes pool-devices, host-gpu-inventory)",
  'staging-throttle': 'model staging can be slowed to a given duration (tune stage-bytes-per-sec)',
  'engine-knobs': "the engine's memory and CPU per token and its load time can be set (tunes engine-*)",
  'engine-cpu-per-token':
    "each token costs an engine real CPU time by itself (a real model's forward pass), whatever a scenario asks (the profile's note says how much was measured)",
  'engine-memory-per-token':
    'the memory an engine holds grows with the tokens it generates (a KV cache that grows), so a limit can be crossed mid-inference',
  'engine-seed-log': "each engine logs every task it takes with the request's seed (evidence.engineTask: per-task engine evidence)",
  'engine-drain-on-term': 'an engine asked to stop (SIGTERM) finishes its in-flight work first',
  'engine-rejects-long-prompts': 'an engine refuses a prompt beyond its context with a 400 before taking a slot',
  'fixture-model': 'the model is a file the suite writes (its size and content can be chosen)',
  'fast-engine':
    "an engine streams 100 tokens a second or more beside a steady load (the reference engine: a token every 5 ms): the explorer sizes its schedules' tasks for it, so a kept schedule whose long tasks must end within the suite's waits needs it",
};

export function isCapability(name: string): boolean {
  return Object.hasOwn(CAPABILITIES, name);
}

/** The needs of a scenario (its `@needs:` tags) that a profile does not offer. */
export function missingCapabilities(tags: string[], offered: readonly string[]): string[] {
  return tags
    .filter((t) => t.startsWith('@needs:'))
    .map((t) => t.slice('@needs:'.length))
    .filter((n) => !offered.includes(n));
}
