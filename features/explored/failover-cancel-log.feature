@explored @ORCH-3050 @ORCH-3051 @ORCH-3027 @CHAOS-002 @fault:gpu.unavailable @needs:gpu-inventory
Feature: A task canceled while its stream waits to fail over is logged with the engine that streamed it
  Found by `npm run explore -- --seed 41` (on c1709f2 with stream failover drawn; the ninth schedule, shrunk), kept
  as written. With stream failover on, the GPUs vanished under a streaming task, whose stream then waited for a
  replica to take it over; the client canceled it meanwhile, and its log line said engine_version "unknown", though
  an engine had streamed every token its client had: the orchestrator logged the replica of a running attempt only.
  It now remembers the replica that streamed what the client has while the task waits to fail over
  (`streamedOn`, sut/orchestratord/dispatcher.ts). Without the fix this scenario failed 2 of 3 runs, then 2 of 5;
  with it, 6 of 6 passed. Shown again when the reference profile's pool breaker cool-down went from 2 s to 1 s (#28):
  against that fix undone (the mutant failover-wait-forgets-engine), `npm run mutants -- --only` killed it here 5 of
  5 times; alone with `npx cucumber-js` it failed 2 of 13 runs at 1 s and 2 of 8 at 2 s.

  # The GPU gone twice crashes each engine 5 times in a row, which opens its restart breaker (OC-POOL-3011: after the
  # cool-down, one trial start), so the pool is ready again only after the reference profile's cool-down, 1 s. That is
  # the test scale of the contract's cool-down: the scale the restart-storm scenarios state in their Gherkin and judge
  # both ways, and one at which `npm run stress` left this wait at 31 % of its 5 s at most (2 s left it at 54–64 %).

  Scenario: a task canceled while its stream waits for a replica to take it over is logged with the build of the engine that streamed it
    Given the queue holds at most 8 tasks, rejecting new ones when full
    And stream failover is on
    And a healthy pool of 3 replicas
    And a steady load of 1 task per second of 10 tokens each
    When a client submits 1 tasks whose prompt is too long for any engine
    And a client submits 1 task of 80 tokens each
    And 250 ms pass under the load
    And the GPU vanishes
    And 2250 ms pass under the load
    And the GPU comes back
    And 200 ms pass under the load
    And the GPU vanishes
    And the client cancels the task
    And 900 ms pass under the load
    And the GPU comes back
    Then the pool is ready again within 5 s
    And a new task completes within 5 s
    And every admitted task is known to the orchestrator
    And no stream was left silent for longer than the idle timeout and a failover's wait
    And resubmitting a task returns the same task
    When the steady load stops and every stream ends
    Then every answer the client got carried a correlation id
    And the orchestrator's metrics show no task queued once every task has ended
    And the orchestrator's metrics count every refusal and every cancel the client saw
    And every task given up before its first token was tried as often as the retry budget allows
    And every task that streamed is logged with the tokens its client received and the build of its engine
