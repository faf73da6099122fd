@ORCH-3050 @ORCH-3051
Feature: Logs that cannot be written
  A daemon whose log cannot be written (its log collector gone, the disk under it full) must keep doing its job:
  losing log lines is a degraded log, never a reason to crash or to fail a task. The engines' log disk is in
  disk-full.feature; this is the orchestrator's and the pool manager's own log.

  @fault:log.unwritable
  Scenario: with its log output gone, the orchestrator keeps serving
    Given a healthy pool of 2 replicas
    And a steady load of 5 tasks per second of 10 tokens each
    When the log of the orchestrator can no longer be written
    And a client submits 6 tasks of 10 tokens each
    Then every task completes
    And the orchestrator stays live

  @fault:log.unwritable @fault:process.kill
  Scenario: with its log output gone, the pool manager still restarts a crashed engine
    Given engines are restarted 100 ms after a crash
    And a healthy pool of 2 replicas
    When the log of the pool manager can no longer be written
    And the engine of replica r1 is killed
    Then replica r1 is restarted and ready again within 5 s
    And a new task completes within 3 s
