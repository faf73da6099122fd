/** Splits an elapsed time into named phases: `mark(name)` closes the phase that ran since the previous mark. */
export class PhaseClock {
  readonly phases: { phase: string; ms: number }[] = [];
  private last = performance.now();

  mark(phase: string): void {
    const now = performance.now();
    this.phases.push({ phase, ms: Math.round(now - this.last) });
    this.last = now;
  }
}
