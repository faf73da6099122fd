import { InvalidConfiguration } from '../core/errors';

/** Reads a profile's fields by type; every failure names the profile's file and the field. */
export class Validator {
  constructor(private readonly file: string) {}

  fail(field: string, rule: string, got: unknown): never {
    throw new InvalidConfiguration(`Target profile ${this.file}: field \`${field}\` ${rule}, got \`${JSON.stringify(got)}\``);
  }

  object(x: unknown, field: string): Record<string, unknown> {
    if (typeof x !== 'object' || x === null || Array.isArray(x)) this.fail(field, 'must be an object', x);
    return x as Record<string, unknown>;
  }

  string(x: unknown, field: string): string {
    if (typeof x !== 'string' || x === '') this.fail(field, 'must be a non-empty string', x);
    return x as string;
  }

  boolean(x: unknown, field: string): boolean {
    if (typeof x !== 'boolean') this.fail(field, 'must be true or false', x);
    return x as boolean;
  }

  positiveInt(x: unknown, field: string): number {
    if (!Number.isInteger(x) || (x as number) <= 0) this.fail(field, 'must be a positive integer', x);
    return x as number;
  }

  nonNegativeInt(x: unknown, field: string): number {
    if (!Number.isInteger(x) || (x as number) < 0) this.fail(field, 'must be a non-negative integer', x);
    return x as number;
  }

  stringArray(x: unknown, field: string): string[] {
    if (!Array.isArray(x) || x.some((s) => typeof s !== 'string')) this.fail(field, 'must be an array of strings', x);
    return x as string[];
  }

  stringMap(x: unknown, field: string): Record<string, string> {
    const o = this.object(x, field);
    for (const [k, s] of Object.entries(o)) if (typeof s !== 'string') this.fail(`${field}.${k}`, 'must be a string', s);
    return o as Record<string, string>;
  }
}
