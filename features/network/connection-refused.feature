@ORCH-3050 @ORCH-3051 @ORCH-3010
Feature: Connection refused
  An engine that is not listening, as seen from the orchestrator: tasks go to the replicas it can reach; when it can
  reach none, it says so at once with a retry hint instead of queueing work it cannot run.

  @needs:engine-seed-log @fault:network.down
  Scenario: tasks go to the other replicas when one replica refuses connections
    Given a healthy pool of 3 replicas
    And a steady load of 5 tasks per second of 10 tokens each
    When replica r2 refuses connections from the orchestrator
    Then the pool reports degraded within 1 s
    When a client submits 6 tasks of 10 tokens each
    Then every task completes
    And none of these tasks is served by replica r2
    When the network heals
    Then the pool is ready again within 2 s

  @ORCH-3018 @fault:network.down
  Scenario: with every replica unreachable new tasks are refused fast with a retry hint, and served again after healing
    Given a healthy pool of 3 replicas
    And a steady load of 5 tasks per second of 10 tokens each
    When every replica refuses connections from the orchestrator
    Then within 2 s new tasks are refused fast as "POOL_UNAVAILABLE" with a retry hint
    And the pool reports unready within 1 s
    And the orchestrator stays live
    When the network heals
    Then a new task completes within 3 s
    And the pool is ready again within 2 s
