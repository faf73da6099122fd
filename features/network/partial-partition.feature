@ORCH-3050 @ORCH-3051 @ORCH-3010
Feature: Partial network partition
  Some nodes unreachable: the orchestrator stops sending work to what it cannot reach, says the pool is degraded,
  and uses the cut-off replicas again once the partition heals. Cut off from the pool manager, it keeps serving with
  the replicas it knows.

  @needs:engine-seed-log @fault:network.partition
  Scenario: with 2 of 3 replicas cut off, tasks go to the third; after healing all three serve again
    Given a healthy pool of 3 replicas
    # The third replica alone must carry the steady load and each burst of 6 within the queue of 8, or a refusal
    # (queue full) is the right answer and another scenario's promise. A real llama-server replica on 2 cores beside
    # two CPU burners serves about 5 tasks of 10 tokens per second (measured): at 5 per second the first burst never
    # drained and the second overflowed the queue (3 of 10 runs refused one); at 2 per second, 3 per second clear a burst.
    And a steady load of 2 tasks per second of 10 tokens each
    When replicas r1 and r2 are cut off from the orchestrator
    Then the pool reports degraded within 1 s
    When a client submits 6 tasks of 10 tokens each
    Then every task completes
    And none of these tasks is served by replica r1
    And none of these tasks is served by replica r2
    When the network heals
    Then the pool is ready again within 2 s
    When a client submits 6 tasks of 10 tokens each
    Then every task completes
    And some task since the heal is served by replica r1

  @fault:network.partition
  Scenario: cut off from the pool manager, the orchestrator keeps serving with the replicas it knows
    Given a healthy pool of 3 replicas
    And a steady load of 5 tasks per second of 10 tokens each
    When the pool manager is cut off from the orchestrator
    Then the orchestrator reports the pool manager unreachable within 1 s
    When a client submits 6 tasks of 10 tokens each
    Then every task completes
    And the pool is ready
    When the network heals
    Then the orchestrator reports the pool manager reachable within 1 s
    And the pool is ready
