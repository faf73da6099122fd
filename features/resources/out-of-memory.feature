# Not @serial: each limit is a cgroup of the scenario's own around one engine, which starves nothing else on the
# machine, and no verdict here is a timing of milliseconds (the bounds are seconds).
@ORCH-3050 @ORCH-3051
Feature: Out of memory
  An engine that runs out of memory is killed by the kernel. The pool manager must say so (an out-of-memory kill,
  told apart from a crash and from a driver reset), restart it with backoff, and the tasks it carried fail
  explicitly. A model that cannot fit at all must fail its preload fast, with the cause, and never loop. An engine
  that runs out of GPU memory dies of it in its own words: the pool manager must tell that from a host OOM kill and
  re-estimate how many slots the replica can hold.

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

  # A GPU is shared: another process that takes its memory leaves an engine less than its slots need. Each slot of the
  # reference engine takes its GPU memory the first time it serves a task (llama.cpp takes it at load, and runs out in
  # its compute buffers instead). The GPU has 24 GiB; with all but 16 GiB taken, 2 slots of 8 GiB fit where the replica
  # had 4, so the third of 4 tasks at once finds no room and the engine dies of it. Restarted with the 4 slots it had,
  # it would die again at the next 3 tasks at once: the second load shows the re-estimate holds. The engine's own slot
  # count shows it was restarted with 2, and a pool manager restarted after it (which adopts the running engine) must
  # report the 2 slots from its first report on: the re-estimate is part of what it remembers.
  @ORCH-3039 @needs:gpu-inventory @needs:engine-vram-per-slot @fault:gpu.memory-taken @fault:process.kill
  Scenario: an engine out of GPU memory is reported as such, distinct from a host OOM, and restarted with the slots that fit
    Given each slot of an engine takes 8 GiB of GPU memory once it serves a task
    And a healthy pool of 1 replica with 4 slots each
    When another process takes all but 16 GiB of the GPU's memory
    And a client submits 4 tasks of 100 tokens each, 4 at a time
    Then the pool reports a GPU out-of-memory on replica r1, distinct from a host out-of-memory
    And the pool's capacity falls to 2 slots
    And the pool is ready again within 5 s
    And the engine of replica r1 runs with 2 slots
    When a client submits 8 tasks of 20 tokens each, 4 at a time
    Then every task completes
    And every stream is well formed
    When the pool manager is killed
    Then the orchestrator reports the pool manager unreachable within 1 s
    When the pool manager is started again
    Then the orchestrator reports the pool manager reachable within 1 s
    And the pool's capacity is still 2 slots
