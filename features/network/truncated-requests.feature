@ORCH-3050 @ORCH-3051
Feature: Requests cut on the way to the engines
  A replica whose health checks pass but whose dispatches never arrive whole (an MTU black hole, a proxy with a small
  request limit) fails every dispatch before its first token. The orchestrator retries on another replica after a
  capped, fully jittered backoff and, past its retry budget, gives up with a retriable error: how long each task takes
  to fail shows the backoffs to the client. When only one replica is cut that way, the orchestrator's breaker takes it
  out of rotation instead of sending it work that fails, which only its link can show: the retries on the other
  replicas hide it from the clients.

  # The promise is probabilistic, so it is stated with its arithmetic. The retry budget is the product's default of 3
  # failed dispatches, so a task waits 2 backoffs, uniform on [0, 20) and [0, 40) ms (ORCHD_RETRY_BASE_MS 20, cap
  # 200, full jitter: min(cap, base x 2^k)); their sum has a standard deviation of sqrt(20²/12 + 40²/12) = 12.9 ms.
  # Over 30 tasks the check wants a sample deviation between half that and 1.5 times it, 6.45 to 19.4 ms. For a
  # correct stack with normal times, 29 s²/σ² falls below 29 x 0.25 with probability 1.3e-5 and above 29 x 2.25 with
  # 1.3e-4 (chi-square, 29 degrees of freedom); a sum of uniforms has lighter tails. Measured on 2 cores, 35 runs of
  # this scenario, 25 of them beside 2 busy loops: deviations of 11.4 to 16.6 ms; drawn 100 000 times from their 1 050
  # times, 30 at a time, 0.002 % above 19.4 ms. A fixed backoff or none leaves 2-4 ms of noise (measured) and fails.
  # Ceilings twice as high (a deviation of 25.8 ms) measured 23.7 to 32.0 ms in 12 runs beside the busy loops, all
  # caught; simulated with 3 ms of noise and 3 % of tasks held up to 30 ms, 99.2 % are caught, ceilings 1.5 times as
  # high 56 %, and a correct stack fails 0.02 % of runs. The deviation judges every task at once: a bound on the span
  # from the fastest to the slowest, checked before, failed a correct stack when one task was held up (81 ms against
  # 80, under npm run stress), and caught less (94.5 % and 21 % in the same simulation).
  # Its verdict is a timing of a few milliseconds, so it runs alone (@serial): beside another scenario, or on a
  # machine overloaded by other work, the noise grows and can hide a fixed backoff.
  # The dispatch breaker would take the replicas out after 3 failures and end the experiment after 3 tasks, so this
  # scenario raises it, in its Gherkin.
  @serial @HTU-1002 @fault:network.truncate
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

  # The breaker (ORCH-3040) is judged at the cut replica's link, where every dispatch that reaches it fails: once 3
  # have failed, nothing reaches it for the 500 ms cool-down, then one trial dispatch, whose failure starts the next
  # cool-down. The steady load offers a task every 100 ms for 3 s, so a breaker that never opens sends the replica a
  # dispatch about every 100 ms (each task tries the idle replica first) and one that never lets a trial through
  # sends nothing after the threshold; 3 s span 6 cool-downs, so both show. After the heal, a good trial closes the
  # breaker: bursts of 4 short tasks over the 3 replicas of 2 slots give r1 two at once, which a breaker that stays
  # half-open (one trial at a time) never lets through.
  @ORCH-3040 @fault:network.truncate
  Scenario: a replica whose dispatches are all cut is sent no work while its breaker is open, one trial per cool-down, and the clients see nothing
    Given a replica leaves service for 500 ms after 3 failed dispatches in a row
    And the dispatches reaching each replica are witnessed on their way
    And a healthy pool of 3 replicas
    And a steady load of 10 tasks per second of 5 tokens each
    When requests larger than a health check are cut on the way to replica r1
    And 3 s pass under the load
    Then the orchestrator sent replica r1 no work while its breaker was open, and one trial at a time after each cool-down
    And every task of the steady load completes
    When the network heals
    Then once its cool-down has passed, replica r1 takes more than one task at a time again
