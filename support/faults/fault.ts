/**
 * A fault kind's name, e.g. `process.kill`: the kinds are declared in their own files and listed by the registry
 * (support/faults/registry.ts derives the `FaultKind` union from it).
 */
export type FaultKindName = string;

/** Proof (or the lack of it) that a fault took effect. */
export interface Evidence {
  verdict: 'confirmed' | 'mismatch' | 'inconclusive';
  observed: Record<string, unknown>;
}

export interface FaultContext {
  signal: AbortSignal;
  log: (line: string) => void;
}

/**
 * A disruption we can apply to the running target and undo. One implementation per file in this folder.
 * `verify()` gathers evidence and never throws on a mismatch; `heal()` is idempotent and safe after a failed inject.
 */
export interface Fault {
  readonly kind: FaultKindName;
  describe(): string;
  inject(ctx: FaultContext): Promise<void>;
  verify(ctx: FaultContext): Promise<Evidence>;
  heal(ctx: FaultContext): Promise<void>;
}

/** Optional capability: proves, before the fault is injected, that it will act on the path the stack really uses. */
export interface Preflighted {
  preflight(ctx: FaultContext): Promise<Evidence>;
}

/** Optional capability: proves, after heal, that the fault is gone and the system can use the path again. */
export interface HealVerified {
  verifyHealed(ctx: FaultContext): Promise<Evidence>;
}

export function isPreflighted(f: Fault): f is Fault & Preflighted {
  return typeof (f as Partial<Preflighted>).preflight === 'function';
}

export function isHealVerified(f: Fault): f is Fault & HealVerified {
  return typeof (f as Partial<HealVerified>).verifyHealed === 'function';
}

/** Optional capability: what must outlive the heal until the scenario is judged (a mount holding the target's logs). */
export interface Disposable {
  dispose(): Promise<void>;
}

export function isDisposable(f: Fault): f is Fault & Disposable {
  return typeof (f as Partial<Disposable>).dispose === 'function';
}
