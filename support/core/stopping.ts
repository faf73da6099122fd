import { SuiteError } from './errors';

/**
 * Whether this process was told to stop (SIGINT/SIGTERM, support/cucumber/interrupt.ts). Cucumber goes on running the
 * step under way, and may start the next scenario, while the runner heals and tears down: from the signal on, nothing
 * new is mounted, grouped or faulted, so that nothing appears after the clean-up has looked (seen once: a full disk
 * mounted by a scenario that began during the heal, left mounted after the run).
 */
let stoppingOn: string | undefined;

export function markStopping(signal: string): void {
  stoppingOn ??= signal;
}

/** The signal this process is stopping on, if any. */
export function stoppingSignal(): string | undefined {
  return stoppingOn;
}

/** Throws when the process is stopping: `what` is the fault or resource that would have been created. */
export function refuseWhenStopping(what: string): void {
  if (stoppingOn) throw new RunStopping(`Not applied: ${what}: the run is stopping on ${stoppingOn}`);
}

export class RunStopping extends SuiteError {}
