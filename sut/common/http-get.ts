import http from 'node:http';

/*
 * GETs of the daemons' own polls and probes, on node:http: one fresh connection each (no keep-alive), so that a
 * per-connection network fault hits a poll as it hits a dispatch. Not `fetch`: measured 2026-12-07, undici's fetch was
 * a quarter of the pool manager's JavaScript time in a stack's first seconds (its health checks poll each starting
 * engine every 10 ms); with these, a 3-replica stack used about 650 ms of CPU until ready against 800 ms.
 */

/** GET `url` on a fresh connection (no keep-alive): a per-connection network fault hits probes as it hits dispatches. */
export function probe(url: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false, timeout: timeoutMs, headers: { connection: 'close' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode === 200));
      res.on('error', () => resolve(false));
    });
    req.on('timeout', () => req.destroy(new Error('probe timeout')));
    req.on('error', () => resolve(false));
  });
}

/**
 * GET `url` on a fresh connection and resolve its body (200 only; anything else rejects): like `probe`, one connection
 * per poll, so a per-connection network fault hits the pool-manager poll as it hits probes and dispatches.
 */
export function getText(url: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false, timeout: timeoutMs, headers: { connection: 'close' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`${url} answered ${res.statusCode}`))));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
  });
}
