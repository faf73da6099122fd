import type { Mutant } from './mutant';

/** The mutants of the pool manager (sut/pool-managerd): supervision, staging, reloads, drain. */
export const POOL_MANAGER_MUTANTS: Mutant[] = [
  {
    id: 'reload-keeps-old-model',
    requirement: 'ORCH-3031',
    breaks: 'a reload reports the new model but restarts the engines on the old one',
    file: 'sut/pool-managerd/pool.ts',
    find: 'const failure = await this.restartOn(staged.path, newModelRef, readyWithinMs);',
    replace: 'const failure = await this.restartOn(old.path, newModelRef, readyWithinMs);',
  },
  {
    id: 'breaker-forgotten-on-restart',
    requirement: 'OC-POOL-3011',
    breaks: 'a pool manager restarted while a breaker was open forgets its cool-down and restarts the crashing engine at once',
    file: 'sut/pool-managerd/supervisor.ts',
    find: "return m.breaker.state === 'open' ? Math.max(0, m.openUntil - Date.now()) : 0;",
    replace: 'return 0;',
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
    id: 'restart-without-drain',
    requirement: 'ORCH-3505',
    breaks: "a replica's graceful restart stops its engine at once instead of letting its in-flight work finish first",
    file: 'sut/pool-managerd/pool.ts',
    find: 'const drained = await engineIdle(this.config.replicas[k].port, deadlineMs);',
    replace: 'const drained = deadlineMs < 0 && (await engineIdle(this.config.replicas[k].port, deadlineMs));',
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
    id: 'keep-partial',
    requirement: 'OC-POOL-3001',
    breaks: 'a partial model file left by a crash is never discarded',
    file: 'sut/pool-managerd/provisioner.ts',
    find: "const partials = (await readdir(cacheDir)).filter((f) => f.endsWith('.partial'));",
    replace: 'const partials: string[] = [];',
  },
];
