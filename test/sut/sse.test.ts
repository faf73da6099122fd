import { describe, it } from 'node:test';
import { expect } from 'chai';
import { createParser, EventSourceMessage } from 'eventsource-parser';
import { formatSse, formatSseComment } from '../../sut/common/sse';

describe('SSE framing', () => {
  it('frames an event with name, id and one JSON data line', () => {
    expect(formatSse({ event: 'token', id: 3, data: { t: 'hi', i: 3 } })).to.equal('event: token\nid: 3\ndata: {"t":"hi","i":3}\n\n');
  });

  it('round-trips through a standard parser, comments ignored, split anywhere', () => {
    const text =
      formatSse({ event: 'started', data: { queue_position: 0 } }) +
      formatSseComment('keep-alive') +
      formatSse({ event: 'token', id: 0, data: { t: 'a\nb', i: 0 } }) +
      formatSse({ event: 'end', data: { tokens_out: 1 } });
    const seen: EventSourceMessage[] = [];
    const parser = createParser({ onEvent: (e) => seen.push(e) });
    for (let i = 0; i < text.length; i += 7) parser.feed(text.slice(i, i + 7));
    expect(seen.map((e) => [e.event, e.id, JSON.parse(e.data)])).to.deep.equal([
      ['started', undefined, { queue_position: 0 }],
      ['token', '0', { t: 'a\nb', i: 0 }],
      ['end', undefined, { tokens_out: 1 }],
    ]);
  });
});
