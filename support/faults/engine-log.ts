import { readFileSync } from 'node:fs';
import { WaitTimedOut } from '../core/errors';
import { eventually } from '../core/eventually';
import type { FaultContext } from './fault';

/** How long an engine's last output may take to reach its log file (a pipe drained and a stream flushed), ms. */
export const LOG_FLUSH_MS = 1000;

/** The size of a log file now (0 when absent): where a fault's evidence starts. */
export function logSize(file: string): number {
  return readLog(file).length;
}

/** The first line of `file` written after `offset` that matches `pattern`, now. */
export function logLineNow(file: string, offset: number, pattern: RegExp): string | undefined {
  return readLog(file)
    .subarray(offset)
    .toString('utf8')
    .split('\n')
    .find((l) => pattern.test(l));
}

/**
 * That line, once whoever writes the engine's log has written what the engine put out: waited for up to
 * LOG_FLUSH_MS; undefined when none came in that time.
 */
export async function awaitLogLine(file: string, offset: number, pattern: RegExp, ctx: FaultContext): Promise<string | undefined> {
  const found = await eventually(
    `the line "${pattern.source}" in ${file}`,
    async () => {
      const line = logLineNow(file, offset, pattern);
      return { ok: line !== undefined, seen: line ?? 'no such line yet', value: line };
    },
    { withinMs: LOG_FLUSH_MS, everyMs: 10, signal: ctx.signal },
  ).catch((err) => {
    if (err instanceof WaitTimedOut) return undefined;
    throw err;
  });
  return found?.value;
}

function readLog(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch {
    return Buffer.alloc(0);
  }
}
