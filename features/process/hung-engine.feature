@ORCH-3050 @ORCH-3051 @OC-CORE-1022
Feature: Hung engine
  An engine that stops answering without dying (a frozen process) must not hang the client: the idle timeout ends
  the stream, the replica is taken out of service, and it comes back when the engine does. Out of service means no
  new work reaches it, which only its link can show: a task sent to the frozen engine would be rescued by the idle
  timeout and a retry, and the client would never know. A task of the steady load that was streaming on the replica
  when it froze cannot be rescued without stream failover: it fails retriably, as the first task does.

  @OC-CTRL-2028 @ORCH-3010 @fault:process.pause
  Scenario: a hung engine's stream ends with a timeout error, the replica leaves service, and returns when the engine resumes
    Given the dispatches reaching each replica are witnessed on their way
    And a healthy pool of 2 replicas
    And a client has a task of 300 tokens streaming on replica r1
    And a steady load of 5 tasks per second of 10 tokens each
    When the engine of replica r1 hangs
    Then the task fails with a retriable "DECODE_TIMEOUT" error at the idle timeout after its last token
    And the pool reports degraded within 3 s
    And a new task completes within 3 s
    When 1 s passes under the load
    And the engine of replica r1 resumes
    Then no task reached replica r1 while it was out of service
    And every task of the steady load completes, except any streaming on replica r1 when its engine hung, which failed retriably
    And the pool is ready again within 3 s
