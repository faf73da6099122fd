@explored @ORCH-3050 @ORCH-3051 @ORCH-3040 @fault:engine.stream-end @fault:network.truncate @needs:stream-end
Feature: A breaker judged on the fault that fails every dispatch, not on an earlier fault of the same replica
  Found by the explorer's hunt of the mutant replica-breaker-failed-trial-short (seed 29, on 839545c; shrunk), and kept
  as written: it failed 3 of 3 on the unbroken stack too. The engine of replica r1 ended a stream early (an instant
  fault, undone only at the end), then requests to it were cut for 850 ms. The breaker's check at the link took the
  first fault of the replica, the early end, as the one that failed its dispatches, and judged from it to the end of
  the scenario: the good trial after the cut's heal and the dispatches after it were judged as sent within a
  cool-down. The check now takes the last fault of a kind that fails every dispatch (a cut, or completions that fail)
  and judges up to the moment its heal began (steps/replica.steps.ts). With the fix: 3 of 3 passed.

  Scenario: a replica whose streams ended early and whose requests were then cut has its breaker judged on the cut
    Given the queue holds at most 8 tasks, rejecting new ones when full
    And a replica leaves service for 500 ms after 3 failed dispatches in a row
    And the dispatches reaching each replica are witnessed on their way
    And a healthy pool of 1 replica
    And a steady load of 3 tasks per second of 40 tokens each
    When a client submits 1 tasks whose prompt is too long for any engine
    And a client submits 1 task of 80 tokens each
    And 450 ms pass under the load
    And the engine of replica r1 ends its streams early, cleanly, before their stop frame, once it streams a task
    And 250 ms pass under the load
    And requests larger than a health check are cut on the way to replica r1
    And 850 ms pass under the load
    And the link to replica r1 recovers
    Then the pool is ready again within 5 s
    And a new task completes within 5 s
    And every admitted task is known to the orchestrator
    And no stream was left silent for longer than the idle timeout
    When the steady load stops and every stream ends
    Then every answer the client got carried a correlation id
    And the orchestrator's metrics show no task queued once every task has ended
    And the orchestrator's metrics count every refusal and every cancel the client saw
    And the orchestrator's metrics agree with what the client saw, whatever was retried
    And every task given up before its first token was tried as often as the retry budget allows
    And every task that streamed is logged with the tokens its client received and the build of its engine
    And the orchestrator sent replica r1 no work while its breaker was open, wherever its failures opened it
