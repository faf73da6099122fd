/** The parent of every error the suite raises on purpose; its message says what failed, the limit and the evidence. */
export class SuiteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A fault was defined with parameters it cannot work with (raised at definition time). */
export class InvalidFaultSpec extends SuiteError {}

/** A fault's verify() did not confirm its effect: the scenario cannot claim anything about it. */
export class FaultNotConfirmed extends SuiteError {}

/**
 * A fault's own preflight showed, before anything was done, that it cannot act here (its link carries none of the
 * stack's traffic, its pid does not own the port): the schedule or scenario cannot apply it, which says nothing about
 * the stack. Unlike a fault applied and then not confirmed, which is the stack's doing or the fault's failure.
 */
export class FaultNotApplicable extends FaultNotConfirmed {}

/** A process could not be started or exited while we waited for it to become ready. */
export class ProcessStartFailed extends SuiteError {}

/** A condition was not met within its limit; the message carries what was last observed. */
export class WaitTimedOut extends SuiteError {}

/** Undoing a fault failed; reported on its own, never replacing the scenario's verdict. */
export class HealFailed extends SuiteError {}

/** A target profile, requirements registry or tag is malformed; the message names the file and field. */
export class InvalidConfiguration extends SuiteError {}

/** A prerequisite of the run is missing (toxiproxy-server, root, a built stack); the message says how to get it. */
export class MissingPrerequisite extends SuiteError {}

/** A condition that had to hold for a stretch of time stopped holding. */
export class ConditionBroken extends SuiteError {}
