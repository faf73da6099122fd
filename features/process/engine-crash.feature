@ORCH-3050 @ORCH-3051 @ORCH-3038
Feature: Engine crash during inference
  An engine killed mid-inference must not take the orchestrator with it: the task fails explicitly and retriably,
  the pool manager restarts the engine, and the pool serves again.

  @OC-CTRL-2028 @OC-CTRL-2029 @OC-CTRL-2034 @fault:process.kill @smoke
  Scenario: a task whose only engine is killed mid-stream fails with a retriable error, and the engine comes back
    Given a healthy pool of 1 replica
    And a client has a task of 200 tokens streaming on replica r1
    When the engine of replica r1 is killed
    Then the task fails with a retriable "WORKER_RESET" error
    And nothing follows the error in its stream
    And the orchestrator stays live
    And replica r1 is restarted and ready again within 5 s
    And a new task completes within 5 s
