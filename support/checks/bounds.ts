/**
 * Time bounds that are promises of the contract (`design/CONTRACT.md`, the llama-orch requirements), as the suite
 * reads them. Steps that assert a timing use these names or a number written in their Gherkin; every other wait in
 * the suite is patience (support/cucumber/patience.ts), never a verdict.
 */
export const BOUNDS = {
  /**
   * "Fails fast" (ORCH-3018, ORCH-3091; CONTRACT: a GPU or pool outage is refused with 503 and a retry hint instead
   * of a hang): a refusal is answered within 1 s — far below any timeout a task could be waiting on.
   */
  fastRefusalMs: 1_000,
  /**
   * "The orchestrator stays live" (ORCH-3051: degrade gracefully, never hang): every real request — a submission, a
   * pool health query — is answered within 1 s, whatever the fault behind it. A live process that cannot answer its
   * clients within a second is not serving.
   */
  answerMs: 1_000,
  /**
   * How far from the idle timeout a stalled stream's error may reach its client, measured from the last token it got
   * (OC-CORE-1022: the watchdog aborts at the idle timeout). Measured 997–1002 ms against 1000 ms on 2 cores (6 runs of
   * the two stall scenarios); 100 ms leaves room for event-loop delays under load, and an error that comes before the
   * idle timeout minus this is a false timeout, caught too.
   */
  idleObservationSlackMs: 100,
  /**
   * How long after its scheduled time (a backoff with its ±10 % jitter, or a breaker's cool-down) a restarted engine
   * may be seen started, judged from the engine's death (its teardown is the kernel's): the pool manager's timer, the
   * spawn and the suite's 2 ms polling. Measured overshoot up to ~26 ms on the first restart (2026-12-02, 2 cores); 60
   * ms leaves room for that under load. A cool-down twice as long, or a backoff that does not double, fails.
   */
  restartObservationSlackMs: 60,
  /**
   * How long after a breaker's cool-down the pool manager may start its trial engine, judged by the kernel's start
   * time of the new engine (its fork, to ~20 ms; not when a poll of the pool manager saw it) from the old one's death.
   * Measured under two CPU burners on 2 cores (npm run stress's load, 2026-12-06, 12 cool-downs of 1 and 2 s): the fork
   * came 3–118 ms after the cool-down's end, the pool manager's own timer starved of CPU (the poll saw it up to 30 ms
   * later still; with 60 ms, `npm run stress` failed 2 of 3 runs on it, 63 and 82 ms over). 250 ms is twice the worst
   * seen; a cool-down doubled (the mutant cooldown-doubled) starts 1000 ms or more late.
   */
  cooldownStartSlackMs: 250,
  /**
   * How long after the queue timeout a task no replica took may reach its client's error (CHAOS-004). Measured
   * 1016–1026 ms from submission to the client's error against a 1000 ms timeout (3 runs, 2 cores); 250 ms is ten
   * times that overshoot, and an error before the timeout is caught as well.
   */
  queueTimeoutSlackMs: 250,
  /**
   * How soon after a cancel's 204 (or the client's going away, SSE-1003) the engine that served the task must show its
   * slot free (ORCH-3026: the work stops, its slot is freed). A generating engine writes a token every 10-13 ms and
   * notices the closed connection at its next write; the suite polls `/slots` every 20 ms. Measured 2026-12-05 on 2
   * cores while a fresh-clone CI ran beside (the llama-server build, the unit tests): 29-81 ms on the reference engine
   * (8 cancels), 35-73 ms on llama-server (6); 9-21 ms on a quiet machine. 200 ms is 2.5 times the worst seen under
   * that load; an orchestrator that answers the cancel and lets the engine go on for 400 ms (mutant cancel-leaves-engine-working)
   * fails it, where 500 ms let it through.
   */
  slotFreedAfterCancelMs: 200,
  /**
   * How long after a cancel's 204 a token the orchestrator sent before it may still reach the client: the token travels
   * on the task's event stream, the 204 on another connection, and either may be read first. Measured 2026-12-05 on 2
   * cores beside a mutation hunt: +3 ms, in 2 of about 20 cancels made as a task's first tokens came (the others had
   * none after the 204). 50 ms is sixteen times that; a cancel answered 300 ms before it takes effect (mutant
   * token-after-cancel) sends tokens long past it.
   */
  cancelDeliverySlackMs: 50,
  /**
   * How soon after a drain's deadline a task that outlived it must get its error (ORCH-3505: in-flight work runs until
   * the deadline, then is force-stopped): never before the deadline, and at most this much after. Measured 1019–1023
   * ms from sending the drain to the client's error against a 1000 ms deadline (5 runs, 2 cores); 250 ms is ten times
   * that overshoot.
   */
  drainDeadlineSlackMs: 250,
  /**
   * How long after its grace period an engine that outlived it may take to be seen gone (ORCH-3505: the pool manager
   * kills what does not stop in time): its 20 ms check of the deadline, the kill, the kernel's teardown of the process
   * and the suite's 5 ms polling. Measured 2026-12-05 on 2 cores: 0-83 ms past the grace on the reference engine (12
   * runs, some beside the stress run's busy loops), 0-18 ms on llama-server (3 runs); 250 ms is three times the worst.
   * A pool manager that kills at 1.5 times its grace fails, and one that kills at once fails the lower bound.
   */
  killObservationSlackMs: 250,
  /**
   * How far the suite's tap on a replica's link may see a dispatch's arrival or end from when the orchestrator acted
   * on it (ORCH-3040: an open breaker keeps the replica out for its cool-down; a replica out of service gets no work):
   * the tap is one proxy hop from the orchestrator. Measured 2026-12-05 on 2 cores against the orchestrator's own log of each dispatch's start and
   * failure: 0-4 ms (14 events on the cut replica's link); 25 ms is six times that, room for event-loop delays under
   * load, and a twentieth of the 500 ms cool-down the scenario states (a quarter-length cool-down is 375 ms short).
   */
  linkObservationSkewMs: 25,
  /**
   * How long after the pool manager is asked to take a replica out of rotation (a graceful restart) the orchestrator
   * may still dispatch to it: it learns the pool's state by polling the pool manager (ORCHD_POOL_POLL_MS, 50 ms on
   * both profiles). Measured 2026-12-05 on 2 cores from the restart's request to the orchestrator's log of the
   * replica draining: 27 ms (one run, the client's timeline set against the orchestrator's log by the tasks' admissions,
   * within 9 ms); 150 ms is three poll intervals, five times that.
   */
  poolViewLagMs: 150,
} as const;
