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
