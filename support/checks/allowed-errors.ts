/**
 * The codes allowed in a scenario with these fault kinds and these codes its steps expect: each kind's row of `table`
 * (the registry's ALLOWED_ERRORS, derived from the kinds' declarations, support/faults/registry.ts), handed in so that
 * the checks judge by the table without importing the faults. A code outside the rows fails the history check.
 */
export function allowedCodes(
  table: Readonly<Record<string, readonly string[]>>,
  faultKinds: string[],
  expected: Iterable<string> = [],
): Set<string> {
  return new Set([...faultKinds.flatMap((k) => table[k] ?? []), ...expected]);
}
