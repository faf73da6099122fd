@serial @ORCH-3050 @ORCH-3051 @OC-CORE-1022
Feature: CPU saturation
  A component starved of CPU is slow, not broken: tokens come later, but health checks and timeouts must tolerate
  it — no restart storm caused by slow answers, no task failed falsely — and a task that really misses its timeout
  says so.

  @privileged @fault:cpu.saturate @needs:fast-engine
  Scenario: an engine starved of CPU streams slower, is not restarted for it, and every task completes
    Given each token costs an engine 2 ms of CPU
    And a healthy pool of 2 replicas
    And a steady load of 5 tasks per second of 10 tokens each
    When the engine of replica r1 is starved to 10 % of a core
    And a client submits 4 tasks of 20 tokens each
    Then every task completes
    And replica r1 was never restarted
    And replica r1 stayed ready throughout

  @privileged @fault:cpu.saturate
  Scenario: an orchestrator starved of CPU still answers and serves, and takes no replica out of service for it
    Given a healthy pool of 2 replicas
    And a steady load of 5 tasks per second of 10 tokens each
    # Under this load the orchestrator wants about 8 % of a core on average (measured unthrottled), with bursts
    # above. At 10 % it is held back in nearly every busy 20 ms period, yet can keep up: the promise is about a
    # starved orchestrator. Below its average need (5 % was tried) the backlog grows without end, and no program
    # answers within the liveness bound of 1 s then: that is an overloaded orchestrator, a different promise.
    When the orchestrator is starved to 10 % of a core
    And a client submits 4 tasks of 20 tokens each
    Then every task completes
    And the orchestrator stays live
    And replica r1 stayed ready throughout
    And replica r2 stayed ready throughout
