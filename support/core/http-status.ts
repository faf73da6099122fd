/**
 * The HTTP status `url` answers within `timeoutMs` (a POST of `body` as JSON when given), or what went wrong: the
 * socket's error code where there is one (ECONNREFUSED), else the error's message. Its body is read and dropped.
 */
export async function httpStatus(url: string, timeoutMs: number, body?: unknown): Promise<number | string> {
  try {
    const res = await fetch(url, {
      method: body === undefined ? 'GET' : 'POST',
      headers: body === undefined ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.arrayBuffer();
    return res.status;
  } catch (err) {
    return (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
  }
}
