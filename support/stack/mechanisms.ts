import path from 'node:path';
import { InvalidConfiguration } from '../core/errors';
import type { DriverResetMechanism, FaultSite, OutputTarget } from '../faults/targets';
import type { TargetProfile } from './profile';
import type { StartedStack } from './stack';

/**
 * What a target must offer for faults and checks that need its cooperation, read from its profile: a scenario that
 * needs one the profile lacks gets an error naming the field.
 */

/**
 * How to make one replica's engine undergo a fault it must cooperate in (a driver reset, an uncorrectable ECC error,
 * streams ended early), from the profile's `faults`.
 */
export function driverResetMechanism(stack: StartedStack, replicaId: string, kind = 'engine.driver-reset'): DriverResetMechanism {
  const m = stack.profile.faults.signals[kind];
  if (!m) throw missing(stack, kind, `faults.${kind}`);
  return { signal: m.signal, evidence: new RegExp(m.evidence), logFile: stack.engineLogFile(replicaId) };
}

/** The device inventory the target's GPU probe reads, from the profile's `faults.gpu.unavailable`. */
export function gpuInventoryFile(stack: StartedStack): string {
  const m = stack.profile.faults['gpu.unavailable'];
  if (!m) throw missing(stack, 'gpu.unavailable', 'faults.gpu.unavailable');
  return stack.fill(m.inventory.replace(/\$\{gpu-inventory\}/g, path.join(stack.request.dir, 'gpu-inventory.json')));
}

/**
 * The profile's pattern for an engine's log line naming a task it took, by the request's seed: `evidence.engineTask`,
 * or else `evidence.engineGeneration` when that carries the seed (support/observe/evidence.ts).
 */
export function engineTaskPattern(stack: StartedStack): RegExp {
  const { engineTask, engineGeneration } = stack.profile.evidence;
  const p = engineTask ?? (engineGeneration?.includes('(?<seed>') ? engineGeneration : undefined);
  if (!p)
    throw new InvalidConfiguration(
      `Target profile ${stack.profile.file}: field \`evidence.engineTask\` (or a \`seed\` group in \`evidence.engineGeneration\`) is needed to see which engine served a task`,
    );
  return new RegExp(p);
}

/** A component's output, as a target for the fault that closes it (support/faults/log-unwritable.ts). */
export function outputTarget(stack: StartedStack, role: 'orchestrator' | 'pool-manager'): OutputTarget {
  const process = stack.component(role);
  return {
    description: `the ${role}`,
    closeOutput: () => process.closeOutput(),
    get outputClosed() {
      return process.outputClosed;
    },
    get isRunning() {
      return process.isRunning;
    },
  };
}

/** The engine of a replica, reached directly (the upstream of its proxy), for what only the engine can tell. */
export function engineUrl(stack: StartedStack, replicaId: string): string {
  return `http://${stack.engineAddress(replicaId)}`;
}

/** The stack as the steps a fault kind declares see it: its engines, their addresses and the profile's hooks. */
export function faultSite(stack: StartedStack): FaultSite {
  return {
    engineTarget: (replica) => stack.engineTarget(replica),
    engineUrl: (replica) => engineUrl(stack, replica),
    signalHook: (kind, replica) => driverResetMechanism(stack, replica, kind),
    gpuInventory: () => gpuInventoryFile(stack),
  };
}

function missing(stack: StartedStack, kind: string, field: string): InvalidConfiguration {
  return new InvalidConfiguration(`Target profile ${stack.profile.file} has no mechanism for ${kind} (field \`${field}\`)`);
}

/** The directories of the target a disk fault can fill, by purpose, before or after start-up (from the profile). */
export type TargetDisk = 'model cache' | "engines' log";

/** Where a target disk lives for a scenario whose folder is `dir`: the profile's `modelCache`, or its engine logs' folder. */
export function targetDiskDir(profile: TargetProfile, dir: string, disk: TargetDisk): string {
  const template = disk === 'model cache' ? profile.modelCache : profile.engineLog && path.dirname(profile.engineLog);
  const field = disk === 'model cache' ? 'modelCache' : 'engineLog';
  if (!template)
    throw new InvalidConfiguration(`Target profile ${profile.file}: field \`${field}\` is needed to put the ${disk} on its own disk`);
  return template.replace(/\$\{dir\}/g, dir).replace(/\$\{pool\.id\}/g, profile.pool.id);
}

/** The profile's pattern for the orchestrator's log line of a dispatch start (support/observe/evidence.ts). */
export function dispatchPattern(stack: StartedStack): RegExp {
  const p = stack.profile.evidence.dispatchStarted;
  if (!p)
    throw new InvalidConfiguration(
      `Target profile ${stack.profile.file}: field \`evidence.dispatchStarted\` is needed to count dispatches`,
    );
  return new RegExp(p);
}
