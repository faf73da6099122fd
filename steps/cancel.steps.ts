import { Then, When } from '@cucumber/cucumber';
import { expect } from 'chai';
import { PATIENCE } from '../support/cucumber/patience';
import type { ChaosWorld } from '../support/cucumber/world';
import { BOUNDS } from '../support/checks/bounds';
import { engineSlotsFree, keptAfterCancel } from '../support/observe/cancel';
import { tokensAfterCancel } from '../support/history/history';
import { statusBecomes, taskEnds, taskStaysCanceled } from '../support/observe/waits';
import { engineUrl } from '../support/stack/mechanisms';
import { cancelQueuedTask, cancelTask } from '../support/load/tasks';

When('the client cancels the task', async function (this: ChaosWorld) {
  expect((await cancelTask(this.client, this.timeline, this.requireFocus())).status, 'cancel answer').to.equal(204);
});

When('the client cancels the last task of the batch', async function (this: ChaosWorld) {
  this.focus = this.batch.at(-1);
  expect((await cancelTask(this.client, this.timeline, this.requireFocus())).status, 'cancel answer').to.equal(204);
});

When('the client cancels the second task while it is queued', async function (this: ChaosWorld) {
  this.focus = this.batch[1];
  expect((await cancelQueuedTask(this.client, this.timeline, this.focus)).status, 'cancel answer').to.equal(204);
});

Then('the task ends as canceled with no token after the cancel', async function (this: ChaosWorld) {
  expect(await taskEnds(this.requireFocus(), PATIENCE.taskEndMs), `outcome of task ${this.requireFocus().taskId}`).to.equal('canceled');
  expect(tokensAfterCancel(this.requireFocus()), 'tokens received beyond what the end event counts').to.deep.equal([]);
});

Then('the second task stays canceled for {duration} without a single token', async function (this: ChaosWorld, ms: number) {
  await taskStaysCanceled(this.client, this.batch[1], ms);
});

When("the client goes away from the task's stream", async function (this: ChaosWorld) {
  await this.workload.leaveOnNextToken(this.requireFocus(), PATIENCE.streamingMs);
});

Then('the task ends as canceled, as its status says', async function (this: ChaosWorld) {
  await statusBecomes(this.client, this.requireFocus(), 'canceled', PATIENCE.taskEndMs);
});

// The cancel is the client's 204-answered request, or its going away from the stream (SSE-1003: that counts as one).
Then(
  /^the orchestrator keeps no token of the task beyond (?:the cancel|what the client had when it went away)$/,
  async function (this: ChaosWorld) {
    const kept = await keptAfterCancel(this.client, this.requireFocus(), PATIENCE.taskEndMs);
    expect(kept, 'tokens the client had at the cancel, by the status, and on a read from the start').to.deep.equal({
      atCancel: kept.atCancel,
      statusTokens: kept.atCancel,
      replayedTokens: kept.atCancel,
    });
  },
);

Then(
  /^the engine of replica (r\d+) frees its slot soon after (the cancel|the client went away)$/,
  async function (this: ChaosWorld, replica: string, cancel: string) {
    const { canceledAt, leftAt } = this.requireFocus();
    const at = cancel === 'the cancel' ? canceledAt : leftAt;
    expect(at, `when ${cancel === 'the cancel' ? 'the cancel was answered 204' : 'the client went away'}`).to.be.a('number');
    const ms = await engineSlotsFree(engineUrl(this.requireStack(), replica), at!, BOUNDS.slotFreedAfterCancelMs + PATIENCE.pastBoundMs);
    this.timeline.measure('slot_freed_after_cancel_ms', ms);
    expect(ms, `ms from ${cancel} to the engine's slot free (bound ${BOUNDS.slotFreedAfterCancelMs} ms)`).to.be.at.most(
      BOUNDS.slotFreedAfterCancelMs,
    );
  },
);
