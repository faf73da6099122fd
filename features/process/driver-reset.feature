@ORCH-3051 @ORCH-3038 @ORCH-3053 @OC-POOL-3010
Feature: GPU driver reset
  A driver reset kills an engine with a CUDA error. It must be told apart from an ordinary crash, counted as such,
  and the engine restarted with backoff while the pool serves on the other replicas.

  @needs:driver-reset @fault:engine.driver-reset
  Scenario: a driver reset under one engine is surfaced distinctly, and the engine is restarted
    Given a healthy pool of 2 replicas
    When the engine of replica r1 suffers a GPU driver reset
    Then the pool reports degraded within 1 s
    And the pool reports a driver reset on replica r1, distinct from a crash
    And replica r1 is restarted and ready again within 3 s
    And a new task completes within 3 s
