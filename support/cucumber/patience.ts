/**
 * The suite's patience, in one place: how long steps wait for the system before they fail. These are not promises of
 * the system (those are in the Gherkin, with the contract's numbers); they are generous upper bounds on waits whose
 * normal duration is far shorter, so a slow machine does not fail a scenario that a fast one passes. Changing one
 * never turns a wrong behaviour into a pass: a wait that times out only says the condition was never reached.
 */
export const PATIENCE = {
  /** Cucumber's per-step limit for steps that start a stack or wait for a batch. */
  longStepMs: 30_000,
  /** A submitted task to stream its first tokens. */
  streamingMs: 5_000,
  /** One task to reach its terminal event (the profile's timeouts are at most a few seconds). */
  taskEndMs: 10_000,
  /** A batch of tasks to reach their terminal events. */
  batchMs: 20_000,
  /** A stream of a rerun (the undisturbed copy of a task) to end. */
  rerunMs: 15_000,
  /** A model to start being staged. */
  stagingStartsMs: 10_000,
  /** The pool manager to report an engine for every replica after a restart. */
  adoptionMs: 5_000,
  /** Engines to be gone after their pool manager stopped. */
  enginesGoneMs: 3_000,
  /** Task log lines to be flushed. */
  logFlushMs: 2_000,
  /** A gauge of the orchestrator to catch up with its queue (it is set at the next dispatch round). */
  gaugeSettleMs: 2_000,
  /** The pool manager to start an engine again after a crash (restart delays of the scenarios are below 1 s). */
  restartMs: 10_000,
  /** Extra time, beyond a contract bound, to see an event that misses the bound (to report it rather than time out). */
  pastBoundMs: 5_000,
  /** In After: open streams to end, then unseen tasks to be resolved, before the history is judged. */
  afterSettleMs: 8_000,
  /** An engine to be at work, for a fault that acts only on a stream open at the time. */
  engineAtWorkMs: 2_000,
  /** Tokens of a recovery probe task (small: it only proves that work is served again). */
  probeTaskTokens: 8,
} as const;
