import { defineParameterType } from '@cucumber/cucumber';

/** `{duration}`: "2 s", "250 ms", "1.5 s" → milliseconds. */
defineParameterType({
  name: 'duration',
  regexp: /(\d+(?:\.\d+)?) ?(ms|s)/,
  transformer: (value: string, unit: string) => Math.round(Number(value) * (unit === 's' ? 1000 : 1)),
});

/** `{replica}`: a replica of the pool by id, "r1", "r2"… */
defineParameterType({ name: 'replica', regexp: /r\d+/, transformer: (s: string) => s });

/** `{pool state}`: the states a pool reports (CONTRACT.md). */
defineParameterType({ name: 'pool state', regexp: /ready|degraded|unready|draining|failed/, transformer: (s: string) => s });

/** `{health}`: the orchestrator's overall status. */
defineParameterType({ name: 'health', regexp: /healthy|degraded|unhealthy/, transformer: (s: string) => s });

/** `{error code}`: an error code of the contract, in quotes. */
defineParameterType({ name: 'error code', regexp: /"([A-Z_]+)"/, transformer: (s: string) => s });

/** `{reachability}`: "reachable" or "unreachable" → boolean. */
defineParameterType({ name: 'reachability', regexp: /reachable|unreachable/, transformer: (s: string) => s === 'reachable' });

/** `{queue policy}`: how a full queue answers, in words → the orchestrator's policy name. */
defineParameterType({
  name: 'queue policy',
  regexp: /rejecting new ones|dropping the oldest/,
  transformer: (s: string) => (s === 'rejecting new ones' ? 'reject' : 'drop-lru'),
});

/** `{target disk}`: a directory of the target a disk fault can fill. */
defineParameterType({ name: 'target disk', regexp: /model cache|engines' log/, transformer: (s: string) => s });

/** `{reload model}`: the model a reload is asked to switch to (support/observe/operations.ts). */
defineParameterType({
  name: 'reload model',
  regexp: /a new model|a missing model|a model whose digest does not match|a corrupt model/,
  transformer: (s: string) => s,
});

/** `{component}`: a daemon of the target by its role, in words → its component name in the profile. */
defineParameterType({
  name: 'component',
  regexp: /orchestrator|pool manager/,
  transformer: (s: string) => (s === 'pool manager' ? 'pool-manager' : 'orchestrator'),
});
