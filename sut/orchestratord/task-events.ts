/** A live event of one task, fanned out to every subscribed SSE client. */
export type LiveEvent = { event: 'token'; i: number; t: string } | { event: 'end' | 'error'; data: Record<string, unknown> };

/** In-process fan-out of live task events; the store holds the history, this only carries what happens next. */
export class TaskEvents {
  private readonly listeners = new Map<string, Set<(e: LiveEvent) => void>>();

  subscribe(taskId: string, listener: (e: LiveEvent) => void): () => void {
    let set = this.listeners.get(taskId);
    if (!set) {
      set = new Set();
      this.listeners.set(taskId, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(taskId);
    };
  }

  publish(taskId: string, event: LiveEvent): void {
    this.listeners.get(taskId)?.forEach((l) => l(event));
  }
}
