@ORCH-3051 @ORCH-3038 @ORCH-3053
Feature: GPU memory error
  An uncorrectable ECC error in the GPU's memory kills an engine with a CUDA error of its own. It must be told apart
  from an ordinary crash and from a driver reset (an operator replaces a card for one, not for the others), counted
  as such, and the engine restarted with backoff while the pool serves on the other replicas.

  @needs:ecc-error @fault:engine.ecc-error
  Scenario: an uncorrectable ECC error under one engine is surfaced distinctly, and the engine is restarted
    Given a healthy pool of 2 replicas
    When the engine of replica r1 suffers an uncorrectable GPU memory error
    Then the pool reports degraded within 1 s
    And the pool reports an ECC error on replica r1, distinct from a crash and from a driver reset
    And replica r1 is restarted and ready again within 3 s
    And a new task completes within 3 s
