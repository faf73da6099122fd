import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, mkdir, readdir, rename, rm, stat, statfs } from 'node:fs/promises';
import path from 'node:path';

/** The result of staging a model into the cache: its final path and size. */
export interface StagedModel {
  path: string;
  sizeBytes: number;
  sha256: string;
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
export async function stageModel(modelRef: string, cacheDir: string, expectedSha256?: string): Promise<StagedModel> {
  const source = modelRef.startsWith('file:') ? modelRef.slice('file:'.length) : modelRef;
  const sourceStat = await stat(source).catch(() => {
    throw new Error(`model artifact not found: ${modelRef}`);
  });
  await mkdir(cacheDir, { recursive: true });
  const final = path.join(cacheDir, path.basename(source));
  const existing = await stat(final).catch(() => undefined);
  if (existing && existing.size === sourceStat.size) {
    const digest = await sha256File(final);
    if (!expectedSha256 || digest === expectedSha256) return { path: final, sizeBytes: existing.size, sha256: digest };
  }
  const fs = await statfs(cacheDir);
  const freeBytes = fs.bavail * fs.bsize;
  if (freeBytes < sourceStat.size) {
    throw new Error(`insufficient disk in model cache: need ${sourceStat.size} bytes, ${freeBytes} free (${cacheDir})`);
  }
  const partial = `${final}.partial`;
  try {
    await copyFile(source, partial);
    const staged = await stat(partial);
    if (staged.size !== sourceStat.size) throw new Error(`staged size ${staged.size} != source size ${sourceStat.size}`);
    const digest = await sha256File(partial);
    if (expectedSha256 && digest !== expectedSha256) throw new Error(`sha256 mismatch: expected ${expectedSha256}, got ${digest}`);
    await rename(partial, final);
    return { path: final, sizeBytes: staged.size, sha256: digest };
  } catch (err) {
    await rm(partial, { force: true });
    throw err;
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
