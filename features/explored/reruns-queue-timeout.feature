@explored @ORCH-3050 @ORCH-3051 @ORCH-3040 @fault:network.truncate @needs:fast-engine
Feature: Reruns on a pool of one replica whose queue times out quickly
  Found by `npm run mutants -- --explore` on the unbroken stack (seed 23, on ab49d53, while hunting drain-cuts-early;
  shrunk, kept as written): its scenario failed on the unbroken stack 3 of 3, so the find was not counted. The
  identical-text check reran the disturbed tasks 4 at a time, after the load had stopped, on a pool of one replica
  with two slots, whose queue gives up on a task after 1 s: two reruns of 260 tokens (1.3 s) waited in the queue,
  timed out there, and the check could not decide. The suite's fault, fixed at its cause (support/load/reruns.ts,
  support/cucumber/verdict.ts): no more reruns at once than the pool has slots, and a rerun that never began (given
  up in the queue with a retriable error and no token) is sent again. Before the fix 2 of 2 runs failed, after it
  3 of 3 passed.

  Scenario: the reruns of a pool of one replica whose queue times out in 1 s all complete
    Given the queue holds at most 4 tasks, dropping the oldest when full
    And tasks wait at most 1 s in the queue
    And a replica leaves service for 500 ms after 3 failed dispatches in a row
    And the dispatches reaching each replica are witnessed on their way
    And a healthy pool of 1 replica
    And a steady load of 4 tasks per second of 20 tokens each
    When a client submits 4 tasks of 260 tokens each
    And the client goes away from the task's stream
    And the client cancels the last task of the batch
    And 650 ms pass under the load
    And requests larger than a health check are cut on the way to replica r1
    And 1200 ms pass under the load
    And the link to replica r1 recovers
    Then the pool is ready again within 5 s
    And a new task completes within 5 s
    And every admitted task is known to the orchestrator
    And no stream was left silent for longer than the idle timeout
    And resubmitting a task returns the same task
    When the steady load stops and every stream ends
    Then every answer the client got carried a correlation id
    And the orchestrator's metrics show no task queued once every task has ended
    And the orchestrator's metrics count every refusal and every cancel the client saw
    And the orchestrator's metrics agree with what the client saw, whatever was retried
    And every task given up before its first token was tried as often as the retry budget allows
    And every task that streamed is logged with the tokens its client received and the build of its engine
    And the orchestrator sent replica r1 no work while its breaker was open, wherever its failures opened it
    And once its cool-down has passed, replica r1 takes more than one task at a time again
