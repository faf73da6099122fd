@ORCH-3051 @ORCH-3026
Feature: Cancel under chaos
  A client that cancels must be obeyed at once, fault or no fault: a running task stops with no token after the
  cancel, and a queued task is never dispatched, not even once its replica is free again after a crash. A client that
  goes away from its task's stream has canceled it just the same: nobody is left to read what the engine would make.

  @ORCH-3028 @fault:network.slow
  Scenario: a task canceled while its tokens dribble through a slow link gets no token after the cancel
    Given a healthy pool of 1 replica
    When the link from replica r1 dribbles at 1 KB/s
    And a client has a task of 100 tokens streaming on replica r1
    And the client cancels the task
    Then the task ends as canceled with no token after the cancel
    And the orchestrator keeps no token of the task beyond the cancel
    And the engine of replica r1 frees its slot soon after the cancel
    And the orchestrator's metrics count every refusal and every cancel the client saw
    When the network heals
    Then a new task completes within 3 s

  @OC-CORE-1005 @fault:process.kill
  Scenario: a queued task canceled behind a busy engine stays canceled when the engine crashes and comes back
    Given engines are restarted 1 s after a crash
    And a healthy pool of 1 replica with 1 slot each
    And a client submits 2 tasks of 200 tokens each
    And the first task is streaming
    When the client cancels the second task while it is queued
    And the engine of replica r1 is killed
    Then the task ends as canceled with no token after the cancel
    And replica r1 is restarted and ready again within 5 s
    And the second task stays canceled for 1 s without a single token

  # The client closes its side of the connection in the callback of a token it received and reads on until the
  # orchestrator closes its side, so what it had counts every token the orchestrator sent, in flight or not.
  @SSE-1003 @ORCH-3028 @fault:none
  Scenario: a client that goes away from its task's stream cancels the task: the engine stops and nothing more is kept
    Given a healthy pool of 1 replica
    And a client has a task of 100 tokens streaming on replica r1
    When the client goes away from the task's stream
    Then the task ends as canceled, as its status says
    And the orchestrator keeps no token of the task beyond what the client had when it went away
    And the engine of replica r1 frees its slot soon after the client went away
    And the orchestrator's metrics count every refusal and every cancel the client saw
