import { InvalidConfiguration } from '../core/errors';
import type { TargetProfile } from './profile';

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

/** What the placeholders of one stack stand for that is known before start-up. */
export interface PlaceholderValues {
  dir: string;
  root: string;
  model: string;
  gpuInventory: string;
  slots: number;
  replicaIds: string[];
  tunes: Record<string, string>;
}

/**
 * The values of one stack's placeholders (profile.ts lists them): fixed ones given up front, ports allocated by
 * `allocatePorts`, proxy addresses and generated files filled in as they are created. A placeholder used before its
 * value exists, or one the renderer does not know, throws `InvalidConfiguration` naming it.
 */
export class Placeholders {
  readonly ports = new Map<string, number>();
  readonly proxies = new Map<string, string>();
  readonly files = new Map<string, string>();

  constructor(
    private readonly profile: TargetProfile,
    private readonly values: PlaceholderValues,
  ) {}

  resolve(name: string): unknown {
    const [kind, arg] = splitOnce(name, ':');
    const v = this.values;
    switch (kind) {
      case 'port':
        return need(this.ports.get(arg), name);
      case 'proxy':
        return need(this.proxies.get(arg), name);
      case 'file':
        return need(this.files.get(arg), name);
      case 'tune': {
        const [tune, fallback] = splitOnce(arg, '|');
        return v.tunes[tune] ?? fallback;
      }
      case 'dir':
        return v.dir;
      case 'root':
        return v.root;
      case 'model':
        return v.model;
      case 'gpu-inventory':
        return v.gpuInventory;
      case 'pool.id':
        return this.profile.pool.id;
      case 'pool.slots':
        return v.slots;
      case 'replicas':
        return v.replicaIds.map((r) => render(this.profile.replica, (n) => this.resolve(n), r));
      default:
        throw new InvalidConfiguration(`Target profile ${this.profile.file}: unknown placeholder \${${name}}`);
    }
  }

  /** Gives every `${port:NAME}` of the profile a port from `allocate` (a name with `${replica}`: one per replica). */
  async allocatePorts(allocate: () => Promise<number>): Promise<void> {
    const names = new Set<string>();
    for (const m of JSON.stringify(this.profile).matchAll(/\$\{port:((?:\$\{replica\}|[^{}])+)\}/g)) {
      const raw = m[1];
      if (raw.includes('${replica}')) for (const r of this.values.replicaIds) names.add(raw.replace(/\$\{replica\}/g, r));
      else names.add(raw);
    }
    for (const name of names) this.ports.set(name, await allocate());
  }
}

function splitOnce(s: string, sep: string): [string, string] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, ''] : [s.slice(0, i), s.slice(i + 1)];
}

function need<T>(value: T | undefined, name: string): T {
  if (value === undefined)
    throw new InvalidConfiguration(`Placeholder \${${name}} has no value yet (a proxy or file used before it is created?)`);
  return value;
}
