/**
 * The mutation check's catalogue: each entry breaks one promised behaviour of the reference stack with one textual
 * change (`find` must occur exactly once in `file`). A mutant the suite does not kill is a gap in the suite.
 */
export interface Mutant {
  id: string;
  /** The requirement the change violates. */
  requirement: string;
  /** What the change breaks, in the contract's words. */
  breaks: string;
  file: string;
  find: string;
  replace: string;
}

export const MUTANTS: Mutant[] = [
  {
    id: 'cancel-leaves-engine-working',
    requirement: 'ORCH-3026',
    breaks: 'a cancel is answered 204 and the client gets nothing more, but the engine is told only a second later',
    file: 'sut/orchestratord/dispatcher.ts',
    find: 'if (entry) {\n      entry.canceled = true;\n      entry.controller.abort();',
    replace: 'if (entry) {\n      entry.canceled = true;\n      setTimeout(() => entry.controller.abort(), 1000);',
  },
  {
    id: 'poison-counts-against-replica',
    requirement: 'ORCH-3040',
    breaks: 'a request every engine refuses counts as a failure of the replica that refused it: poison opens healthy breakers',
    file: 'sut/orchestratord/dispatcher.ts',
    find: "      this.finishTask(task, 'failed', errorEvent('INVALID_PARAMS', err.message, 0, false), replica);",
    replace:
      "      this.directory.reportFailure(replica, err.message);\n      this.finishTask(task, 'failed', errorEvent('INVALID_PARAMS', err.message, 0, false), replica);",
  },
  {
    id: 'no-queue-timeout',
    requirement: 'CHAOS-004',
    breaks: 'a queued task that no replica takes waits forever: no queue timeout',
    file: 'sut/orchestratord/retry-policy.ts',
    find: 'if (now - task.created_ms > policy.queueTimeoutMs)',
    replace: 'if (now < 0)',
  },
  {
    id: 'queued-cancel-ignored',
    requirement: 'OC-CORE-1005',
    breaks: 'the cancel of a queued task is answered 204 but leaves it queued: it runs later',
    file: 'sut/orchestratord/dispatcher.ts',
    find: "if (!task || (task.state !== 'queued' && task.state !== 'running')) return false;",
    replace: "if (!task || task.state !== 'running') return false;",
  },
  {
    id: 'late-idle-timeout',
    requirement: 'OC-CORE-1022',
    breaks: 'the idle watchdog fires at 1.8 times the configured idle timeout (a stalled client waits longer than promised)',
    file: 'sut/orchestratord/engine-client.ts',
    find: 'arm(timeouts.idleMs, `no token for ${timeouts.idleMs} ms (idle timeout)`);',
    replace: 'arm(timeouts.idleMs * 1.8, `no token for ${timeouts.idleMs} ms (idle timeout)`);',
  },
  {
    id: 'missing-model-unavailable',
    requirement: 'ORCH-3091',
    breaks: 'a pool whose model cannot be put in place is refused as unavailable, not as unready with its advisory',
    file: 'sut/orchestratord/api.ts',
    find: 'if (directory.awaitsModel(poolId) && directory.servingReplicas(poolId).length === 0)',
    replace: 'if (false)',
  },
  {
    id: 'no-engine-restart',
    requirement: 'ORCH-3038',
    breaks: 'a crashed engine is never restarted',
    file: 'sut/pool-managerd/supervisor.ts',
    find: 'this.timer = setTimeout(() => this.restart(), backoffMs);',
    replace: 'this.timer = setTimeout(() => undefined, backoffMs);',
  },
  {
    id: 'volatile-queue',
    requirement: 'CHAOS-001',
    breaks: 'admitted tasks live in memory only: an orchestrator restart forgets them',
    file: 'sut/orchestratord/store.ts',
    find: 'this.db = new Database(file);',
    replace: "this.db = new Database(':memory:');",
  },
  {
    id: 'token-after-cancel',
    requirement: 'ORCH-3026',
    breaks: 'a cancel is answered 204 before it takes effect: tokens keep coming after it',
    file: 'sut/orchestratord/api.ts',
    find: 'dispatcher.cancel(req.params.id);',
    replace: 'setTimeout(() => dispatcher.cancel(req.params.id), 300);',
  },
  {
    id: 'silent-truncation',
    requirement: 'OC-CTRL-2028',
    breaks: 'an engine stream that breaks off counts as the end of the generation: the task completes short',
    file: 'sut/orchestratord/engine-client.ts',
    find: "res.on('error', (err: NodeJS.ErrnoException) => fail('WORKER_RESET', `engine stream broke: ${err.code ?? err.message}`));",
    replace:
      "res.on('error', () => { if (settled) return; settled = true; clearTimeout(timer); clearTimeout(wallTimer); resolve({ tokens }); });",
  },
  {
    id: 'no-idle-timeout',
    requirement: 'OC-CORE-1022',
    breaks: 'no idle timeout between tokens: a hung engine hangs its client',
    file: 'sut/orchestratord/engine-client.ts',
    find: 'arm(timeouts.idleMs, `no token for ${timeouts.idleMs} ms (idle timeout)`);',
    replace: 'clearTimeout(timer);',
  },
  {
    id: 'lying-pool-health',
    requirement: 'OC-POOL-3003',
    breaks: 'the pool health reports every replica ready, whatever their state',
    file: 'sut/orchestratord/api.ts',
    find: "const ready = replicas.filter((r) => r.state === 'ready').length;",
    replace: 'const ready = replicas.length;',
  },
  {
    id: 'dispatch-to-unready',
    requirement: 'ORCH-3010',
    breaks: 'tasks are dispatched to replicas that are not ready or not reachable',
    file: 'sut/orchestratord/replicas.ts',
    find: "if (r.managerState !== 'ready' || !this.isReachable(r)) return false;",
    replace: "if (r.managerState === 'stopped') return false;",
  },
  {
    id: 'no-dispatch-retry',
    requirement: 'HTU-1002',
    breaks: 'a dispatch that fails before its first token is not retried elsewhere',
    file: 'sut/orchestratord/retry-policy.ts',
    find: 'if (attempt < policy.retryMaxAttempts) {',
    replace: 'if (attempt < 1) {',
  },
  {
    id: 'non-retriable-errors',
    requirement: 'OC-CTRL-2028',
    breaks: 'mid-stream errors say retriable:false',
    file: 'sut/orchestratord/retry-policy.ts',
    find: "return { event: 'error', data: { code, message, retriable, retry_after_ms: retryAfterMs } };",
    replace: "return { event: 'error', data: { code, message, retriable: false, retry_after_ms: retryAfterMs } };",
  },
  {
    id: 'no-retry-after',
    requirement: 'ORCH-2007',
    breaks: 'refusals carry no Retry-After header',
    file: 'sut/common/envelope.ts',
    find: "return { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterMs / 1000))), 'X-Backoff-Ms': String(retryAfterMs) };",
    replace: "return { 'X-Backoff-Ms': String(retryAfterMs) };",
  },
  {
    id: 'drop-newest',
    requirement: 'ORCH-3005',
    breaks: 'drop-lru evicts the newest queued task instead of the oldest',
    file: 'sut/orchestratord/dispatcher.ts',
    find: "const victim = candidates.filter((t) => t.priority === 'batch')[0] ?? candidates[0];",
    replace: "const victim = candidates.filter((t) => t.priority === 'batch')[0] ?? candidates.at(-1);",
  },
  {
    id: 'no-restart-breaker',
    requirement: 'OC-POOL-3011',
    breaks: 'consecutive crashes never open the restart breaker',
    file: 'sut/pool-managerd/restart-breaker.ts',
    find: 'if (this.consecutiveFailures >= this.policy.breakerThreshold)',
    replace: 'if (this.consecutiveFailures >= Number.POSITIVE_INFINITY)',
  },
  {
    id: 'driver-reset-as-crash',
    requirement: 'ORCH-3053',
    breaks: 'a driver reset is reported as an ordinary crash',
    file: 'sut/pool-managerd/engine-checks.ts',
    find: "if (/CUDA error|cudaErrorLaunchFailure|driver reset/i.test(logTail)) return 'driver_reset: CUDA error in engine log';",
    replace: '',
  },
  {
    id: 'no-adoption',
    requirement: 'CHAOS-003',
    breaks: 'a restarted pool manager starts new engines instead of adopting the live ones',
    file: 'sut/pool-managerd/supervisor.ts',
    find: 'const adopted = await this.tryAdopt();',
    replace: 'const adopted = false;',
  },
  {
    id: 'no-correlation-id',
    requirement: 'OC-CTRL-2052',
    breaks: 'answers carry no X-Correlation-Id',
    file: 'sut/common/http.ts',
    find: "reply.header('X-Correlation-Id', typeof incoming === 'string' && incoming ? incoming : randomUUID());",
    replace: 'void incoming;',
  },
  {
    id: 'resume-duplicates',
    requirement: 'CHAOS-002',
    breaks: 'a stream resumed with Last-Event-ID repeats the last token',
    file: 'sut/orchestratord/api.ts',
    find: 'let next = lastEventId === undefined ? 0 : lastEventId + 1;',
    replace: 'let next = lastEventId === undefined ? 0 : lastEventId;',
  },
  {
    id: 'gpu-cpu-fallback',
    requirement: 'ORCH-1102',
    breaks: 'an engine with no GPU starts anyway (a CPU fallback)',
    file: 'sut/engine-mock/main.ts',
    find: 'if (devices.length === 0) {',
    replace: 'if (devices.length < 0) {',
  },
  {
    id: 'keep-partial',
    requirement: 'OC-POOL-3001',
    breaks: 'a partial model file left by a crash is never discarded',
    file: 'sut/pool-managerd/provisioner.ts',
    find: "const partials = (await readdir(cacheDir)).filter((f) => f.endsWith('.partial'));",
    replace: 'const partials: string[] = [];',
  },
  {
    id: 'no-drain-wait',
    requirement: 'ORCH-3505',
    breaks: 'a graceful shutdown cuts in-flight tasks at once instead of letting them finish',
    file: 'sut/orchestratord/main.ts',
    find: 'const cut = await dispatcher.drainRunning(graceMs);',
    replace: 'const cut = await dispatcher.drainRunning(0);',
  },
  {
    id: 'tokens-not-counted',
    requirement: 'ORCH-3028',
    breaks: 'the tokens-out metric does not count the tokens sent',
    file: 'sut/orchestratord/attempt.ts',
    find: 'metrics.tokensOut.inc(labels);',
    replace: '',
  },
];
