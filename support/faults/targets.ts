import type { Proxy } from 'toxiproxy-node-client';

/**
 * What faults act on, handed to them by the stack (as Toxiproxy hands a `ToxicStub` to its toxics): the types live
 * next to the faults, so the faults never import the stack.
 */

/** A process the faults can signal: a component by role, or the engine of one replica (found through the pool manager). */
export interface ProcessTarget {
  readonly description: string;
  /** The pid to signal now, as the target reports it. */
  pid(): Promise<number>;
  /**
   * The pid once the process serves (its own health answered 200), waited for within a bound: for a fault whose
   * mechanism a process handles only once it serves (an engine's signal hooks, set once its model is loaded).
   */
  servingPid?(): Promise<number>;
  /** The port the process listens on, so the pid can be checked against the socket's owner found from the OS. */
  readonly port?: number;
}

/** A component whose output the faults can cut (a process the suite started and reads the log of). */
export interface OutputTarget {
  readonly description: string;
  closeOutput(): void;
  readonly outputClosed: boolean;
  readonly isRunning: boolean;
}

/** A network path through a Toxiproxy proxy, named by the role of what sits behind it. */
export interface LinkTarget {
  readonly description: string;
  readonly proxy: Proxy;
  /**
   * Bytes the proxy has carried so far (Toxiproxy's own counters), both directions or one: `downstream` is what the
   * server behind it sent back. Proves traffic crosses it.
   */
  trafficBytes(direction?: 'upstream' | 'downstream'): Promise<number>;
}

/** How a target makes an engine die the way a GPU driver reset kills llama.cpp: from the target profile. */
export interface DriverResetMechanism {
  /** The signal that triggers it (the reference engine's fault hook is SIGUSR2). */
  signal: NodeJS.Signals;
  /** A pattern the engine's log must show afterwards, e.g. `CUDA error`. */
  evidence: RegExp;
  /** The engine's log file. */
  logFile: string;
}

/**
 * What a scenario's stack offers the steps a fault kind declares (support/faults/kind.ts) to build their faults from:
 * the target profile's addresses and mechanisms, by replica.
 */
export interface FaultSite {
  engineTarget(replica: string): ProcessTarget;
  /** The engine's own address (http://host:port), not through its link. */
  engineUrl(replica: string): string;
  /** The profile's signal hook for `kind` on the engine of `replica`; throws, naming the profile's field, without one. */
  signalHook(kind: string, replica: string): DriverResetMechanism;
  /** The device inventory the target's GPU probe reads; throws, naming the profile's field, without one. */
  gpuInventory(): string;
}

/** The pid a signal hook is sent to: the process once it serves, where the target can tell (`servingPid`). */
export function hookPid(target: ProcessTarget): Promise<number> {
  return target.servingPid ? target.servingPid() : target.pid();
}
