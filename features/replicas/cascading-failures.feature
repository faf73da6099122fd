@ORCH-3050 @ORCH-3051 @ORCH-3040
Feature: Cascading failures
  One failure must not trigger more: a slow replica is taken out of service instead of piling work onto it, a second
  replica dying leaves the survivor serving, the clients are answered instead of left waiting, dispatches stay within
  the retry budget (no retry storm), and all recovers. A request that every engine rejects fails on its own and takes
  no healthy replica with it.

  @ORCH-2007 @ORCH-3005 @fault:network.timeout @fault:process.kill
  Scenario: one replica stalled, then a second killed: the stalled one is taken out of service, the survivor serves, and all recovers
    Given engines are restarted 1 s after a crash
    And the queue holds at most 8 tasks, rejecting new ones when full
    And a healthy pool of 3 replicas
    And a steady load of 10 tasks per second of 10 tokens each
    When the link to replica r1 stalls
    And the engine of replica r2 is killed
    And a client submits 6 tasks of 10 tokens each
    Then every admitted task completes
    And the orchestrator took replica r1 out of service
    And replica r3 stayed ready throughout
    And the dispatches stayed within the retry budget of 3 per task
    When the network heals
    Then the pool is ready again within 5 s
    And a new task completes within 3 s

  @needs:engine-rejects-long-prompts @fault:none
  # The breaker opens after 3 failed dispatches in a row to one replica, so the precondition is that poison reached
  # one replica at least 3 times in a row; it is checked at the replicas' links (the engines' answers), not assumed.
  # The pool has no other work and the poison is sent one at a time, so each task meets the same idle replicas and a
  # dispatcher that picks the least loaded replica sends them all to one (a round-robin one would not: the
  # precondition then fails and says so). A burst of 24 beside a steady load, tried before, gave runs of 1 to 4 and
  # filled the queue of 8 on llama-server: a load task landing on a replica breaks its run. 6 is twice the
  # threshold, so a stack that counted poison against its replica opens a breaker while poison still arrives.
  Scenario: poison requests fail fast to their own client, are not retried on other replicas and take no replica out of service
    Given a replica leaves service after 3 failed dispatches in a row
    And the dispatches reaching each replica are witnessed on their way
    And a healthy pool of 3 replicas
    When a client submits 6 tasks whose prompt is too long for any engine, each once the last has failed
    Then one replica was sent as many of those tasks in a row as it takes to open its breaker, or more
    And each of those tasks fails at once as "INVALID_PARAMS", not retriable
    And each of those tasks was dispatched only once
    And replica r1 stayed ready throughout
    And replica r2 stayed ready throughout
    And replica r3 stayed ready throughout
