@explored @ORCH-3050 @ORCH-3051 @ORCH-3040 @fault:network.truncate @needs:fast-engine
Feature: A breaker seen closed on any replica, not only the first
  Found by the explorer's hunt of the mutant breaker-ignores-server-errors (seed 22, on f166b99; shrunk), and kept as
  written: it failed 3 of 3 on the unbroken stack too. After the requests to replica r2 were cut for 200 ms (too
  short for a dispatch to fail there: its breaker never opened), the check that r2 is back in full rotation sent
  bursts of one task more than the replicas and waited for r2 to take two at once: it never did, since the
  orchestrator breaks a tie of load by the replicas' order and the extra task always went to r1. The bursts now hold a
  task for every slot of the pool, so a replica in full rotation takes one per slot (steps/replica.steps.ts). With the
  fix: 3 of 3 passed; the mutant replica-breaker-never-closes still fails its scenarios (never more than 1 at once).

  Scenario: a replica other than the first, its requests cut for a moment, is seen taking two tasks at once again
    Given the queue holds at most 8 tasks, rejecting new ones when full
    And a replica leaves service for 500 ms after 3 failed dispatches in a row
    And the dispatches reaching each replica are witnessed on their way
    And a healthy pool of 2 replicas
    And a steady load of 1 task per second of 10 tokens each
    When a client submits 2 tasks whose prompt is too long for any engine
    And a client submits 2 tasks of 260 tokens each
    And requests larger than a health check are cut on the way to replica r2
    And 200 ms pass under the load
    And the link to replica r2 recovers
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
    And the orchestrator sent replica r2 no work while its breaker was open, wherever its failures opened it
    And once its cool-down has passed, replica r2 takes more than one task at a time again
