@ORCH-3050 @ORCH-3051 @ORCH-3505
Feature: Graceful shutdown of the pool manager and of an engine
  SIGTERM means "stop cleanly": an engine finishes what it is generating; a pool manager stops its engines and,
  when one does not stop within the grace period, kills it, so nothing is left behind.

  @fault:process.term
  Scenario: a pool manager asked to stop stops its engines, killing one that outlives the grace period, and leaves no orphan
    Given engines take up to 10 s to finish in-flight work when asked to stop
    And a healthy pool of 2 replicas
    And a client has a task of 500 tokens streaming on replica r1
    When the pool manager is asked to shut down
    Then the pool manager exits cleanly within 4 s
    And no engine of the pool is left running
    And the task fails with a retriable "WORKER_RESET" error
    And the orchestrator stays live

  @needs:engine-drain-on-term @fault:process.term
  Scenario: an engine asked to stop finishes its in-flight task, then is restarted
    Given a healthy pool of 1 replica
    And a client has a task of 50 tokens streaming on replica r1
    When the engine of replica r1 is asked to shut down
    Then the task completes
    And replica r1 is restarted and ready again within 5 s
    And a new task completes within 3 s
