@ORCH-3050 @ORCH-3051 @HTU-1002
Feature: Intermittent failures
  Random connection drops are absorbed by retries the client never sees. The orchestrator opens one connection per
  dispatch, so a share of connections reset as they open is a share of dispatches failing before their first token.

  # The promise is probabilistic, so it is stated with its arithmetic. Each dispatch is its own connection, reset
  # as it opens with probability p = 1/4 (before the request reaches an engine, so no engine is left busy), and the
  # product's default retry budget of 3 failures per task fails a task only when 3 dispatches in a row are reset:
  # p^3 = 1/64 per task. For 80 tasks the number that fail is Binomial(80, 1/64), mean 1.25; P(more than 7 fail) is
  # 3.8e-5, so a correct stack fails this scenario about once in 26 000 runs. A stack that never retries fails a task
  # with p = 1/4: Binomial(80, 1/4), mean 20, and P(at most 7 fail) is 2.0e-4, so the count the client sees catches it
  # in all but about 1 run in 5 000, without the stack's own retry metric.
  # The client keeps 8 tasks in flight at a time (closed loop), so the bounded queue is not what this scenario tests.
  # A task refused because every replica was out of rotation at that moment counts as failed too, which the
  # arithmetic above leaves out. It was not rare: the replicas' breakers counted failures in the order dispatches
  # ended, so a reset in 3 ms counted against a replica whose earlier dispatch was still streaming, and breakers opened
  # several times a second; with 2 CPU-bound processes beside the run, 1 run in 10 failed (10 tasks not completed),
  # and so did a full run on a quiet machine (11: 8 of them refused in one burst). The breakers now count failures in
  # a row in the order dispatches are sent, and a replica that completes a dispatch is reachable whatever its last
  # probes met: 20 runs beside the same load passed; in the 10 counted, no refusal and 0-3 tasks failed.
  @CHAOS-002 @fault:network.reset
  Scenario: with 1 in 4 connections to the engines reset, at most 7 of 80 tasks fail, retriably, and the retries show in the metrics
    Given a healthy pool of 3 replicas
    When 1 in 4 connections from the orchestrator to the engines are reset
    And a client submits 80 tasks of 5 tokens each, 8 at a time
    Then at most 7 of them fail, each with a retriable error
    And every stream is well formed
    And the orchestrator's metrics show dispatch retries
    When the network heals
    Then a new task completes within 2 s
