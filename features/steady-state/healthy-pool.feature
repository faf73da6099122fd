@ORCH-3050 @CHAOS-002
Feature: Steady state of a healthy pool
  Every chaos scenario starts from this baseline: a healthy pool serves tasks and every stream is well formed.
  If the baseline fails, no fault scenario can mean anything.

  @fault:none @smoke
  Scenario: a healthy pool of 3 replicas completes every task with a well-formed stream
    Given a healthy pool of 3 replicas
    When a client submits 12 tasks of 20 tokens each
    Then every task completes
    And every stream is well formed
    And the pool is ready
    And the orchestrator reports healthy
