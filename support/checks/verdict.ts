/** A check's verdict (Jepsen): false outranks 'unknown', which outranks true. */
export interface Verdict {
  check: string;
  valid: true | false | 'unknown';
  detail: string;
}

/** Merges verdicts: any false makes the whole false, else any unknown makes it unknown. */
export function compose(verdicts: Verdict[]): Verdict['valid'] {
  if (verdicts.some((v) => v.valid === false)) return false;
  if (verdicts.some((v) => v.valid === 'unknown')) return 'unknown';
  return true;
}

/** A verdict from a list of problems: none is a pass (with `ok` as detail), any is a failure listing the first 20. */
export function verdictOf(check: string, problems: string[], ok: string): Verdict {
  return problems.length === 0
    ? { check, valid: true, detail: ok }
    : { check, valid: false, detail: `${problems.length} problem(s): ${problems.slice(0, 20).join('; ')}` };
}
