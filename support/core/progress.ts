/**
 * Says, during a long wait, what is being waited for and for how long: on one updating line when stderr is a
 * terminal, as a plain line every few seconds otherwise (CI logs). Quiet for waits shorter than `QUIET_MS`, and
 * entirely with CHAOS_PROGRESS=0.
 */
const QUIET_MS = 2_000;
const PLAIN_EVERY_MS = 5_000;

export class WaitProgress {
  private readonly started = Date.now();
  private lastPrinted = 0;
  private shown = false;

  constructor(
    private readonly what: string,
    private readonly limitMs: number,
    private readonly out: NodeJS.WriteStream = process.stderr,
  ) {}

  /** Called at every poll: prints when the wait has gone on long enough. */
  tick(): void {
    if (process.env.CHAOS_PROGRESS === '0') return;
    const now = Date.now();
    const elapsed = now - this.started;
    if (elapsed < QUIET_MS) return;
    const text = `waiting for ${this.what}: ${(elapsed / 1000).toFixed(1)} s of ${(this.limitMs / 1000).toFixed(0)} s`;
    if (this.out.isTTY) {
      if (now - this.lastPrinted < 250) return;
      this.out.write(`\r\x1b[2K  ${text.slice(0, (this.out.columns ?? 100) - 4)}`);
      this.shown = true;
    } else {
      if (now - this.lastPrinted < PLAIN_EVERY_MS) return;
      this.out.write(`[chaos] ${text}\n`);
    }
    this.lastPrinted = now;
  }

  /** Clears the updating line, if one was shown. */
  done(): void {
    if (this.shown && this.out.isTTY) this.out.write('\r\x1b[2K');
  }
}
