import { declareKind } from './kind';
import { InvalidFaultSpec } from '../core/errors';
import type { Evidence, Fault } from './fault';
import type { OutputTarget } from './targets';
import type { ExploreForms } from './explore-form';

/**
 * A component whose log can no longer be written: the suite closes its end of the component's output pipes, so every
 * line the component logs from then on fails to write (EPIPE), as when a log collector or the disk under a log file
 * dies. Verified by the pipe closed with the process still running. A closed pipe cannot be reopened: `heal()` has
 * nothing to undo (the component is stopped with the stack at the scenario's end), and what it logged before is kept.
 */
export class LogUnwritableFault implements Fault {
  readonly kind = 'log.unwritable' as const;

  constructor(private readonly target: OutputTarget) {
    if (!target) throw new InvalidFaultSpec('a log.unwritable fault must have a target');
  }

  describe(): string {
    return `the log output of ${this.target.description} closed: its writes fail`;
  }

  async inject(): Promise<void> {
    this.target.closeOutput();
  }

  async verify(): Promise<Evidence> {
    const observed = { output_closed: this.target.outputClosed, running: this.target.isRunning };
    return { verdict: observed.output_closed && observed.running ? 'confirmed' : 'mismatch', observed };
  }

  async heal(): Promise<void> {
    /* irreversible while the process lives: see the class comment */
  }
}

/** The explorer's forms: a component's log closed for the rest of the scenario (After restores it). */
export const LOG_FORMS = {
  'orchestrator-log-unwritable': {
    place: 'orchestrator-log',
    inject: () => 'the log of the orchestrator can no longer be written',
    busyMs: Number.POSITIVE_INFINITY,
  },
  'pool-manager-log-unwritable': {
    place: 'pool-manager-log',
    inject: () => 'the log of the pool manager can no longer be written',
    busyMs: Number.POSITIVE_INFINITY,
  },
} satisfies ExploreForms;

/** The kind, declared once (support/faults/kind.ts): the registry, the tags, the checker and the explorer read it. */
export const LOG_UNWRITABLE = declareKind(
  {
    kind: 'log.unwritable',
    meaning: "a component's log output closed: every line it writes fails",
    file: __filename,
    // A log that cannot be written is no reason for any task to fail.
    errors: [],
    explore: LOG_FORMS,
  },
  LogUnwritableFault,
);
