/** The signals that ask a process of ours to stop, with the exit code a shell gives each (128 + its number). */
export const STOP_SIGNALS = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;
export type StopSignal = keyof typeof STOP_SIGNALS;

/**
 * Calls `stop` at the first of `signals`, and `again` (if given) at each later one, which otherwise changes nothing: a
 * second Ctrl-C, or the SIGTERM a wrapper (npm, timeout) forwards after the SIGINT, must not end the process by the
 * signal's default action halfway through its stop, as a listener that serves once lets it (seen: `npm run stack`
 * left daemons running 1 time in 3, a run on 2 workers its stacks 2 times in 3).
 */
export function onStopSignal(
  signals: readonly StopSignal[],
  stop: (signal: StopSignal) => void,
  again?: (signal: StopSignal, first: StopSignal) => void,
): void {
  let first: StopSignal | undefined;
  for (const signal of signals) {
    process.on(signal, () => {
      if (first) return again?.(signal, first);
      first = signal;
      stop(signal);
    });
  }
}
