'use strict';
/**
 * The dispatch taps' own thread (support/stack/dispatch-tap.ts): every tap of a process relays its link's bytes and
 * stamps its requests here, off the suite's main event loop, so that neither a busy main thread (checks, the
 * workload's streams, a garbage collection) delays the bytes of the streams it relays nor the times it stamps.
 *
 * Messages in: {op:'start', id, host, port} | {op:'stop', id} | {op:'sync', id, seq}.
 * Messages out: {op:'started', id, port} | {op:'failed', id, error} | {op:'request', id, k, method, path, at} |
 * {op:'status', id, k, status} | {op:'ended', id, k, at} | {op:'stopped', id} | {op:'synced', id, seq}.
 */
const net = require('node:net');
const { parentPort } = require('node:worker_threads');
const { HTTPParser } = require('http-parser-js');

/**
 * A request line, wherever it starts: right after the previous request's body too, which need not end in a line break.
 * A JSON body cannot hold one (its line breaks are escaped).
 */
const REQUEST_LINE = /(?<![A-Za-z])([A-Z]+) (\/\S*) HTTP\/1\.[01]\r\n/g;
/** Enough of the previous chunk to find a request line split across two chunks. */
const CARRY = 2048;

/** Tap id → { server, sockets, next } */
const taps = new Map();

parentPort.on('message', (msg) => {
  if (msg.op === 'start') start(msg.id, msg.host, msg.port);
  else if (msg.op === 'stop') stop(msg.id);
  else if (msg.op === 'sync') parentPort.postMessage({ op: 'synced', id: msg.id, seq: msg.seq });
});

function start(id, host, port) {
  const tap = { server: undefined, sockets: new Set(), next: 0 };
  tap.server = net.createServer((client) => relay(id, tap, client, host, port));
  tap.server.once('error', (err) => parentPort.postMessage({ op: 'failed', id, error: err.message }));
  tap.server.listen(0, '127.0.0.1', () => {
    taps.set(id, tap);
    parentPort.postMessage({ op: 'started', id, port: tap.server.address().port });
  });
}

function stop(id) {
  const tap = taps.get(id);
  if (!tap) return parentPort.postMessage({ op: 'stopped', id });
  for (const s of tap.sockets) s.destroy();
  tap.server.close(() => {
    taps.delete(id);
    parentPort.postMessage({ op: 'stopped', id });
  });
}

function relay(id, tap, client, host, port) {
  const server = net.connect({ host, port });
  tap.sockets.add(client).add(server);
  // This connection's requests whose response has not ended yet, oldest first (HTTP/1.1 answers in order).
  const open = [];
  const endOldest = () => {
    const k = open.shift();
    if (k !== undefined) parentPort.postMessage({ op: 'ended', id, k, at: Date.now() });
  };
  let sent = '';
  client.on('data', (chunk) => {
    const text = sent + chunk.toString('latin1');
    for (const m of text.matchAll(REQUEST_LINE)) {
      if ((m.index ?? 0) + m[0].length <= sent.length) continue; // found in the previous chunk already
      // A client sends its next request on a connection once the previous response has ended.
      while (open.length > 0) endOldest();
      const k = tap.next++;
      open.push(k);
      parentPort.postMessage({ op: 'request', id, k, method: m[1], path: m[2], at: Date.now() });
    }
    sent = text.slice(-CARRY);
  });
  // The responses, framed by an HTTP parser (a chunked body's last chunk, a Content-Length), each ends the oldest.
  const responses = new HTTPParser(HTTPParser.RESPONSE);
  responses[HTTPParser.kOnHeadersComplete] = (info) => {
    if (open[0] !== undefined) parentPort.postMessage({ op: 'status', id, k: open[0], status: info.statusCode });
  };
  responses[HTTPParser.kOnMessageComplete] = endOldest;
  server.on('data', (chunk) => {
    if (responses.execute(chunk) instanceof Error) responses[HTTPParser.kOnMessageComplete] = () => undefined;
  });
  const end = () => {
    while (open.length > 0) endOldest();
    client.destroy();
    server.destroy();
    tap.sockets.delete(client);
    tap.sockets.delete(server);
  };
  client.pipe(server);
  server.pipe(client);
  for (const s of [client, server]) {
    s.on('error', end);
    s.on('close', end);
  }
}
