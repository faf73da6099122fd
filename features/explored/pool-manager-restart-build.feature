@explored @ORCH-3050 @ORCH-3051 @ORCH-3027 @fault:process.kill
Feature: Task logs name the engine's build across a pool manager restart
  Found by `npm run explore -- --seed 2` (on 7c6b9bc with this session's task-log check added; the seventh schedule,
  shrunk), kept as written. It failed: a task completed while the restarted pool manager was adopting the live
  engine was logged with engine_version "unknown", though the engine that served it reports its build. The pool
  manager reports a replica it is adopting before it has read the engine's build, and the orchestrator took that
  "no build" for a new one and dropped the build it knew. It now keeps a replica's known build until the pool manager
  reports another (sut/orchestratord/pool-view.ts). Without the fix this scenario failed 4 of 5 runs; with it, 8 of 8
  passed.

  Scenario: a task served while the pool manager adopts its engine again is logged with that engine's build
    Given the queue holds at most 8 tasks, rejecting new ones when full
    And a healthy pool of 1 replica
    And a steady load of 1 task per second of 10 tokens each
    When the pool manager is killed
    And 200 ms pass under the load
    And the pool manager is started again
    Then the pool is ready again within 5 s
    And a new task completes within 5 s
    And every admitted task is known to the orchestrator
    And no stream was left silent for longer than the idle timeout
    When the steady load stops and every stream ends
    Then every answer the client got carried a correlation id
    And the orchestrator's metrics show no task queued once every task has ended
    And the orchestrator's metrics count every refusal and every cancel the client saw
    And the orchestrator's metrics agree with what the client saw, whatever was retried
    And every task that streamed is logged with the tokens its client received and the build of its engine
