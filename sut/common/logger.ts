import { writeSync } from 'node:fs';
import pino from 'pino';

/**
 * Standard output that never takes its process down: a write that fails (a full disk under the log file, a closed
 * pipe) drops the line and counts it instead of throwing, and the next line that gets through says how many were
 * lost. A daemon whose log cannot be written keeps serving.
 */
function resilientStdout(): { write(line: string): void } {
  let dropped = 0;
  return {
    write(line: string): void {
      try {
        if (dropped > 0)
          writeSync(
            1,
            `${JSON.stringify({ level: 40, time: new Date().toISOString(), msg: 'log lines lost: stdout not writable', dropped })}\n`,
          );
        dropped = 0;
        writeSync(1, line);
      } catch {
        dropped++;
      }
    },
  };
}

/** A pino JSON logger for one service; every line carries `service` so mixed logs stay readable. */
export function createLogger(service: string): pino.Logger {
  return pino(
    { base: { service, pid: process.pid }, level: process.env.LOG_LEVEL ?? 'info', timestamp: pino.stdTimeFunctions.isoTime },
    resilientStdout(),
  );
}
