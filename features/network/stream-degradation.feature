@ORCH-3050 @ORCH-3051 @CHAOS-002
Feature: Streams cut or dribbling
  Whatever happens to a stream on the wire, the client gets either the whole stream or an explicit, retriable error:
  never a stream that quietly stops short.

  @OC-CTRL-2028 @OC-CTRL-2029 @fault:network.cut
  Scenario: a stream cut mid-way ends with an explicit retriable error, never a silent truncation
    Given a healthy pool of 1 replica
    And a client has a task of 300 tokens streaming on replica r1
    When the stream from replica r1 is cut after a few more tokens
    Then the task fails with a retriable "WORKER_RESET" error
    And nothing follows the error in its stream
    When the network heals
    Then a new task completes within 5 s

  @fault:network.slow
  Scenario: tokens dribbling through a slow link arrive complete, only later
    Given a healthy pool of 1 replica
    When the link from replica r1 dribbles at 2 KB/s
    And a client submits 2 tasks of 20 tokens each
    Then every task completes
    And every task took at least 400 ms from its first token to its end
    And every stream is well formed
    When the network heals
    Then a new task completes within 2 s
