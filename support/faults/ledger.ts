import { FaultNotApplicable, FaultNotConfirmed, HealFailed } from '../core/errors';
import { refuseWhenStopping } from '../core/stopping';
import { timed } from '../core/time-split';
import type { Timeline } from '../core/timeline';
import { type Evidence, type Fault, type FaultContext, isDisposable, isHealVerified, isPreflighted } from './fault';

/** What happened to one fault, for the report. */
export interface FaultRecord {
  kind: string;
  description: string;
  /** What the fault acts on, in the scenario's words ("the engine of r1", "the link to r2"), when a step named it. */
  subject?: string;
  injectedAt?: number;
  verifiedAt?: number;
  healedAt?: number;
  /**
   * When its heal began (the heal's call made; healedAt is when it returned): a toxic's removal may wait for the
   * connections through its proxy, and the fault may stop acting anywhere in between.
   */
  healStartedAt?: number;
  evidence?: Evidence;
  /** Proof, before the inject, that the fault acts on the stack's real path (its traffic, its process). */
  preflight?: Evidence;
  /** Proof, after the heal, that the fault is gone. */
  healEvidence?: Evidence;
  healError?: string;
}

/**
 * When an operation drawn as a fault (a reload, a graceful restart) was requested (epoch ms) and the deadline it gave
 * the work in flight, from its confirmed evidence: the last of `kind` on `subject`, or undefined when none was
 * confirmed.
 */
export function operationRequest(records: FaultRecord[], kind: string, subject: string): { at: number; deadlineMs: number } | undefined {
  const record = records.filter((r) => r.kind === kind && r.subject === subject && r.evidence?.verdict === 'confirmed').at(-1);
  const { requested_at: at, deadline_ms: deadlineMs } = (record?.evidence?.observed ?? {}) as {
    requested_at?: number;
    deadline_ms?: number;
  };
  return at === undefined || deadlineMs === undefined ? undefined : { at, deadlineMs };
}

/**
 * Every fault of a scenario, in the order applied. `apply()` registers a fault for healing *before* injecting it (so a
 * half-done inject is still undone), then injects and verifies it; a verdict other than `confirmed` fails the step.
 * `healAll()` undoes them in reverse order, each at most once, and reports heal errors without hiding anything else.
 */
export class FaultLedger {
  private readonly entries: { fault: Fault; record: FaultRecord; healed: boolean }[] = [];
  private readonly abort = new AbortController();
  /**
   * Called with each fault's record (its subject set) after its preflight and before the moment it waits for and its
   * inject: what a later step compares against is read here (the world reads the pool's view of an engine about to die).
   */
  beforeInject?: (record: FaultRecord) => Promise<void>;

  constructor(
    private readonly timeline: Timeline,
    private readonly log: (line: string) => void = () => undefined,
  ) {}

  get context(): FaultContext {
    return { signal: this.abort.signal, log: this.log };
  }

  /**
   * Registers a fault for healing before it is applied, for a fault whose set-up happens in a Given step (a disk
   * mounted before the target starts); `apply()` of the same fault later reuses the entry.
   */
  register(fault: Fault): void {
    refuseWhenStopping(fault.describe());
    if (!this.entries.some((e) => e.fault === fault))
      this.entries.push({ fault, record: { kind: fault.kind, description: fault.describe() }, healed: false });
  }

  /**
   * Applies a fault; `subject` names what it acts on, so that a later step can heal just that ({@link healSubject});
   * `moment`, when given, is awaited after the preflight and right before the inject (a state the fault must meet).
   */
  async apply(fault: Fault, subject?: string, moment?: () => Promise<unknown>): Promise<Evidence> {
    let entry = this.entries.find((e) => e.fault === fault);
    if (!entry) {
      entry = { fault, record: { kind: fault.kind, description: fault.describe() }, healed: false };
      this.entries.push(entry);
    }
    const record = entry.record;
    if (subject !== undefined) record.subject = subject;
    if (isPreflighted(fault)) {
      record.preflight = await fault.preflight(this.context);
      this.timeline.record('fault', 'fault.preflight', {
        kind: fault.kind,
        verdict: record.preflight.verdict,
        observed: record.preflight.observed,
      });
      if (record.preflight.verdict !== 'confirmed')
        throw new FaultNotApplicable(
          `Fault not applied: ${record.description}: expected it to act on the stack's real path but the preflight verdict is ${record.preflight.verdict} (evidence: ${JSON.stringify(record.preflight.observed)})`,
        );
    }
    await this.beforeInject?.(record);
    // The moment the scenario waits for (a victim streaming), after the preflight's slower checks, right before inject.
    if (moment) await moment();
    refuseWhenStopping(record.description);
    await fault.inject(this.context);
    record.injectedAt = this.timeline.record('fault', 'fault.injected', { kind: fault.kind, description: record.description }).at;
    const evidence = await fault.verify(this.context);
    record.evidence = evidence;
    record.verifiedAt = this.timeline.record('fault', 'fault.verified', {
      kind: fault.kind,
      verdict: evidence.verdict,
      observed: evidence.observed,
    }).at;
    if (evidence.verdict !== 'confirmed') {
      throw new FaultNotConfirmed(
        `Fault not confirmed: ${record.description}: expected its effect to be observable but the verdict is ${evidence.verdict} (evidence: ${JSON.stringify(evidence.observed)})`,
      );
    }
    return evidence;
  }

