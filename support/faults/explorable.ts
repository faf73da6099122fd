import type { FaultKind } from './fault';

/** Where a fault acts: an engine or the link to it (of one replica), or a component, or the link to the pool manager. */
export type Place = 'engine' | 'link' | 'pool-manager' | 'orchestrator' | 'pool-manager-link';

/**
 * A fault kind as the explorer (scripts/explore.ts) may draw it: what it acts on, its one parameter, and the steps of
 * the project's own vocabulary that apply and end it. Declaring a kind here once makes it explorable: the generators
 * (support/explore/schedule.ts) read this table, and the shrunk scenario is written with these steps.
 */
export interface ExplorableFault {
  kind: FaultKind;
  place: Place;
  /** The step that applies it; `r` is the replica (engine and link places), `m` the magnitude. */
  inject: (r: string, m: number) => string;
  /** The step that ends it. Absent for an instant fault (a kill), which the stack's own supervision repairs. */
  heal?: (r: string) => string;
  /** For an instant fault: how long its place stays busy after it (a killed engine restarting), ms. */
  busyMs?: number;
  /** The range of its parameter (latency ms, KB/s, % of a core), when it has one. */
  magnitude?: { min: number; max: number };
  /** Needs root (a cgroup). */
  privileged?: boolean;
  /**
   * Places on which nothing may begin or end while it lasts, or `all` (and then no client action either): with the
   * pool manager gone no engine can be addressed (it answers for them) and its link carries nothing to prove a heal;
   * with the orchestrator gone no link carries traffic and the client cannot cancel.
   */
  blocks?: Place[] | 'all';
}

const linkHeal = (r: string): string => `the link to replica ${r} recovers`;

export const EXPLORABLE = {
  'engine-kill': {
    kind: 'process.kill',
    place: 'engine',
    inject: (r) => `the engine of replica ${r} is killed`,
    // The restart delay (50 ms, doubling) plus an engine start, with room: 4 kills of one engine fit in its storm limit.
    busyMs: 1500,
  },
  'engine-hang': {
    kind: 'process.pause',
    place: 'engine',
    inject: (r) => `the engine of replica ${r} hangs`,
    heal: (r) => `the engine of replica ${r} resumes`,
  },
  'engine-starved': {
    kind: 'cpu.saturate',
    place: 'engine',
    inject: (r, m) => `the engine of replica ${r} is starved to ${m} % of a core`,
    heal: (r) => `the engine of replica ${r} has its CPU back`,
    magnitude: { min: 5, max: 50 },
    privileged: true,
  },
  'link-refused': {
    kind: 'network.down',
    place: 'link',
    inject: (r) => `replica ${r} refuses connections from the orchestrator`,
    heal: linkHeal,
  },
  'link-stall': { kind: 'network.timeout', place: 'link', inject: (r) => `the link to replica ${r} stalls`, heal: linkHeal },
  'link-latency': {
    kind: 'network.latency',
    place: 'link',
    inject: (r, m) => `the link to replica ${r} has ${m} ms of latency`,
    heal: linkHeal,
    magnitude: { min: 20, max: 800 },
  },
  'link-reset': { kind: 'network.reset', place: 'link', inject: (r) => `every connection to replica ${r} is reset`, heal: linkHeal },
  'link-cut': {
    kind: 'network.cut',
    place: 'link',
    inject: (r) => `the stream from replica ${r} is cut after a few more tokens`,
    heal: linkHeal,
  },
  'link-slow': {
    kind: 'network.slow',
    place: 'link',
    inject: (r, m) => `the link from replica ${r} dribbles at ${m} KB/s`,
    heal: linkHeal,
    magnitude: { min: 1, max: 20 },
  },
  'pool-manager-kill': {
    kind: 'process.kill',
    place: 'pool-manager',
    inject: () => 'the pool manager is killed',
    heal: () => 'the pool manager is started again',
    blocks: ['engine', 'pool-manager-link'],
  },
  'pool-manager-cut-off': {
    kind: 'network.partition',
    place: 'pool-manager-link',
    inject: () => 'the pool manager is cut off from the orchestrator',
    heal: () => 'the link to the pool manager recovers',
  },
  'orchestrator-kill': {
    kind: 'process.kill',
    place: 'orchestrator',
    inject: () => 'the orchestrator is killed',
    heal: () => 'the orchestrator is started again',
    blocks: 'all',
  },
} satisfies Record<string, ExplorableFault>;

export type ExplorableName = keyof typeof EXPLORABLE;

/** The explorable faults a run may draw: all, less the ones needing root when not root. */
export function explorableHere(isRoot: boolean): ExplorableName[] {
  return (Object.keys(EXPLORABLE) as ExplorableName[]).filter((n) => isRoot || !(EXPLORABLE[n] as ExplorableFault).privileged);
}
