/** What became of one dispatch to a replica, as far as its breaker is concerned. */
type Outcome = 'in-flight' | 'failed' | 'void';

/** How far back a run is looked for: more than any breaker threshold, and it bounds the memory of a replica that never succeeds. */
const KEPT = 1000;

/**
 * A replica's dispatches in the order they were sent, since its last success, for its breaker (ORCH-3040).
 * "Consecutive failures" are consecutive in send order: a dispatch sent between two failures that is still streaming
 * separates them until it fails too. Counted in the order dispatches *end*, a connection reset in 3 ms would count
 * against a replica whose earlier dispatch is still streaming its 50 ms answer, and under a link that resets one
 * connection in four the breakers of healthy replicas opened several times a second (seen in the intermittent-failures
 * scenario: 7 openings in 2 s, where three failures in a row by send order are expected about twice).
 */
export class SendOrder {
  private last = 0;
  private readonly open = new Map<number, Outcome>();

  /** A dispatch is sent; returns its place in the order. */
  sent(): number {
    this.last++;
    this.open.set(this.last, 'in-flight');
    this.open.delete(this.last - KEPT);
    return this.last;
  }

  /** The dispatch at `seq` succeeded: nothing sent before it can be part of a later run of failures. */
  succeeded(seq: number): void {
    for (const k of [...this.open.keys()]) if (k <= seq) this.open.delete(k);
  }

  /** The dispatch at `seq` ended saying nothing about the replica (canceled, refused as a poison request). */
  ended(seq: number): void {
    if (this.open.get(seq) === 'in-flight') this.open.set(seq, 'void');
  }

  /** Records the failure at `seq` and returns the length of the run of failures, in send order, that holds it. */
  failed(seq: number): number {
    if (!this.open.has(seq)) return 0;
    this.open.set(seq, 'failed');
    return 1 + this.count(seq, -1) + this.count(seq, 1);
  }

  private count(from: number, step: -1 | 1): number {
    let run = 0;
    for (let k = from + step; k >= 1 && k <= this.last; k += step) {
      const outcome = this.open.get(k);
      if (outcome === undefined || outcome === 'in-flight') break;
      if (outcome === 'failed') run++;
    }
    return run;
  }
}
