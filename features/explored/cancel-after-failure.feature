@explored @ORCH-3050 @ORCH-3051 @ORCH-3028 @fault:engine.driver-reset @fault:log.unwritable @needs:driver-reset
Feature: Found by the explorer: a cancel of a task that had already ended
  Regression scenarios the generative explorer (`npm run explore`) found and shrank; each keeps the seed that found it.
  Seed 43 (replay 43:1:1:1:1:1:1:1:1:1:1:1:2:2:3:1:2, commit fe6ac45): the task the client cancels had already failed
  when its engine died of a driver reset, and the orchestrator answered its cancel 204, as a cancel is idempotent. It
  counted no cancel, rightly: the suite's metrics check counted every 204 as a cancel (tasks_canceled_total 0, the
  client had 204 for 1). The check now counts only the cancels that ended their task's stream canceled.

  Scenario: a cancel answered for a task a driver reset had already failed is not counted as a cancel
    Given the queue holds at most 8 tasks, rejecting new ones when full
    And a healthy pool of 1 replica
    And a steady load of 1 task per second of 10 tokens each
    When a client submits 1 task of 20 tokens each
    And the engine of replica r1 suffers a GPU driver reset
    And the log of the pool manager can no longer be written
    And the client cancels the task
    Then the pool is ready again within 5 s
    And a new task completes within 5 s
    And every admitted task is known to the orchestrator
    And no stream was left silent for longer than the idle timeout
    When the steady load stops and every stream ends
    Then every answer the client got carried a correlation id
    And the orchestrator's metrics count every refusal and every cancel the client saw
    And the orchestrator's metrics agree with what the client saw, whatever was retried
