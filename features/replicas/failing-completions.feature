@ORCH-3050 @ORCH-3051
Feature: An engine that fails every completion while its health checks pass
  A health check proves that an engine's server is alive, not that it serves. An engine whose device fails every
  decode answers its health checks and fails every completion with a server error: the pool manager's checks see
  nothing wrong, and only the dispatches show it. The orchestrator retries each failed dispatch on another replica,
  so the clients see nothing, and its breaker takes the failing replica out of rotation instead of sending it work
  that fails; once the engine serves again, a trial dispatch succeeds and the replica is back in full rotation.

  # The breaker (ORCH-3040) is judged at the replica's link, where every dispatch that reaches it is answered with a
  # server error: once 3 have failed, nothing reaches it for the 500 ms cool-down, then one trial dispatch, whose
  # failure starts the next cool-down. The steady load offers a task every 100 ms for 3 s, so a breaker that never
  # opens sends the replica a dispatch about every 100 ms and one that never lets a trial through sends nothing after
  # the threshold; 3 s span 6 cool-downs, so both show. After the engine serves again, a good trial closes the
  # breaker: bursts of 4 short tasks over the 3 replicas of 2 slots give r1 two at once, which a breaker that stays
  # half-open (one trial at a time) never lets through.
  @ORCH-3040 @fault:engine.completion-errors @needs:completion-errors
  Scenario: a replica whose engine fails every completion is sent no work while its breaker is open, and the clients see nothing
    Given a replica leaves service for 500 ms after 3 failed dispatches in a row
    And the dispatches reaching each replica are witnessed on their way
    And a healthy pool of 3 replicas
    And a steady load of 10 tasks per second of 5 tokens each
    When the engine of replica r1 fails every completion while its health checks pass
    And 3 s pass under the load
    Then the orchestrator sent replica r1 no work while its breaker was open, and one trial at a time after each cool-down
    And every task of the steady load completes
    When the engine of replica r1 serves completions again
    Then once its cool-down has passed, replica r1 takes more than one task at a time again
