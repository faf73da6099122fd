@ORCH-3050 @ORCH-3051 @ORCH-1102 @ORCH-3018 @OC-POOL-3003
Feature: GPU unavailable
  llama-orch is GPU only: with no GPU there is no CPU fallback. When the devices vanish, the engines go down, the
  pool says why, and new tasks are refused at once with a retry hint; when the GPU is back, the pool serves again.

  # A GPU pool on an engine that cannot use a GPU would be a CPU fallback in disguise: refused before it serves. On the
  # real-engine profile the engine is llama-server's own CPU build, and the GPU the pool is set on a host inventory.
  @needs:cpu-build-engine @fault:none
  Scenario: a GPU pool whose engines are built without GPU support is refused, saying why, and serves nothing
    Given a pool of 1 replica whose engines are built without GPU support
    Then the pool says its engines cannot serve a GPU pool
    And a new task is refused as "POOL_UNREADY" with a retry hint

  @needs:gpu-inventory @fault:gpu.unavailable
  Scenario: with the GPU gone the engines fail, the pool says why and new tasks are refused fast; with it back the pool serves again
    Given engines are restarted 100 ms after a first crash, doubling each time
    And the breaker opens after 20 consecutive crashes for 1 s
    And a healthy pool of 2 replicas
    And a steady load of 5 tasks per second of 10 tokens each
    When the GPU vanishes
    Then the pool reports unready within 3 s
    And the pool says its engines find no GPU when they start
    And within 1 s new tasks are refused fast as "POOL_UNAVAILABLE" with a retry hint
    And the orchestrator stays live
    When the GPU comes back
    Then the pool is ready again within 5 s
    And a new task completes within 3 s
