@ORCH-3050 @ORCH-3051
Feature: Slow engine within budget
  Latency below the timeouts is not a failure: tasks complete, later, and nothing is retried or cut.

  @fault:network.latency
  Scenario: with latency on every engine link below the timeouts, tasks complete later and without errors
    Given a healthy pool of 3 replicas
    When the links to every replica have 300 ms of latency
    And a client submits 6 tasks of 10 tokens each
    Then every task completes
    And every task's first token arrived at least 300 ms after it was submitted
    And no dispatch was retried
    And every stream is well formed
    When the network heals
    Then a new task completes within 2 s
