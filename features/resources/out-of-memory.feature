@ORCH-3050 @ORCH-3051 @ORCH-3039
Feature: Out of memory
  An engine that runs out of memory is killed by the kernel. The pool manager must say so (an out-of-memory kill,
  told apart from a crash and from a driver reset), restart it with backoff, and the tasks it carried fail
  explicitly. A model that cannot fit at all must fail its preload fast, with the cause, and never loop.

  @privileged @fault:memory.limit
  Scenario: an engine OOM-killed mid-inference is reported as out of memory and restarted with backoff
    Given engines hold 1 MB of memory per token they generate
    And a healthy pool of 2 replicas
    And a steady load of 5 tasks per second of 10 tokens each
    And a client has a task of 400 tokens streaming on replica r1
    When the memory of the engine of replica r1 is limited to 64 MB
    Then the task fails with a retriable "WORKER_RESET" error
    And the pool reports an out-of-memory kill on replica r1, distinct from a crash
    And replica r1 is restarted and ready again within 5 s
    And a new task completes within 3 s

  @ORCH-3003 @OC-POOL-3002 @OC-POOL-3003 @privileged @fault:memory.limit
  Scenario: a model too large for the memory limit fails its preload fast with the cause, and the pool stops retrying it
    Given a model of 96 MB
    And the model takes 1 s to stage
    And the breaker opens after 3 consecutive crashes for 30 s
    And a pool of 1 replica that is still provisioning
    When the memory of the pool manager and its engines is limited to 128 MB
    Then the pool reports failed within 5 s
    And the pool says its engine ran out of memory while loading the model
    And a new task is refused as "POOL_UNAVAILABLE" with a retry hint
