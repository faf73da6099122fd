@explored @ORCH-3050 @ORCH-3051 @ORCH-3040 @fault:engine.completion-errors @needs:completion-errors
Feature: A poison task as the half-open breaker's trial
  Found by `npm run explore -- --seed 1` (commit 4e2e863; the first schedule, shrunk), kept as written but for its
  engine's shutdown, which raced the schedule's last checks and is now awaited (support/faults/process-term.ts).
  It failed: a new task completes: not admitted within 5 s (refused: 503 POOL_UNAVAILABLE), and the queued tasks
  failed at their queue timeout. The only replica's breaker opened on the engine's failing completions; after its
  cool-down the one half-open trial was a poison task, which the engine rejects and which counts for and against no
  replica, so the trial never ended the breaker's half-open state and the replica never served again. A trial with no
  verdict now gives the trial to the next dispatch (sut/orchestratord/replicas.ts, dispatchEnded). Before the fix this
  scenario failed 3 of 4 runs (the poison is the trial only when it is first in the queue at the cool-down's end);
  after it, 3 of 3 passed.

  Scenario: a replica whose breaker's trial was a poison task serves again after its engine recovers
    Given the queue holds at most 8 tasks, rejecting new ones when full
    And a healthy pool of 1 replica
    And a steady load of 3 tasks per second of 30 tokens each
    When a client submits 2 tasks whose prompt is too long for any engine
    And a client submits 1 task of 200 tokens each
    And the engine of replica r1 fails every completion while its health checks pass
    And 200 ms pass under the load
    And the engine of replica r1 serves completions again
    And 2450 ms pass under the load
    Then the pool is ready again within 5 s
    And a new task completes within 5 s
    And every admitted task is known to the orchestrator
    And no stream was left silent for longer than the idle timeout
    And resubmitting a task returns the same task
    When the steady load stops and every stream ends
    Then every answer the client got carried a correlation id
    And the orchestrator's metrics count every refusal and every cancel the client saw
    And the orchestrator's metrics agree with what the client saw, whatever was retried
