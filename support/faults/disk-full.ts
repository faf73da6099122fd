import { declareKind } from './kind';
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, statfsSync, writeSync } from 'node:fs';
import path from 'node:path';
import { InvalidFaultSpec, WaitTimedOut } from '../core/errors';
import { eventually, type Observation } from '../core/eventually';
import type { Disposable, Evidence, Fault, HealVerified } from './fault';

/** Every tmpfs this suite mounts has this source name prefix, so a dead run's mounts can be found in /proc/mounts. */
export const MOUNT_PREFIX = 'llorch_';

const FILLER = '.llorch-disk-filler';

/** How long a fill may take to leave no byte free while the target frees space of its own, ms. */
const FULL_WITHIN_MS = 1000;

/** The write sizes of a fill, largest first: a disk is full once not even one byte more fits. */
const FILL_SIZES = [64 * 1024, 4096, 512, 1];

/**
 * Writes with `write(size)` (bytes written; throws ENOSPC when not one byte fits) until a write of every size fails,
 * and returns the bytes written. After any write that succeeds it starts again from the largest size: space the
 * target frees during the fill (the pool manager deletes its partial model when its own write meets ENOSPC) is taken
 * back in large writes. Stepping down only once, a fill that met that space at its 1-byte stage took it back one byte
 * per write: 9.4 MB in 10 s, with the suite's event loop held all along (llamacpp CI, 2026-12-07: a liveness probe of
 * the orchestrator answered in 10 216 ms).
 */
export function fillUntilFull(write: (size: number) => number): number {
  let written = 0;
  for (let k = 0; k < FILL_SIZES.length; ) {
    try {
      written += write(FILL_SIZES[k]);
      k = 0;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
      k++;
    }
  }
  return written;
}

/**
 * A full disk under a directory the target writes to (the model cache, a log folder): a size-limited tmpfs mounted
 * over it (`mount()`, which a scenario may do before the target starts, so the target's files live on it), then
 * filled to the last byte by a filler file (`inject()`). Proven by `statfs` reporting no space left and by a write
 * failing with ENOSPC. Heal deletes the filler: space returns on the same disk, and what the target writes from then on
 * is kept; `dispose()`, after the scenario is judged, unmounts.
 */
export class DiskFullFault implements Fault, HealVerified, Disposable {
  readonly kind = 'disk.full' as const;
  private mounted = false;

  constructor(
    private readonly dir: string,
    private readonly mountName: string,
    private readonly capacityBytes: number,
  ) {
    if (!dir) throw new InvalidFaultSpec('a disk.full fault must name a directory');
    if (!mountName.startsWith(MOUNT_PREFIX))
      throw new InvalidFaultSpec(`a disk.full mount must be named ${MOUNT_PREFIX}…, got ${mountName}`);
    if (!Number.isInteger(capacityBytes) || capacityBytes < 64 * 1024)
      throw new InvalidFaultSpec(`Expected \`capacityBytes\` to be at least 64 KiB, got \`${capacityBytes}\``);
  }

  describe(): string {
    return `disk full under ${this.dir} (tmpfs of ${Math.round(this.capacityBytes / 1024)} KiB)`;
  }

