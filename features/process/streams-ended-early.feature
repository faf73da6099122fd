@ORCH-3050 @ORCH-3051 @OC-CTRL-2028
Feature: Streams that end early
  A buggy or dying engine may finish its HTTP response properly — the body terminated, no reset — before the frame
  that says the generation stopped. A clean end is not a finished generation: the orchestrator must fail the task
  with a retriable error, or move it to another replica, and never complete it short. No network fault can do this
  (a proxy can only reset or stall a connection): the engine does it, and goes on serving.

  @needs:stream-end @fault:engine.stream-end
  Scenario: a stream its engine ends cleanly before the stop frame fails retriably, never completes short
    Given a healthy pool of 2 replicas
    And a client has a task of 300 tokens streaming on replica r1
    When the engine of replica r1 ends its streams early, cleanly, before their stop frame
    Then the task fails with a retriable "WORKER_RESET" error
    And nothing follows the error in its stream
    And a new task completes within 2 s

  @CHAOS-002 @needs:stream-end @fault:engine.stream-end
  Scenario: with stream failover on, a stream its engine ends early continues on another replica, identical to an undisturbed run
    Given stream failover is on
    And a healthy pool of 2 replicas
    And a client has a task of 200 tokens streaming on replica r1
    When the engine of replica r1 ends its streams early, cleanly, before their stop frame
    Then the task completes
    And its stream is identical to an undisturbed run of the same task
    And every stream is well formed
