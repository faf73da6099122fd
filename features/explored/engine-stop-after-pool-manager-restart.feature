@explored @ORCH-3050 @ORCH-3051 @CHAOS-003 @fault:process.kill @fault:process.term @needs:engine-drain-on-term
Feature: An engine asked to stop right after its pool manager restarted
  Found by `npm run explore:short` (seed 1, on 0139f4d; the sixth schedule, shrunk), kept as written. 50 ms after the
  pool manager was started again, the suite asked for the engine of replica r1 to stop and failed: the pool manager
  reported the replica stopped, as it does until it has taken up its engines again (its start stages the model,
  then adopts the live engines). The engine was alive all along. The suite now waits, up to the schedules' recovery
  bound of 5 s, for the pool manager to report an engine before it signals one (`engineTarget`,
  support/stack/stack.ts). Without the wait this scenario failed 3 of 3 runs; with it, 2 of 2 passed.

  Scenario: an engine asked to stop 50 ms after its pool manager restarted is found, stops and is restarted
    Given the queue holds at most 8 tasks, rejecting new ones when full
    And a healthy pool of 2 replicas
    And a steady load of 2 tasks per second of 80 tokens each
    When 450 ms pass under the load
    And the pool manager is killed
    And 2500 ms pass under the load
    And the pool manager is started again
    And 50 ms pass under the load
    And the engine of replica r1 is asked to shut down
    And 2350 ms pass under the load
    And replica r1 is restarted and ready again within 5 s
    Then the pool is ready again within 5 s
    And a new task completes within 5 s
    And every admitted task is known to the orchestrator
    And no stream was left silent for longer than the idle timeout
    When the steady load stops and every stream ends
    Then every answer the client got carried a correlation id
    And the orchestrator's metrics show no task queued once every task has ended
    And the orchestrator's metrics count every refusal and every cancel the client saw
    And the orchestrator's metrics agree with what the client saw, whatever was retried
    And every task given up before its first token was tried as often as the retry budget allows
    And every task that streamed is logged with the tokens its client received and the build of its engine
