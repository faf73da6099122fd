import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import type { TaskRequest } from '../orchestrator/client';
import { type TargetProfile, tuneDefaults } from '../stack/profile';
import type { StartedStack } from '../stack/stack';

/** An undisturbed text of a request, and the rerun that produced it. */
export interface UndisturbedText {
  text: string;
  /** The rerun's task id and the scenario folder it ran in. */
  from: string;
}

/**
 * The undisturbed texts of requests already rerun on this worker's target, by what decides a text: the target (its
 * profile, the bytes of its model, its slots and tunes) and the request (prompt, seed, length, every field but the task
 * id; the seed not where the target's profile says it decides nothing, `seedDecidesText: false`). Scenarios number
 * their tasks' seeds from 1, so many of their reruns are requests an earlier scenario reran already (measured: 99 of
 * 342 on the llamacpp catalogue before its seeds were left out, 63 of 372 on the reference one): the identical-text
 * check compares against that text instead of generating it again. Only completed, uncanceled reruns are kept; a
 * scenario whose pool changed its model (a reload) neither reads nor writes here.
 */
export class UndisturbedTexts {
  private readonly texts = new Map<string, UndisturbedText>();

  get(target: string, request: TaskRequest, seedDecidesText = true): UndisturbedText | undefined {
    return this.texts.get(textKeyOf(target, request, seedDecidesText));
  }

  set(target: string, request: TaskRequest, text: UndisturbedText, seedDecidesText = true): void {
    this.texts.set(textKeyOf(target, request, seedDecidesText), text);
  }

  get size(): number {
    return this.texts.size;
  }
}

/**
 * What decides the text of `request` on `target`, as one string: two requests with the same key get the same text
 * from an undisturbed run. Every field but the task id, and but the seed where `seedDecidesText` is false.
 */
export function textKeyOf(target: string, request: TaskRequest, seedDecidesText = true): string {
  const { task_id: _, ...rest } = request;
  if (!seedDecidesText) delete rest.seed;
  return `${target}\n${JSON.stringify(rest, Object.keys(rest).sort())}`;
}

/** One per worker process: every scenario it runs reads and fills it. */
export const undisturbedTexts = new UndisturbedTexts();

const digests = new Map<string, string>();

/** The sha256 of a file, read once per path, size and modification time. */
function digestOf(file: string): string {
  const s = statSync(file);
  const id = `${file}:${s.size}:${s.mtimeMs}`;
  let digest = digests.get(id);
  if (!digest) {
    digest = createHash('sha256').update(readFileSync(file)).digest('hex');
    digests.set(id, digest);
  }
  return digest;
}

/**
 * The tunes that may decide an engine's text, each with its value for `tunes` (the profile's default where the scenario
 * sets none, so that a tune set to its default is the same target): every tune the profile passes to anything but its
 * orchestrator. The orchestrator does not run the model: its tunes (admission, queue, breakers, failover) decide which
 * replica serves a task and when, not the text a replica generates for it. (A text it did change would differ from an
 * earlier rerun's on another stack, and fail the identical-text check: a memo across those tunes is no looser.) The
 * pool manager's tunes stay: the engines it starts inherit its environment.
 */
export function tunesDecidingTexts(profile: TargetProfile, tunes: Record<string, string>): [string, string][] {
  const { orchestrator: _, ...others } = profile.components;
  return [...tuneDefaults({ ...profile, components: others })]
    .map(([name, fallback]): [string, string] => [name, tunes[name] ?? fallback])
    .sort(([a], [b]) => a.localeCompare(b));
}

/**
 * What decides the texts a stack generates, besides the request: the target profile, its model's bytes, slots, and
 * the tunes that reach its engines (tunesDecidingTexts).
 * Undefined when the model file cannot be read (a scenario took it away): then nothing is memoized.
 */
export function targetIdentity(stack: StartedStack): string | undefined {
  const { slots, tunes } = stack.request;
  let model: string;
  try {
    model = digestOf(stack.modelFile);
  } catch {
    return undefined;
  }
  return JSON.stringify({
    profile: stack.profile.file,
    model,
    slots: slots ?? stack.profile.pool.slots,
    tunes: tunesDecidingTexts(stack.profile, tunes ?? {}),
  });
}
