import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The text of each file (name → text), then of every `.log` file in each folder; missing ones read as empty. */
export function collectLogs(files: string[], dirs: string[]): { name: string; text: string }[] {
  const out = files.map((file) => ({ name: path.basename(file), text: readIfAny(file) }));
  for (const dir of dirs) {
    let entries: string[] = [];
    try {
      entries = readdirSync(dir).filter((f) => f.endsWith('.log'));
    } catch {
      /* not created */
    }
    for (const f of entries) out.push({ name: f, text: readIfAny(path.join(dir, f)) });
  }
  return out;
}

function readIfAny(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
