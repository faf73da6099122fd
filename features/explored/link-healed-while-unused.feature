@explored @ORCH-3050 @ORCH-3051 @fault:network.latency @fault:process.kill
Feature: A link healed while nothing uses it
  Found by the explorer (`npm run explore -- --seed 1203 --budget 10m`, the unbroken reference stack, shrunk from 42
  schedules): an orchestrator restarted while its pool manager is down knows no replica, so it sends nothing over a
  replica's link. A heal verified only by the stack's own traffic then failed, though the link was whole; the heal is
  now verified by the suite's own probe through the link as well. The pool recovers once its pool manager is back.

  Scenario: a link healed while the orchestrator, restarted during a pool-manager outage, has no replica to use it is verified healed, and the pool recovers
    Given the queue holds at most 8 tasks, rejecting new ones when full
    And a healthy pool of 2 replicas
    And a steady load of 2 tasks per second of 60 tokens each
    When a client submits 3 tasks of 220 tokens each
    And 350 ms pass under the load
    And the pool manager is killed
    And 550 ms pass under the load
    And the link to replica r1 has 20 ms of latency
    And 450 ms pass under the load
    And the orchestrator is killed
    And 350 ms pass under the load
    And the orchestrator is started again
    And 700 ms pass under the load
    And the link to replica r1 recovers
    And 50 ms pass under the load
    And the pool manager is started again
    Then the pool is ready again within 5 s
    And a new task completes within 5 s
    And every admitted task is known to the orchestrator
