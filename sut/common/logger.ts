import pino from 'pino';

/** A pino JSON logger for one service; every line carries `service` so mixed logs stay readable. */
export function createLogger(service: string): pino.Logger {
  return pino({ base: { service, pid: process.pid }, level: process.env.LOG_LEVEL ?? 'info', timestamp: pino.stdTimeFunctions.isoTime });
}
