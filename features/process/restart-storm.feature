@serial @ORCH-3051 @ORCH-3038 @ORCH-3053 @OC-POOL-3011
Feature: Restart backoff, restart storms and the circuit breaker
  An engine that keeps crashing is restarted ever more slowly; past a limit the breaker opens and the pool says so
  at once instead of accepting work it cannot run; after the cool-down, a good start closes the breaker.

  # The maximum is reached by the second restart and holds the third to it: 100, 200, 200 ms. With a maximum of 300 ms
  # the third restart of a backoff that ignored it (400 ms, 360-440 with its 10 % jitter) fell within the bound of
  # 300 ms + 10 % + the 60 ms observation slack half the time, and such a stack survived the mutation check; at 200 ms
  # that bound is 280 ms, far below it.
  @fault:process.kill
  Scenario: a crashed engine is restarted with exponential backoff, never waiting longer than its maximum
    Given engines are restarted 100 ms after a first crash, doubling each time up to 200 ms
    And a healthy pool of 1 replica
    When the engine of replica r1 crashes 3 times in a row
    Then it was restarted after each crash as that backoff says
    And replica r1 is restarted and ready again within 3 s

  @ORCH-3018 @ORCH-3040 @fault:process.kill
  Scenario: repeated crashes open the breaker, new tasks are refused fast, and a good start after the cool-down closes it
    Given engines are restarted 50 ms after a first crash, doubling each time
    And the breaker opens after 3 consecutive crashes for 1 s
    And a healthy pool of 1 replica
    When the engine of replica r1 crashes 3 times in a row
    Then the pool reports failed within 1 s
    And within 1 s new tasks are refused fast as "POOL_UNAVAILABLE" with a retry hint
    And replica r1 is started again only after the cool-down of 1 s
    And the pool is ready again within 3 s
    And the breaker of replica r1 is closed

  @fault:process.kill
  Scenario: a restart storm is cut short by the sliding window even before the breaker's crash count is reached
    Given engines are restarted 20 ms after a first crash, doubling each time
    And the breaker opens after 10 consecutive crashes for 1 s
    And at most 3 restarts are allowed within 10 s
    And a healthy pool of 1 replica
    When the engine of replica r1 crashes 4 times in a row
    Then the pool reports failed within 1 s
    And the pool manager counts 1 restart storm
    And replica r1 is started again only after the cool-down of 1 s
    And the pool is ready again within 3 s

  @CHAOS-003 @fault:process.kill
  Scenario: a pool manager killed during an engine crash loop keeps its restart history, so the loop does not resume at full speed
    Given engines are restarted 50 ms after a first crash, doubling each time
    And the breaker opens after 3 consecutive crashes for 2 s
    And a healthy pool of 1 replica
    When the engine of replica r1 crashes 2 times in a row
    And the pool manager is killed
    And the pool manager is started again
    And the engine of replica r1 crashes once more
    Then the pool reports failed within 1 s
    And replica r1 has been restarted at least 1 time

  @CHAOS-003 @fault:process.kill
  Scenario: a breaker open when the pool manager is killed stays open after its restart until its cool-down ends
    Given engines are restarted 50 ms after a first crash, doubling each time
    And the breaker opens after 3 consecutive crashes for 2 s
    And a healthy pool of 1 replica
    When the engine of replica r1 crashes 3 times in a row
    Then the pool reports failed within 1 s
    When the pool manager is killed
    And the pool manager is started again
    Then replica r1 is started again only after the cool-down of 2 s
    And the pool is ready again within 3 s
