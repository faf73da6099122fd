@ORCH-3050 @ORCH-3051 @ORCH-3505 @CHAOS-001
Feature: Graceful shutdown of the orchestrator
  Asked to stop, the orchestrator finishes what is streaming, turns new work away with a retry hint, exits cleanly
  and keeps its queue, so that nothing admitted is lost across the restart.

  # The first task must still stream when the new one is asked for: once it ends, the orchestrator exits and nothing
  # answers. Its 120 tokens take 0.6 s on the reference engine; on llama-server it ended about 1.4 s after the refusal
  # was seen (3 runs), within the 5 s exit. At 60 tokens (0.3 s) it had ended first once, beside 3 other workers. The
  # queued tasks stay short: every task is run again undisturbed for the identical-text check.
  @fault:process.term
  Scenario: an orchestrator asked to stop finishes in-flight tasks, refuses new ones and keeps its queue for the next start
    Given a healthy pool of 1 replica with 1 slot each
    And a client submits a task of 120 tokens, then 2 more of 60 tokens each
    And the first task is streaming
    When the orchestrator is asked to shut down
    Then a new task is refused as "POOL_UNREADY" with a retry hint
    And the orchestrator exits cleanly within 5 s
    And the streaming task completes
    When the orchestrator is started again
    Then every task of the client completes after the restart
    And every stream is well formed
