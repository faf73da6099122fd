import path from 'node:path';
import { ProcessSpec } from '../processes/process-spec';
import { Wait } from '../processes/wait/wait';
import type { TargetProfile } from './profile';
import { render, renderEnv } from './template';

/** How to start each component of a profile, and what the stack needs to know of where each listens. */
export interface ComponentPlan {
  /** Component name → a fresh spec of its process (its log file is `<dir>/<name>.log`). */
  specs: Map<string, () => ProcessSpec>;
  /** Component name → the URL that answers while it drains. */
  drainingUrls: Map<string, string>;
  /** Component name or `engine-<replica>` → the port it listens on, to check pids against socket owners. */
  listenPorts: Map<string, number>;
}

/** The components' specs and ports, rendered from the profile once its placeholders resolve. */
export function planComponents(
  profile: TargetProfile,
  resolve: (placeholder: string) => unknown,
  replicaIds: string[],
  root: string,
  dir: string,
): ComponentPlan {
  const baseEnv = renderEnv(profile.env, resolve);
  const plan: ComponentPlan = { specs: new Map(), drainingUrls: new Map(), listenPorts: new Map() };
  for (const r of replicaIds) {
    const port = Number((render(profile.replica, resolve, r) as { port?: unknown }).port);
    if (Number.isInteger(port) && port > 0) plan.listenPorts.set(`engine-${r}`, port);
  }
  for (const [name, component] of Object.entries(profile.components)) {
    const env = { ...baseEnv, ...renderEnv(component.env, resolve) };
    const ready = String(render(component.ready, resolve));
    const readyPort = Number(new URL(ready).port);
    if (readyPort > 0) plan.listenPorts.set(name, readyPort);
    if (component.draining) plan.drainingUrls.set(name, String(render(component.draining, resolve)));
    plan.specs.set(name, () =>
      new ProcessSpec(name, component.command)
        .withCwd(root)
        .withEnv(env)
        .withLogFile(path.join(dir, `${name}.log`))
        .withWaitStrategy(Wait.forHttp(ready).forStatus(200))
        .withStartupTimeout(profile.startupTimeoutMs),
    );
  }
  return plan;
}
