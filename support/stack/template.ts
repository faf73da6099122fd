/**
 * Fills a profile value's `${...}` placeholders. A string that is exactly one placeholder takes the resolved value
 * as is (a number, an array); otherwise values are interpolated as text. `replica`, when given, is substituted first,
 * so `${port:engine-${replica}}` names one port per replica.
 */
export function render(value: unknown, resolve: (placeholder: string) => unknown, replica?: string): unknown {
  if (typeof value === 'string') {
    const text = replica === undefined ? value : value.replace(/\$\{replica\}/g, replica);
    const whole = /^\$\{([^{}]+)\}$/.exec(text);
    if (whole) return resolve(whole[1]);
    return text.replace(/\$\{([^{}]+)\}/g, (_, name: string) => String(resolve(name)));
  }
  if (Array.isArray(value)) return value.map((v) => render(v, resolve, replica));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, render(v, resolve, replica)]));
  }
  return value;
}

/** Renders a map of strings (an environment) and stringifies every value. */
export function renderEnv(env: Record<string, string>, resolve: (placeholder: string) => unknown): Record<string, string> {
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(render(v, resolve))]));
}
