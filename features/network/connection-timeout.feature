@ORCH-3050 @ORCH-3051 @OC-CORE-1022
Feature: Connection timeout
  A slow or unresponsive engine must never hang a client: a stalled stream ends with a timeout error within the
  configured idle timeout, tasks that cannot start on a stalled replica go to the others, and all is well again once
  the link clears. (The seed's test_network_timeout.)

  @OC-CTRL-2028 @OC-CTRL-2029 @fault:network.timeout
  Scenario: a stream whose engine link stalls ends with a retriable timeout error within the idle timeout
    Given a healthy pool of 1 replica
    And a client has a task of 300 tokens streaming on replica r1
    When the link to replica r1 stalls
    Then the task fails with a retriable "DECODE_TIMEOUT" error at the idle timeout after its last token
    And nothing follows the error in its stream
    And the orchestrator stays live
    When the network heals
    Then a new task completes within 5 s

  @ORCH-3010 @fault:network.timeout
  Scenario: tasks that cannot start on a stalled replica are retried on the others
    Given a healthy pool of 3 replicas
    When the link to replica r1 stalls
    And a client submits 6 tasks of 10 tokens each
    Then every task completes
    And the pool reports degraded within 3 s
    When the network heals
    Then the pool is ready again within 3 s
