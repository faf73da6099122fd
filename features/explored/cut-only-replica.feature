@explored @ORCH-3050 @ORCH-3051 @fault:network.cut
Feature: Found by the explorer: every stream of the only replica cut
  Regression scenarios the generative explorer (`npm run explore`) found and shrank; each keeps the seed that found it.
  Seed 1001: with the only replica's link cutting every stream, the orchestrator's breaker for it opens after three
  failed attempts and new tasks are refused as unavailable, with a retry hint. That is graceful degradation; the
  checker's table of allowed errors did not allow it for a cut (now declared in support/faults/network-cut.ts).

  Scenario: with every stream of the only replica cut, tasks fail or are refused explicitly, and the pool serves once the link recovers
    Given the queue holds at most 8 tasks, rejecting new ones when full
    And a healthy pool of 1 replica
    And a steady load of 1 task per second of 10 tokens each
    When a client submits 2 tasks of 40 tokens each
    And the stream from replica r1 is cut after a few more tokens
    And 200 ms pass under the load
    And the link to replica r1 recovers
    Then the pool is ready again within 5 s
    And a new task completes within 5 s
    And every admitted task is known to the orchestrator
