@ORCH-3051 @ORCH-2007 @ORCH-3005
Feature: Queue saturation
  When an engine slows down and work piles up, the bounded queue says no explicitly: under `reject`, new tasks get
  429 with a retry hint and the policy's name; under `drop-lru`, the oldest queued task makes room and its client is
  told with a retriable error. Nothing admitted is lost either way.

  @ORCH-3028 @fault:network.slow
  Scenario: with the queue full behind a slow engine, new tasks are refused with 429, a retry hint and the policy
    Given the queue holds at most 3 tasks, rejecting new ones when full
    And a healthy pool of 1 replica with 1 slot each
    When the link from replica r1 dribbles at 1 KB/s
    And a client submits 6 tasks of 10 tokens each
    Then 2 of them are refused as "ADMISSION_REJECT" with a retry hint and the queue's policy
    And the orchestrator's metrics show the 3 waiting tasks queued
    And the orchestrator's metrics count every refusal and every cancel the client saw
    When the network heals
    Then every admitted task completes
    And the orchestrator's metrics show no task queued once every task has ended

  @ORCH-3028 @fault:network.slow
  Scenario: with the queue full under drop-lru, the oldest queued task makes room and fails with a retriable error
    Given the queue holds at most 3 tasks, dropping the oldest when full
    And a healthy pool of 1 replica with 1 slot each
    When the link from replica r1 dribbles at 1 KB/s
    And a client submits 5 tasks of 10 tokens each
    Then every task is admitted
    And the second task fails with a retriable "QUEUE_FULL_DROP_LRU" error
    And the orchestrator's metrics count every refusal and every cancel the client saw
    When the network heals
    Then the other tasks complete

  @CHAOS-004 @fault:network.slow
  Scenario: a queued task that no replica takes in time fails with a retriable error at the queue timeout
    Given tasks wait at most 1 s in the queue
    And a healthy pool of 1 replica with 1 slot each
    When the link from replica r1 dribbles at 1 KB/s
    And a client submits 2 tasks of 100 tokens each
    Then the second task fails with a retriable "POOL_UNAVAILABLE" error at the queue timeout
    When the network heals
    Then a new task completes within 3 s
