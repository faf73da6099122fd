/** Typed readers for the environment: every timing of the stack comes from here, so tests run in scaled time. */

/** Reads a non-negative integer from `process.env[name]`, or `fallback`; throws naming the variable when malformed. */
export function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    throw new Error(`Expected \`${name}\` to be a non-negative integer, got \`${raw}\``);
  }
  return value;
}

/** Reads a string from `process.env[name]`, or `fallback`. */
export function envStr(name: string, fallback: string): string {
  const raw = process.env[name];
  return raw === undefined || raw === '' ? fallback : raw;
}

/** Splits `host:port` (as in `ORCHD_ADDR`) into its parts; throws naming the variable when malformed. */
export function envAddr(name: string, fallback: string): { host: string; port: number } {
  const raw = envStr(name, fallback);
  const match = /^(.+):(\d+)$/.exec(raw);
  if (!match) throw new Error(`Expected \`${name}\` to be host:port, got \`${raw}\``);
  return { host: match[1], port: Number(match[2]) };
}
