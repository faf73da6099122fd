import { InvalidFaultSpec } from '../core/errors';
import { Cgroup, counterRises, groupRemoved } from './cgroup';
import type { Evidence, Fault, FaultContext, HealVerified } from './fault';
import type { ProcessTarget } from './targets';

const PERIOD_US = 100_000;

/**
 * CPU starvation of a process: a cgroup v1 cpu group with a CFS quota of `sharePct` % of one core per 100 ms period,
 * the target's pid moved in (its children follow). The process runs, slowly, whenever it wants more than its share.
 * Proven by the kernel's own throttling counters (`cpu.stat` nr_throttled rising, waited for up to `withinMs`): a
 * process that never asks for more than its share was not starved, and the verdict says so. Heal moves it back to
 * the root group and removes the group.
 */
export class CpuSaturateFault implements Fault, HealVerified {
  readonly kind = 'cpu.saturate' as const;
  private readonly group: Cgroup;
  private pid?: number;

  constructor(
    private readonly target: ProcessTarget,
    groupName: string,
    private readonly sharePct: number,
    private readonly withinMs = 5_000,
  ) {
    if (!target) throw new InvalidFaultSpec('a cpu.saturate fault must have a target');
    if (!(sharePct >= 1 && sharePct <= 100)) throw new InvalidFaultSpec(`Expected \`sharePct\` in 1–100, got \`${sharePct}\``);
    this.group = new Cgroup('cpu', groupName);
  }

  describe(): string {
    return `${this.target.description} starved to ${this.sharePct} % of a core (cgroup ${this.group.name})`;
  }

  async inject(ctx: FaultContext): Promise<void> {
    this.group.create();
    this.group.write('cpu.cfs_period_us', PERIOD_US);
    this.group.write('cpu.cfs_quota_us', Math.round((PERIOD_US * this.sharePct) / 100));
    this.pid = await this.target.pid();
    this.group.addPid(this.pid);
    ctx.log(`${this.describe()}: pid ${this.pid}`);
  }

  async verify(ctx: FaultContext): Promise<Evidence> {
    if (this.pid === undefined) return { verdict: 'inconclusive', observed: { reason: 'never injected' } };
    const { value: throttled, waitedMs } = await counterRises(this.group, 'cpu.stat', 'nr_throttled', this.withinMs, ctx.signal);
    const observed = {
      cgroup: this.group.dir,
      pid: this.pid,
      quota_us: Number(this.group.read('cpu.cfs_quota_us')),
      period_us: Number(this.group.read('cpu.cfs_period_us')),
      nr_periods: this.group.stat('cpu.stat', 'nr_periods'),
      nr_throttled: throttled,
      throttled_time_ns: this.group.stat('cpu.stat', 'throttled_time'),
      waited_ms: waitedMs,
    };
    return { verdict: throttled > 0 ? 'confirmed' : 'mismatch', observed };
  }

  async heal(): Promise<void> {
    await this.group.remove();
  }

  async verifyHealed(): Promise<Evidence> {
    return groupRemoved(this.group);
  }
}
