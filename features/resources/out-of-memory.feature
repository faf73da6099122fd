# Not @serial: each limit is a cgroup of the scenario's own around one engine, which starves nothing else on the
# machine, and no verdict here is a timing of milliseconds (the bounds are seconds).
@ORCH-3050 @ORCH-3051
Feature: Out of memory
  An engine that runs out of memory is killed by the kernel. The pool manager must say so (an out-of-memory kill,
  told apart from a crash and from a driver reset), restart it with backoff, and the tasks it carried fail
  explicitly. A model that cannot fit at all must fail its preload fast, with the cause, and never loop.

  @privileged @needs:engine-memory-per-token @fault:memory.limit
  Scenario: an engine OOM-killed mid-inference is reported as out of memory and restarted with backoff
    Given engines hold 1 MB of memory per token they generate
    And a healthy pool of 2 replicas
    And a client has a task of 400 tokens streaming on replica r1
    And a steady load of 5 tasks per second of 10 tokens each
    When the memory of the engine of replica r1 is limited to 64 MB
    Then the task fails with a retriable "WORKER_RESET" error
    And the pool reports an out-of-memory kill on replica r1, distinct from a crash
    And replica r1 is restarted and ready again within 5 s
    And a new task completes within 3 s

  @ORCH-3003 @OC-POOL-3002 @OC-POOL-3003 @privileged @needs:staging-throttle @fault:memory.limit
  Scenario: an engine that runs out of memory while loading the model fails its preload fast with the cause, and is retried with backoff
    Given a model of at least 90 MB
    And the model takes 1 s to stage
    And a pool of 1 replica that is still provisioning
    When the engine of replica r1 starts with its memory limited to 64 MB
    Then the pool says its engine ran out of memory while loading the model
    And a new task is refused as "POOL_UNAVAILABLE" with a retry hint
    And the pool is ready again within 5 s
    And a new task completes within 3 s
