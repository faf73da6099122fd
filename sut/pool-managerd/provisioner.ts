import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, mkdir, open, readdir, rename, rm, stat, statfs } from 'node:fs/promises';
import path from 'node:path';

/** The result of staging a model into the cache: its final path, size and, when one was expected, its checked sha256. */
export interface StagedModel {
  path: string;
  sizeBytes: number;
  sha256?: string;
}

/** Removes `<name>.partial` files a crash left behind, so staging always starts from scratch. */
export async function discardPartials(cacheDir: string): Promise<string[]> {
  await mkdir(cacheDir, { recursive: true });
  const partials = (await readdir(cacheDir)).filter((f) => f.endsWith('.partial'));
  await Promise.all(partials.map((f) => rm(path.join(cacheDir, f), { force: true })));
  return partials;
}

/**
 * Stages `modelRef` into `cacheDir`: copy to `<name>.partial`, check size (and sha256 when expected), rename
 * atomically. A model already staged with the right size and digest is reused. Throws with the cause on short disk,
 * missing source or a digest mismatch; never leaves a half-written file under the final name.
 */
export async function stageModel(modelRef: string, cacheDir: string, expectedSha256?: string, bytesPerSec = 0): Promise<StagedModel> {
  const source = modelRef.startsWith('file:') ? modelRef.slice('file:'.length) : modelRef;
  const sourceStat = await stat(source).catch(() => {
    throw new Error(`model artifact not found: ${modelRef}`);
  });
  await mkdir(cacheDir, { recursive: true });
  const final = path.join(cacheDir, path.basename(source));
  const existing = await stat(final).catch(() => undefined);
  // The digest is read only when one is expected: there is nothing to check it against otherwise (hashing the 98 MB
  // model of the llamacpp profile took 0.17-0.19 s of CPU in Node, measured 3 times, at every pool start).
  if (existing && existing.size === sourceStat.size) {
    if (!expectedSha256) return { path: final, sizeBytes: existing.size };
    if ((await sha256File(final)) === expectedSha256) return { path: final, sizeBytes: existing.size, sha256: expectedSha256 };
  }
  const fs = await statfs(cacheDir);
  const freeBytes = fs.bavail * fs.bsize;
  if (freeBytes < sourceStat.size) {
    throw new Error(`insufficient disk in model cache: need ${sourceStat.size} bytes, ${freeBytes} free (${cacheDir})`);
  }
  const partial = `${final}.partial`;
  try {
    await copyThrottled(source, partial, bytesPerSec);
    const staged = await stat(partial);
    if (staged.size !== sourceStat.size) throw new Error(`staged size ${staged.size} != source size ${sourceStat.size}`);
    const digest = expectedSha256 ? await sha256File(partial) : undefined;
    if (digest !== expectedSha256) throw new Error(`sha256 mismatch: expected ${expectedSha256}, got ${digest}`);
    await rename(partial, final);
    return { path: final, sizeBytes: staged.size, sha256: digest };
  } catch (err) {
    await rm(partial, { force: true });
    throw err;
  }
}

/**
 * Copies `from` to `to` in 1 MiB chunks; with `bytesPerSec` > 0 the copy is paced to that rate, as a download from a
 * model registry would be (POOL_STAGE_BYTES_PER_SEC), which leaves a window to interrupt provisioning.
 */
async function copyThrottled(from: string, to: string, bytesPerSec: number): Promise<void> {
  if (bytesPerSec <= 0) return copyFile(from, to);
  const src = await open(from, 'r');
  const dst = await open(to, 'w');
  const started = Date.now();
  try {
    const chunk = Buffer.alloc(Math.min(1024 * 1024, Math.max(4096, Math.floor(bytesPerSec / 10))));
    let copied = 0;
    for (;;) {
      const { bytesRead } = await src.read(chunk, 0, chunk.length, copied);
      if (bytesRead === 0) break;
      await dst.write(chunk, 0, bytesRead);
      copied += bytesRead;
      const aheadMs = (copied / bytesPerSec) * 1000 - (Date.now() - started);
      if (aheadMs > 0) await new Promise((r) => setTimeout(r, aheadMs));
    }
  } finally {
    await src.close();
    await dst.close();
  }
}

function sha256File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}
