@ORCH-3050 @ORCH-3051
Feature: Pool-manager crash during provisioning
  A pool manager killed outright must not leave a half-written model behind, must not stop the engines that already
  serve, and must not start them twice when it comes back.

  @OC-POOL-3001 @ORCH-3002 @needs:staging-throttle @fault:process.kill
  Scenario: a pool manager killed while staging the model leaves only a partial file, which the next start discards and redoes
    Given the model takes 1 s to stage
    And a pool of 1 replica that is still provisioning
    Then the pool reports unready within 1 s
    When the pool manager is killed
    Then a partial model file is left in the model cache
    When the pool manager is started again
    Then the partial file the crash left is discarded, not written on
    And the pool is ready again within 6 s
    And the model cache holds the complete model and no partial file
    And a new task completes within 3 s

  @CHAOS-003 @fault:process.kill
  Scenario: engines keep serving while the pool manager is down, and its next start adopts them instead of starting new ones
    Given a healthy pool of 2 replicas
    When the pool manager is killed
    And a client submits 4 tasks of 10 tokens each
    Then every task completes
    When the pool manager is started again
    Then the pool manager runs the same engine processes as before it was killed
    And the pool is ready again within 3 s
    And a new task completes within 3 s
