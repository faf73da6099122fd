@OC-CTRL-2034
Feature: Requests the contract does not allow
  An error before a stream is an HTTP status with the error envelope. A task request with a field of the wrong type,
  a value outside its list, or a field missing is refused at once with 400, its message naming the field, and is not
  worth retrying: nothing of it is admitted, and the pool serves the valid tasks that follow.

  @fault:none
  Scenario: requests the contract does not allow are refused at once, naming the field, and the pool serves on
    Given a healthy pool of 3 replicas
    When a client submits 3 requests, each with one field the contract does not allow
    Then each of those requests is refused at once as "INVALID_PARAMS", naming its field, not retriable
    When a client submits 6 tasks of 20 tokens each
    Then every task completes
    And the orchestrator reports healthy
