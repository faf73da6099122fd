import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { expect } from 'chai';
import { engineGenerating } from '../../support/faults/engine-slots';

/** A stand-in engine whose `/slots` answers what `slots` holds at the time of the request. */
function fakeEngine(): { server: Server; url: () => string; slots: unknown[] } {
  const state = { slots: [] as unknown[] };
  const server = createServer((_req, res) => res.end(JSON.stringify(state.slots)));
  return {
    server,
    url: () => `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get slots() {
      return state.slots;
    },
    set slots(v: unknown[]) {
      state.slots = v;
    },
  };
}

const generating = (remain: number) => [{ is_processing: true, next_token: [{ n_decoded: 3, n_remain: remain }] }];
const idle = [{ is_processing: false }];

describe('faults that act only on an engine at work wait for one, or refuse to apply', () => {
  const busy = fakeEngine();
  const quiet = fakeEngine();
  before(async () => {
    await Promise.all([busy, quiet].map((e) => new Promise<void>((r) => e.server.listen(0, '127.0.0.1', r))));
  });
  after(() => {
    busy.server.close();
    quiet.server.close();
  });

  it('confirms a slot generating with enough tokens to come, and names what it saw when none does', async () => {
    busy.slots = generating(20);
    expect((await engineGenerating(busy.url(), 10)).verdict).to.equal('confirmed');
    busy.slots = generating(4);
    const few = await engineGenerating(busy.url(), 10, 60);
    expect(few.verdict).to.equal('mismatch');
    expect(few.observed).to.include({ slots_generating_with_10_tokens_to_come: 0 });
  });

  it('finds no slot generating on an idle engine, whatever it waits', async () => {
    quiet.slots = idle;
    expect((await engineGenerating(quiet.url(), 1, 50)).verdict).to.equal('mismatch');
  });
});
