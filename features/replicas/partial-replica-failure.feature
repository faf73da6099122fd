@ORCH-3050 @ORCH-3051 @ORCH-3010
Feature: Some replicas fail
  With one replica of three gone, the pool keeps serving on the other two and says it is degraded, not down.

  Background:
    Given engines are restarted 1 s after a crash
    And a healthy pool of 3 replicas
    And a steady load of 5 tasks per second of 10 tokens each

  @needs:engine-seed-log @fault:process.kill
  Scenario: with 1 of 3 replicas killed new tasks still complete, and the pool is degraded until the replica is back
    When the engine of replica r1 is killed
    Then the pool reports degraded within 1 s
    When a client submits 6 tasks of 10 tokens each
    Then every task completes
    And none of these tasks is served by replica r1
    And the orchestrator stays live
    And the pool is ready again within 5 s
