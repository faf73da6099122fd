import { createWriteStream, mkdirSync, WriteStream } from 'node:fs';
import { dirname } from 'node:path';

/** Keeps a process's output: every line to a file, and the last `keep` lines in memory for error messages. */
export class LogBuffer {
  private readonly lines: string[] = [];
  private partial = '';
  private readonly file?: WriteStream;

  constructor(
    readonly path: string | undefined,
    private readonly keep = 200,
  ) {
    if (path) {
      mkdirSync(dirname(path), { recursive: true });
      this.file = createWriteStream(path, { flags: 'a' });
    }
  }

  append(chunk: Buffer | string): void {
    this.file?.write(chunk);
    const text = this.partial + chunk.toString();
    const parts = text.split('\n');
    this.partial = parts.pop() ?? '';
    for (const line of parts) this.push(line);
  }

  private push(line: string): void {
    this.lines.push(line);
    if (this.lines.length > this.keep) this.lines.shift();
  }

  tail(n = 50): string[] {
    return this.lines.slice(-n);
  }

  all(): string[] {
    return [...this.lines];
  }

  close(): void {
    if (this.partial) this.push(this.partial);
    this.partial = '';
    this.file?.end();
  }
}
