import path from 'node:path';
import { InvalidConfiguration } from '../core/errors';
import type { DriverResetMechanism } from '../faults/targets';
import type { StartedStack } from './stack';

/**
 * What a target must offer for faults and checks that need its cooperation, read from its profile: a scenario that
 * needs one the profile lacks gets an error naming the field.
 */

/** How to make one replica's engine undergo a GPU driver reset, from the profile's `faults`. */
export function driverResetMechanism(stack: StartedStack, replicaId: string): DriverResetMechanism {
  const m = stack.profile.faults['engine.driver-reset'];
  if (!m) throw missing(stack, 'engine.driver-reset', 'faults.engine.driver-reset');
  return { signal: m.signal, evidence: new RegExp(m.evidence), logFile: stack.engineLogFile(replicaId) };
}

/** The device inventory the target's GPU probe reads, from the profile's `faults.gpu.unavailable`. */
export function gpuInventoryFile(stack: StartedStack): string {
  const m = stack.profile.faults['gpu.unavailable'];
  if (!m) throw missing(stack, 'gpu.unavailable', 'faults.gpu.unavailable');
  return stack.fill(m.inventory.replace(/\$\{gpu-inventory\}/g, path.join(stack.request.dir, 'gpu-inventory.json')));
}

/** The profile's pattern for an engine's log line about one generation (support/observe/evidence.ts). */
export function engineGenerationPattern(stack: StartedStack): RegExp {
  const p = stack.profile.evidence.engineGeneration;
  if (!p)
    throw new InvalidConfiguration(
      `Target profile ${stack.profile.file}: field \`evidence.engineGeneration\` is needed to see which engine served a task`,
    );
  return new RegExp(p);
}

function missing(stack: StartedStack, kind: string, field: string): InvalidConfiguration {
  return new InvalidConfiguration(`Target profile ${stack.profile.file} has no mechanism for ${kind} (field \`${field}\`)`);
}