  /** Heals the most recent fault of `kind` (or the most recent of all) now, e.g. when a scenario says "the network heals". */
  async heal(kind?: string): Promise<void> {
    const pending = this.entries.filter((e) => !e.healed && (kind === undefined || e.fault.kind === kind));
    if (pending.length === 0) throw new HealFailed(`Nothing to heal${kind ? ` of kind ${kind}` : ''}: no active fault`);
    for (const entry of pending.reverse()) await this.healEntry(entry);
  }

  /** Heals one fault now (when the scenario says it ends). */
  async healFault(fault: Fault): Promise<void> {
    const entry = this.entries.find((e) => e.fault === fault && !e.healed);
    if (!entry) throw new HealFailed(`Nothing to heal: ${fault.describe()} is not active`);
    await this.healEntry(entry);
  }

  /** Heals every active fault on `subject` (of `kind`, when given), newest first; fails when there is none. */
  async healSubject(subject: string, kind?: string): Promise<void> {
    const pending = this.entries.filter((e) => !e.healed && e.record.subject === subject && (kind === undefined || e.fault.kind === kind));
    if (pending.length === 0) throw new HealFailed(`Nothing to heal on ${subject}${kind ? ` of kind ${kind}` : ''}: no active fault`);
    for (const entry of pending.reverse()) await this.healEntry(entry);
  }

  /** Heals every fault not healed yet, newest first; returns the heal errors (never throws). */
  async healAll(): Promise<HealFailed[]> {
    const errors: HealFailed[] = [];
    for (const entry of [...this.entries].reverse()) {
      if (entry.healed) continue;
      try {
        await this.healEntry(entry);
      } catch (err) {
        errors.push(err as HealFailed);
      }
    }
    return errors;
  }

  /** Disposes what faults kept after their heal (mounts), newest first; returns the errors (never throws). Idempotent. */
  async disposeAll(): Promise<HealFailed[]> {
    const errors: HealFailed[] = [];
    for (const entry of [...this.entries].reverse()) {
      if (!isDisposable(entry.fault)) continue;
      try {
        await entry.fault.dispose();
      } catch (err) {
        errors.push(new HealFailed(`Clean-up failed: ${entry.record.description}: ${(err as Error).message}`));
      }
    }
    return errors;
  }

  /** Interrupts any wait of an inject or verify (runner interrupted). */
  interrupt(): void {
    this.abort.abort();
  }

  /** The record of one fault applied (or registered) here. */
  recordOf(fault: Fault): FaultRecord | undefined {
    return this.entries.find((e) => e.fault === fault)?.record;
  }

  records(): FaultRecord[] {
    return this.entries.map((e) => e.record);
  }

  private healEntry(entry: { fault: Fault; record: FaultRecord; healed: boolean }): Promise<void> {
    return timed('heals and their verification', () => this.healAndVerify(entry));
  }

  private async healAndVerify(entry: { fault: Fault; record: FaultRecord; healed: boolean }): Promise<void> {
    try {
      const ctx = { signal: new AbortController().signal, log: this.log };
      entry.record.healStartedAt = Date.now() - this.timeline.startedAt;
      await entry.fault.heal(ctx);
      entry.healed = true;
      entry.record.healedAt = this.timeline.record('fault', 'fault.healed', {
        kind: entry.fault.kind,
        description: entry.record.description,
      }).at;
      if (isHealVerified(entry.fault) && entry.record.injectedAt !== undefined) {
        const proof = await entry.fault.verifyHealed(ctx);
        entry.record.healEvidence = proof;
        this.timeline.record('fault', 'fault.heal-verified', { kind: entry.fault.kind, verdict: proof.verdict, observed: proof.observed });
        if (proof.verdict !== 'confirmed')
          throw new Error(`the heal could not be verified (${proof.verdict}): ${JSON.stringify(proof.observed)}`);
      }
    } catch (err) {
      entry.record.healError = (err as Error).message;
      throw new HealFailed(`Heal failed: ${entry.record.description}: ${(err as Error).message}`);
    }
  }
}
