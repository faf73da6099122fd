@serial @ORCH-3050 @ORCH-3051 @HTU-1002
Feature: Requests cut on the way to the engines
  A replica whose health checks pass but whose dispatches never arrive whole (an MTU black hole, a proxy with a small
  request limit) fails every dispatch before its first token. The orchestrator retries on another replica after a
  capped, fully jittered backoff and, past its retry budget, gives up with a retriable error: how long each task takes
  to fail shows the backoffs to the client.

  # The promise is probabilistic, so it is stated with its arithmetic. The retry budget is the product's default of 3
  # failed dispatches, so a task waits 2 backoffs, uniform on [0, 20) and [0, 40) ms (ORCHD_RETRY_BASE_MS 20, cap
  # 200, full jitter: min(cap, base x 2^k)); their sum has a standard deviation of sqrt(20²/12 + 40²/12) = 12.9 ms.
  # Over 30 tasks the check wants a sample deviation of at least half that, 6.45 ms: for a correct stack
  # 29 s²/σ² < 29 x 0.25 = 7.25 has probability 1.3e-5 for normal times (chi-square, 29 degrees of freedom); a sum of
  # uniforms has lighter tails, and 0 of 200 000 simulated runs (with 2 ms of normal noise) failed either check. A
  # fixed backoff or none leaves 2–4 ms of noise (measured) and fails. No two
  # tasks may differ by more than the ceilings' 60 ms plus 20 ms of measured noise: a backoff past its cap would.
  # Its verdict is a timing of a few milliseconds, so it runs alone (@serial): beside another scenario, or on a
  # machine overloaded by other work, the noise grows and can hide a fixed backoff.
  # The dispatch breaker would take the replicas out after 3 failures and end the experiment after 3 tasks, so this
  # scenario raises it, in its Gherkin.
  @fault:network.truncate
  Scenario: with every dispatch cut, each task fails retriably past its retry budget, its backoffs fully jittered within their ceilings
    Given replicas leave service only after 100 failed dispatches in a row
    And a healthy pool of 3 replicas
    When requests larger than a health check are cut on the way to every replica
    And a client submits 30 tasks of 5 tokens each, 1 at a time
    Then every task fails with a retriable "POOL_UNAVAILABLE" error
    And the times the tasks took to fail spread as fully jittered backoffs do, within the retry policy's ceilings
    And replica r1 stayed ready throughout
    When the network heals
    Then a new task completes within 2 s
