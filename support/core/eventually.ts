import { setTimeout as delay } from 'node:timers/promises';
import { ConditionBroken, WaitTimedOut } from './errors';
import { WaitProgress } from './progress';
import { timed } from './time-split';
import { recordWait } from './wait-journal';

export interface EventuallyOptions {
  /** Limit, ms. */
  withinMs: number;
  /** Poll interval, ms. */
  everyMs?: number;
  signal?: AbortSignal;
}

/** The outcome of one poll: `ok` ends the wait; `seen` describes what was observed, for the error message. */
export interface Observation<T> {
  ok: boolean;
  seen: string;
  value?: T;
}

/**
 * Polls `probe` until it reports ok, or throws `WaitTimedOut` naming the condition, the limit and what was last seen.
 * A probe that throws counts as "not yet" and its error becomes the last observation. Never a fixed sleep: this is
 * the one way the suite waits for a condition.
 */
export async function eventually<T>(
  condition: string,
  probe: () => Promise<Observation<T>>,
  options: EventuallyOptions,
): Promise<{ value?: T; elapsedMs: number }> {
  return timed('waits for a state of the stack', () => poll(condition, probe, options));
}

async function poll<T>(
  condition: string,
  probe: () => Promise<Observation<T>>,
  options: EventuallyOptions,
): Promise<{ value?: T; elapsedMs: number }> {
  const started = Date.now();
  const everyMs = options.everyMs ?? 20;
  const progress = new WaitProgress(condition, options.withinMs);
  let seen = 'nothing observed yet';
  try {
    for (;;) {
      progress.tick();
      options.signal?.throwIfAborted();
      try {
        const observation = await probe();
        seen = observation.seen;
        if (observation.ok) {
          recordWait(condition, Date.now() - started, options.withinMs, true);
          return { value: observation.value, elapsedMs: Date.now() - started };
        }
      } catch (err) {
        seen = `probe failed: ${(err as Error).message}`;
      }
      if (Date.now() - started >= options.withinMs) {
        recordWait(condition, Date.now() - started, options.withinMs, false);
        throw new WaitTimedOut(`${condition}: not reached within ${options.withinMs} ms (last seen: ${seen})`);
      }
      await delay(everyMs, undefined, { signal: options.signal });
    }
  } finally {
    progress.done();
  }
}

/**
 * The opposite wait: polls `probe` for `forMs` and throws `WaitTimedOut`-style `ConditionBroken` naming the condition
 * and what was seen the first time it did not hold. "Stays canceled" is a claim about a stretch of time, not a moment.
 */
export async function holds<T>(
  condition: string,
  probe: () => Promise<Observation<T>>,
  options: { forMs: number; everyMs?: number },
): Promise<number> {
  return timed('stated durations (contract bounds, Gherkin times)', () => holdsFor(condition, probe, options));
}

async function holdsFor<T>(
  condition: string,
  probe: () => Promise<Observation<T>>,
  options: { forMs: number; everyMs?: number },
): Promise<number> {
  const started = Date.now();
  let samples = 0;
  for (;;) {
    const observation = await probe();
    samples++;
    if (!observation.ok)
      throw new ConditionBroken(`${condition}: broken after ${Date.now() - started} ms of ${options.forMs} ms (seen: ${observation.seen})`);
    if (Date.now() - started >= options.forMs) return samples;
    await delay(options.everyMs ?? 20);
  }
}
