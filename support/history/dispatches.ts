/** A dispatch that reached a replica, seen at its link: when it arrived and when its connection ended (epoch ms). */
export interface SeenDispatch {
  at: number;
  endedAt?: number;
  /** The replica's answer, once its head arrived. */
  status?: number;
}

/**
 * The most dispatches that were in flight at a replica at once, as its link saw them (a request counts from its
 * arrival until its response ended; one still open counts until `now`). A half-open breaker lets one trial at a time
 * through, a closed one as many as the replica's slots: more than one at once shows the breaker closed again.
 */
export function mostAtOnce(seen: SeenDispatch[], now: number): number {
  const edges = seen.flatMap((d) => [
    { at: d.at, step: 1 },
    { at: d.endedAt ?? now, step: -1 },
  ]);
  // An end and an arrival at the same millisecond are not side by side: ends first.
  edges.sort((a, b) => a.at - b.at || a.step - b.step);
  let inFlight = 0;
  let most = 0;
  for (const e of edges) {
    inFlight += e.step;
    most = Math.max(most, inFlight);
  }
  return most;
}
