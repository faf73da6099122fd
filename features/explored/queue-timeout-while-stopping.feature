@explored @ORCH-3050 @ORCH-3051 @CHAOS-004 @fault:process.term
Feature: The queue timeout holds while the orchestrator shuts down
  Found by `npm run mutants -- --explore` on the unbroken stack (seed 12, on 287125e, while hunting no-idle-timeout;
  shrunk, kept as written): its scenario failed on the unbroken stack 3 of 3, so the find was not counted. A task
  admitted to a pool of one busy replica was still queued, no replica having taken it, 1.8 s after its admission
  while the orchestrator drained its streams for shutdown, though tasks wait at most 1 s in the queue: the shutdown
  stopped the queue's clock with its dispatching. The stack's fault, fixed at its cause (sut/orchestratord/dispatcher.ts):
  a stopping orchestrator dispatches nothing more, but a queued task whose queue timeout passes still ends then with
  its retriable error; one still within it stays queued for the next start, as before.

  Scenario: a task queued while the orchestrator drains ends at its queue timeout
    Given the queue holds at most 5 tasks, dropping the oldest when full
    And tasks wait at most 1 s in the queue
    And stream failover is on
    And a healthy pool of 1 replica
    And a steady load of 1 task per second of 20 tokens each
    When a client submits 2 tasks whose prompt is too long for any engine
    And a client submits 4 tasks of 300 tokens each
    And the client goes away from the task's stream
    And the orchestrator is asked to shut down once a task streams
    And 200 ms pass under the load
    And the orchestrator exits cleanly within 5 s
    And the orchestrator is started again
    Then the pool is ready again within 5 s
    And a new task completes within 5 s
    And every admitted task is known to the orchestrator
    And no stream was left silent for longer than the idle timeout and a failover's wait
    When the steady load stops and every stream ends
    Then every answer the client got carried a correlation id
    And the orchestrator's metrics show no task queued once every task has ended
    And every task streaming when the orchestrator was asked to shut down ran on until it ended or its grace period passed
