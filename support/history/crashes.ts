/** One crash the scenario caused, and when the pool manager started a new engine for it. */
export interface Crash {
  replicaId: string;
  pid: number;
  killedAt: number;
  /**
   * When the engine was seen dead (exited, a zombie at most): the crash the backoff runs from. A killed engine takes
   * the kernel a while to tear down (tens of ms for llama-server's 216 MB, measured), which is no part of the backoff.
   */
  goneAt: number;
  restartedAt?: number;
  /** When the kernel started the new engine (epoch ms, to about 20 ms): its fork, however late a poll saw it. */
  spawnedAt?: number;
  newPid?: number;
}