  /** Mounts the small disk over the directory (idempotent); what the target writes there from now on lands on it. */
  mount(): void {
    if (this.mounted) return;
    mkdirSync(this.dir, { recursive: true });
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${this.capacityBytes}`, this.mountName, this.dir]);
    this.mounted = true;
  }

  /** Fills the disk: writes a filler file until the kernel says ENOSPC. */
  async inject(): Promise<void> {
    this.mount();
    this.fill();
  }

  /**
   * Appends to the filler until not one byte more fits; returns how many bytes it wrote. A full disk stays full: the
   * target may free what it wrote when it meets ENOSPC (the pool manager deletes its partial model), and that space
   * goes to the filler, as another writer would take it.
   */
  private fill(): number {
    const fd = openSync(path.join(this.dir, FILLER), 'a');
    const chunk = Buffer.alloc(FILL_SIZES[0], 0);
    try {
      return fillUntilFull((size) => writeSync(fd, chunk.subarray(0, size)));
    } finally {
      closeSync(fd);
    }
  }

  /**
   * The disk is full: no block free and a 4 KiB write fails with ENOSPC, both at one look. What the target freed since
   * the fill is taken back first, at each look, and shown in the evidence (found in CI: a pool manager deleted its
   * 12 MB partial model between the fill and this check). A target that keeps freeing space can free some between the
   * look at the blocks and the write (llamacpp, 2026-12-08: 0 bytes free, then the probe written: the pool manager
   * deletes its partial model when its write meets ENOSPC and retries 50 ms later), so the look is taken again until
   * both agree, within FULL_WITHIN_MS.
   */
  async verify(): Promise<Evidence> {
    let takenBack = 0;
    let observed: Record<string, unknown> = { dir: this.dir };
    const look = async (): Promise<Observation<never>> => {
      takenBack += this.fill();
      const fs = statfsSync(this.dir);
      const probe = this.probeWrite();
      observed = {
        dir: this.dir,
        mounted_tmpfs: isMountPoint(this.dir),
        freed_by_target_bytes: takenBack,
        free_bytes: fs.bavail * fs.bsize,
        write_probe: probe,
      };
      return { ok: fs.bavail === 0 && probe === 'ENOSPC', seen: JSON.stringify(observed) };
    };
    const full = await eventually(`the disk under ${this.dir} is full`, look, { withinMs: FULL_WITHIN_MS }).then(
      () => true,
      (err) => {
        if (err instanceof WaitTimedOut) return false;
        throw err;
      },
    );
    return { verdict: full ? 'confirmed' : 'mismatch', observed };
  }

  /** Writes and removes 4 KiB on the disk: 'written', or the error code. */
  protected probeWrite(): string {
    return writeProbe(this.dir);
  }

  /** Space returns: the filler goes (the small disk stays mounted until `dispose()`, so nothing the target wrote is lost). */
  async heal(): Promise<void> {
    rmSync(path.join(this.dir, FILLER), { force: true });
  }

  /** After the heal the disk has room again: a write succeeds. */
  async verifyHealed(): Promise<Evidence> {
    if (!isMountPoint(this.dir)) return { verdict: 'confirmed', observed: { dir: this.dir, mounted: false } };
    const probe = writeProbe(this.dir);
    const fs = statfsSync(this.dir);
    return {
      verdict: probe === 'written' ? 'confirmed' : 'mismatch',
      observed: { dir: this.dir, free_bytes: fs.bavail * fs.bsize, write_probe: probe },
    };
  }

  /** Unmounts the small disk (lazily, if the target still holds files there); idempotent. */
  async dispose(): Promise<void> {
    if (!isMountPoint(this.dir)) return;
    execFileSync('umount', ['-l', this.dir]);
    this.mounted = false;
  }
}

/** Writes and removes 4 KiB in `dir`: 'written', or the error code. */
function writeProbe(dir: string): string {
  const file = path.join(dir, '.llorch-probe');
  try {
    const fd = openSync(file, 'w');
    try {
      writeSync(fd, Buffer.alloc(4096, 1));
    } finally {
      closeSync(fd);
    }
    return 'written';
  } catch (err) {
    return (err as NodeJS.ErrnoException).code ?? (err as Error).message;
  } finally {
    rmSync(file, { force: true });
  }
}

/** True when `dir` is a mount point of one of the suite's tmpfs mounts (from /proc/mounts). */
export function isMountPoint(dir: string): boolean {
  return suiteMounts().some((m) => m.dir === path.resolve(dir));
}

/** The suite's tmpfs mounts (source name, mount point), from /proc/mounts. */
export function suiteMounts(): { name: string; dir: string }[] {
  if (!existsSync('/proc/mounts')) return [];
  return readFileSync('/proc/mounts', 'utf8')
    .split('\n')
    .map((l) => l.split(' '))
    .filter((f) => f[0]?.startsWith(MOUNT_PREFIX) && f[2] === 'tmpfs')
    .map((f) => ({ name: f[0], dir: f[1].replace(/\\040/g, ' ') }));
}

/** Unmounts a mount of the suite (a dead run's leftover); lazily, so a busy one goes too. */
export function unmount(dir: string): void {
  execFileSync('umount', ['-l', dir]);
}

/** The kind, declared once (support/faults/kind.ts): the registry, the tags, the checker and the explorer read it. */
export const DISK_FULL = declareKind(
  {
    kind: 'disk.full',
    meaning: 'a small tmpfs over a directory the target writes, filled to ENOSPC',
    file: __filename,
    errors: ['POOL_UNAVAILABLE', 'POOL_UNREADY'],
    explore: {
      notExplorable:
        'it needs the filled directory on a disk of its own from before the stack starts (a Given), which the generic scenario does not set up yet',
    },
  },
  DiskFullFault,
);

/** The directories of the target a scenario put on disks of their own (its Givens), by purpose. */
export class TargetDisks {
  private readonly disks = new Map<string, DiskFullFault>();
  /**
   * Epoch ms up to which the engines' logs were seen holding every task ended, looked at right before their disk
   * filled: the window in which their lines may be lost begins here, not at the fill.
   */
  engineLogsCompleteAt?: number;

  set(disk: string, fault: DiskFullFault): void {
    this.disks.set(disk, fault);
  }

  get(disk: string): DiskFullFault | undefined {
    return this.disks.get(disk);
  }

  require(disk: string): DiskFullFault {
    const fault = this.disks.get(disk);
    if (!fault) throw new InvalidFaultSpec(`The ${disk} is not on a disk of its own: a Given step must put it there first`);
    return fault;
  }
}
