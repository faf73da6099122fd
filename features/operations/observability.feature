@ORCH-3051 @ORCH-3027 @ORCH-3028 @OC-CTRL-2052
Feature: Observability under faults
  When something breaks, operators must be able to see what happened: every answer carries a correlation id, every
  task is logged with the fields to find it, and the metrics agree with what clients saw.

  @fault:process.kill
  Scenario: while a replica crashes, answers carry correlation ids, tasks are logged with their fields and the metrics add up
    Given a healthy pool of 2 replicas
    And a client has a task of 200 tokens streaming on replica r1
    When the engine of replica r1 is killed
    And a client submits 4 tasks of 10 tokens each
    Then every task completes
    And every answer the client got carried a correlation id
    And every admitted task has a log line with job, session, engine, pool, replica, token and timing fields
    And the orchestrator's metrics count every admitted task, its start and its tokens
