import { declareKind } from './kind';
import { InvalidFaultSpec } from '../core/errors';
import { Cgroup, counterRises, groupRemoved } from './cgroup';
import type { Evidence, Fault, FaultContext, HealVerified } from './fault';
import type { ProcessTarget } from './targets';
import { ageMs } from '../core/pids';

/**
 * A memory limit around a process (the seed's `set_memory_limit`): a cgroup v1 memory group with
 * `memory.limit_in_bytes` (and the same swap+memory limit, so nothing swaps), the target's pid moved in. What it
 * allocates from then on is charged to the group, and so is every child it starts; past the limit the kernel's OOM
 * killer kills for real. Proven by the group's own OOM-kill count (`memory.oom_control`), not by an exit code:
 * `verify()` waits up to `oomWithinMs` for the kernel to kill. Heal (`clear_memory_limit`) moves what is left back
 * to the root group and removes the group.
 */
export class MemoryLimitFault implements Fault, HealVerified {
  readonly kind = 'memory.limit' as const;
  private readonly group: Cgroup;
  private pid?: number;
  /** How long the process had run when it was moved in (what it held before is not charged to the group). */
  private movedAfterMs?: number;

  constructor(
    private readonly target: ProcessTarget,
    groupName: string,
    private readonly limitBytes: number,
    private readonly oomWithinMs = 10_000,
  ) {
    if (!target) throw new InvalidFaultSpec('a memory.limit fault must have a target');
    if (!Number.isInteger(limitBytes) || limitBytes < 1024 * 1024)
      throw new InvalidFaultSpec(`Expected \`limitBytes\` to be at least 1 MiB, got \`${limitBytes}\``);
    this.group = new Cgroup('memory', groupName);
  }

  describe(): string {
    return `memory of ${this.target.description} limited to ${Math.round(this.limitBytes / 1024 / 1024)} MiB (cgroup ${this.group.name})`;
  }

  async inject(ctx: FaultContext): Promise<void> {
    this.group.create();
    this.group.write('memory.limit_in_bytes', this.limitBytes);
    try {
      this.group.write('memory.memsw.limit_in_bytes', this.limitBytes);
    } catch {
      /* no swap accounting: nothing can swap past the limit anyway */
    }
    this.pid = await this.target.pid();
    this.group.addPid(this.pid);
    this.movedAfterMs = ageMs(this.pid);
    ctx.log(`${this.describe()}: pid ${this.pid}, moved in ${this.movedAfterMs} ms after its start`);
  }

  async verify(ctx: FaultContext): Promise<Evidence> {
    if (this.pid === undefined) return { verdict: 'inconclusive', observed: { reason: 'never injected' } };
    const { value: kills, waitedMs } = await counterRises(this.group, 'memory.oom_control', 'oom_kill', this.oomWithinMs, ctx.signal);
    const observed = {
      cgroup: this.group.dir,
      pid: this.pid,
      moved_in_after_start_ms: this.movedAfterMs,
      limit_bytes: Number(this.group.read('memory.limit_in_bytes')),
      max_usage_bytes: Number(this.group.read('memory.max_usage_in_bytes')),
      failcnt: Number(this.group.read('memory.failcnt')),
      oom_kill: kills,
      waited_ms: waitedMs,
    };
    return { verdict: kills > 0 ? 'confirmed' : 'mismatch', observed };
  }

  async heal(): Promise<void> {
    await this.group.remove();
  }

  async verifyHealed(): Promise<Evidence> {
    return groupRemoved(this.group);
  }
}

/** The kind, declared once (support/faults/kind.ts): the registry, the tags, the checker and the explorer read it. */
export const MEMORY_LIMIT = declareKind(
  {
    kind: 'memory.limit',
    meaning: 'a cgroup memory limit around a process: the kernel OOM-kills past it',
    file: __filename,
    errors: ['WORKER_RESET', 'POOL_UNAVAILABLE', 'POOL_UNREADY'],
    explore: {
      notExplorable:
        'its effect (an OOM kill) needs an engine of the schedule to grow past the limit, which the generic load does not promise: a preflight that proves it will is still to be written',
    },
  },
  MemoryLimitFault,
);
