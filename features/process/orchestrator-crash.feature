@ORCH-3050 @ORCH-3051 @CHAOS-001
Feature: Orchestrator crash during dispatch
  An orchestrator killed outright loses nothing it admitted: every task is still known after the restart, queued
  ones run, the one that was streaming either resumes where the client left it or fails explicitly, and resending a
  task returns the same task.

  @OC-CTRL-2028 @fault:process.kill
  Scenario: after an orchestrator is killed mid-dispatch, every admitted task is known, queued ones run and the streaming one fails retriably
    Given a healthy pool of 1 replica with 1 slot each
    And a client submits 3 tasks of 100 tokens each
    When the orchestrator is killed while the first task streams
    And the orchestrator is started again
    Then every admitted task is known to the orchestrator
    And the task fails with a retriable "WORKER_RESET" error
    And the other tasks complete
    And resubmitting a task returns the same task
    And every stream is well formed

  @CHAOS-002 @fault:process.kill
  Scenario: with failover on, a task streaming when the orchestrator is killed resumes after the restart with no gap and no duplicate
    Given stream failover is on
    And a healthy pool of 1 replica
    And a client has a task of 200 tokens streaming on replica r1
    When the orchestrator is killed
    And the orchestrator is started again
    Then the task completes
    And its stream is identical to an undisturbed run of the same task
    And every stream is well formed
