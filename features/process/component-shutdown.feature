@ORCH-3050 @ORCH-3051 @ORCH-3505
Feature: Graceful shutdown of the pool manager and of an engine
  SIGTERM means "stop cleanly": a pool manager stops its engines and, when one does not stop within the grace
  period, kills it, so nothing is left behind; a pool manager restarting one engine lets it finish its work first.

  @needs:engine-knobs @fault:process.term
  Scenario: a pool manager asked to stop stops its engines, killing one that outlives the grace period, and leaves no orphan
    Given engines take up to 10 s to finish in-flight work when asked to stop
    And a healthy pool of 2 replicas
    And a client has a task of 500 tokens streaming on replica r1
    When the pool manager is asked to shut down
    Then the pool manager exits cleanly within 4 s
    And the engine of replica r1 outlived the grace period and was killed at its end
    And no engine of the pool is left running
    And the task fails with a retriable error its fault allows
    And the orchestrator stays live

  # Not every engine drains on SIGTERM (llama-server stops its streams and lives on), so a graceful stop of one engine
  # is its pool manager's job: out of rotation first, its in-flight work runs until the deadline, then SIGTERM. Out of
  # rotation means no new work reaches it, which only its link can show under a steady load on two replicas. The load
  # comes 3 tasks at a time: least in flight first, a replica in rotation with 1 task gets at least 1 of 3 sent
  # together to a pool of 2 (1 task at a time all went to the idle replica, and a stack that kept the draining
  # replica in rotation survived once the engines streamed at 5 ms a token). Its in-flight task of 200 tokens (1 s at
  # 5 ms a token, 2.6 s on llama-server alone) outlasts the 750 ms between two such bursts. The load must fit on the
  # other replica alone while this one drains: on llama-server one replica served 2 tasks of 10 tokens every 620 ms
  # (3.2 a second, CI of f3dfdef), so 5 a second of 10 tokens filled the queue of 8 within the drain's 6.5 s and was
  # refused; tasks of 5 tokens take about half that, so 4 a second leave it headroom. The deadline is twice what
  # that task takes on llama-server while the other replica serves the whole load on the same 2 cores: 35 tokens a
  # second there (CI of 32e96c0: 180 of 200 tokens when a deadline of 5 s ran out), so 5.7 s; the drain ends when the
  # task does, so a longer deadline costs nothing when the stack keeps its promise.
  @fault:none
  Scenario: an engine restarted gracefully by its pool manager under load gets no new task, finishes its in-flight one, then serves again
    Given engines drop their in-flight work when asked to stop
    And the dispatches reaching each replica are witnessed on their way
    And a healthy pool of 2 replicas
    And a client has a task of 200 tokens streaming on replica r1
    And a steady load of 4 tasks per second of 5 tokens each, sent 3 at a time
    When the pool manager restarts replica r1 gracefully, with a deadline of 12 s
    Then the task completes
    And replica r1 is restarted and ready again within 5 s
    And no task reached replica r1 while it was out of service
    And every task of the steady load completes
    And a new task completes within 3 s
