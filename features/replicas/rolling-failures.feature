@ORCH-3050 @ORCH-3051 @ORCH-3038
Feature: Rolling failures
  Replicas failing one after another, each only once the previous is back: with stream failover on, the pool
  serves throughout and no task fails.

  @CHAOS-002 @fault:process.kill
  Scenario: each replica killed in turn under a steady load: no task fails, and the pool is whole again
    Given stream failover is on
    And engines are restarted 200 ms after a crash
    And a healthy pool of 3 replicas
    And a steady load of 5 tasks per second of 20 tokens each
    When each replica is killed in turn, the next only once the pool is ready again and the tasks running at the previous kill have ended
    Then every task of the steady load completes
    And the pool is ready
