@ORCH-3050 @ORCH-3051 @CHAOS-002
Feature: Failover mid-stream
  With stream failover on, a task whose replica connection breaks mid-stream is resumed on another replica with the
  same seed; engines are deterministic, so the client sees one gap-free stream, byte-identical to an undisturbed run
  (upstream ORCH-3050's determinism property, used for recovery).

  @fault:network.reset
  Scenario: a stream whose replica connection is reset continues on another replica, identical to an undisturbed run
    Given stream failover is on
    And a healthy pool of 2 replicas
    And a client has a task of 200 tokens streaming on replica r1
    When every connection to replica r1 is reset
    Then the task completes
    And its stream is identical to an undisturbed run of the same task
    And every stream is well formed

  # The cheapest break of that log line (the orchestrator forgetting which replica streamed a task that waits to fail
  # over) is the mutant failover-wait-forgets-engine of npm run mutants. The GPUs gone, no replica can take it over,
  # so the cancel meets it waiting.
  @ORCH-3027 @needs:gpu-inventory @fault:gpu.unavailable
  Scenario: a task canceled while its stream waits for a replica to take it over is logged with the build of the engine that streamed it
    Given stream failover is on
    And a healthy pool of 1 replica
    And a client has a task of 300 tokens streaming on replica r1
    When the GPU vanishes
    Then the task waits for a replica to take its stream over
    When the client cancels the task
    And the GPU comes back
    Then the task ends as canceled, as its status says
    And every task that streamed is logged with the tokens its client received and the build of its engine
