@explored @ORCH-3050 @ORCH-3051 @fault:engine.completion-errors @fault:gpu.unavailable @needs:completion-errors @needs:gpu-inventory
Feature: An engine's signal hook sent while it starts again after the GPUs came back
  Found by the hunt of every mutant at c529f91 (`npm run mutants -- --explore`, mutant fixed-retry-backoff, seed 33,
  shrunk), kept as written: its scenario failed on the unbroken stack too (2 of 3 runs in the hunt, 3 of 3 by replay
  33:8:6:3:1:2:2:3). 200 ms after the GPUs came back, the suite sent the engine of replica r1 the signal that makes it
  fail every completion, to the pid the pool manager reported: an engine still loading its model, whose hooks are set
  only once it serves; nothing showed (its health and a completion both answered 200, no log line). A fault whose
  mechanism is a signal hook (driver reset, ECC error, completions failed, streams ended) now waits, up to the
  schedules' recovery bound of 5 s, for the engine to serve (its own health answers 200) before it signals it
  (`servingPid`, support/stack/engine-process.ts). With the wait, 3 of 3 replays passed.

  Scenario: an engine made to fail every completion 200 ms after the GPUs came back fails them, and the pool recovers
    Given the queue holds at most 4 tasks, dropping the oldest when full
    And tasks wait at most 1 s in the queue
    And stream failover is on
    And a replica leaves service for 500 ms after 3 failed dispatches in a row
    And the dispatches reaching each replica are witnessed on their way
    And a healthy pool of 1 replica
    And a steady load of 2 tasks per second of 10 tokens each
    When a client submits 1 tasks whose prompt is too long for any engine
    And a client submits 2 tasks of 260 tokens each
    And the client goes away from the task's stream
    And the GPU vanishes
    And 850 ms pass under the load
    And the GPU comes back
    And 200 ms pass under the load
    And the engine of replica r1 fails every completion while its health checks pass
    And the client cancels the last task of the batch
    And 200 ms pass under the load
    And the engine of replica r1 serves completions again
    Then the pool is ready again within 5 s
    And a new task completes within 5 s
    And every admitted task is known to the orchestrator
    And no stream was left silent for longer than the idle timeout and a failover's wait
    And resubmitting a task returns the same task
    When the steady load stops and every stream ends
    Then every answer the client got carried a correlation id
    And the orchestrator's metrics show no task queued once every task has ended
    And the orchestrator's metrics count every refusal and every cancel the client saw
    And every task given up before its first token was tried as often as the retry budget allows
    And every task that streamed is logged with the tokens its client received and the build of its engine
    And the orchestrator sent replica r1 no work while its breaker was open, wherever its failures opened it
    And once its cool-down has passed, replica r1 takes more than one task at a time again
