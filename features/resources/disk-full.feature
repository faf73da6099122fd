@ORCH-3050 @ORCH-3051 @ORCH-3091 @OC-POOL-3003
Feature: Disk full
  No space for models or logs must never crash a daemon or leave a half-written model behind: a pool that cannot
  stage its model says why and refuses work with a retry hint, and it recovers by itself once space returns.

  @ORCH-3002 @privileged @needs:staging-throttle @fault:disk.full
  Scenario: a disk that fills up while the model is staged leaves the pool unready with the cause and no partial file, until space returns
    Given the model cache is on its own disk with room for the model and 4 MB more
    And the model takes 1 s to stage
    And a pool of 1 replica that is still provisioning
    When the model cache disk fills up
    Then within 2 s the pool says it has no space for the model
    And no partial model file is left in the model cache
    And a new task is refused as "POOL_UNREADY" with a retry hint
    When space returns on the model cache disk
    Then the pool is ready again within 5 s
    And the model cache holds the complete model and no partial file
    And a new task completes within 3 s

  @privileged @fault:disk.full @fault:process.kill
  Scenario: with the disk under the engines' logs full, engines keep serving and a crashed one is still restarted
    Given the engines' log is on its own disk of 2 MB
    And a healthy pool of 2 replicas
    And a steady load of 5 tasks per second of 10 tokens each
    When the engines' log disk fills up
    And the engine of replica r1 is killed
    Then replica r1 is restarted and ready again within 5 s
    And a new task completes within 3 s
    When space returns on the engines' log disk
    Then a new task completes within 3 s
