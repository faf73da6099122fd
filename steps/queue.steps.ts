import { Given, Then } from '@cucumber/cucumber';
import { expect } from 'chai';
import { PATIENCE } from '../support/cucumber/patience';
import type { ChaosWorld } from '../support/cucumber/world';
import { BOUNDS } from '../support/checks/bounds';
import { terminalOf } from '../support/history/history';
import { taskEndsAfterFault } from '../support/observe/tasks';

Given('tasks wait at most {duration} in the queue', function (this: ChaosWorld, ms: number) {
  this.settings.tunes['queue-timeout-ms'] = String(ms);
});

Then('the second task fails with a retriable {error code} error at the queue timeout', async function (this: ChaosWorld, code: string) {
  this.focus = this.batch[1];
  this.expectedErrors.add(code);
  const timeoutMs = this.requireQueueTimeout();
  const { error } = await taskEndsAfterFault(this.focus, this.timeline, timeoutMs + PATIENCE.pastBoundMs);
  const waitedMs = terminalOf(this.focus)!.at - this.focus.submittedAt;
  this.timeline.measure('queued_until_error_ms', waitedMs);
  expect(error, `the second task's end`).to.include({ code, retriable: true });
  expect(
    waitedMs,
    `failed ${waitedMs} ms after its submission (queue timeout ${timeoutMs} ms + ${BOUNDS.queueTimeoutSlackMs} ms)`,
  ).to.be.within(timeoutMs, timeoutMs + BOUNDS.queueTimeoutSlackMs);
});
