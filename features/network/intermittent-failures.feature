@ORCH-3050 @ORCH-3051 @HTU-1002
Feature: Intermittent failures
  Random connection drops are absorbed by retries the client never sees. The orchestrator opens one connection per
  dispatch, so a share of connections reset is a share of dispatches failing before their first token.

  @CHAOS-002 @fault:network.reset
  Scenario: with 1 in 4 connections to the engines reset, every task still completes and the retries show in the metrics
    Given a healthy pool of 3 replicas
    When 1 in 4 connections from the orchestrator to the engines are reset
    And a client submits 30 tasks of 5 tokens each
    Then every task completes
    And every stream is well formed
    And the orchestrator's metrics show dispatch retries
    When the network heals
    Then a new task completes within 2 s
