/**
 * Runs the target of a profile by hand, in the foreground: `npm run stack -- --replicas 3 [--profile FILE]`.
 * Prints the URLs, then keeps everything up until Ctrl-C, which stops all of it (Toxiproxy included).
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { reapAll } from '../support/processes/reaper';
import { onStopSignal } from '../support/processes/stop-signals';
import { loadProfile } from '../support/stack/profile';
import { StartedStack } from '../support/stack/stack';
import { ToxiproxyService } from '../support/stack/toxiproxy';

// Whatever happens below, nothing we started outlives this script.
process.once('exit', () => reapAll());

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      replicas: { type: 'string', default: '3' },
      slots: { type: 'string' },
      profile: { type: 'string', default: 'profiles/reference.json' },
    },
  });
  const replicas = Number(values.replicas);
  if (!Number.isInteger(replicas) || replicas < 1)
    throw new Error(`Expected \`--replicas\` to be a positive integer, got \`${values.replicas}\``);
  const root = path.resolve(__dirname, '..');
  const dir = path.join(root, 'reports', 'stack', String(Date.now()));
  const profile = loadProfile(path.resolve(root, values.profile!));
  const toxiproxy = await ToxiproxyService.start(dir);
  const stack = await StartedStack.start(
    profile,
    { replicas, slots: values.slots ? Number(values.slots) : undefined, dir, proxyPrefix: `llorch_manual_${process.pid}_` },
    toxiproxy,
  );
  console.log(`llama-orch reference stack (${profile.name}), ${replicas} replica(s), data and logs in ${path.relative(root, dir)}`);
  console.log(`  orchestrator   ${stack.orchestratorUrl}   (try: curl ${stack.orchestratorUrl}/v2/pools/${profile.pool.id}/health)`);
  console.log(`  pool-manager   ${stack.poolManagerUrl}`);
  console.log(`  toxiproxy      ${toxiproxy.url}   (proxies: curl ${toxiproxy.url}/proxies)`);
  console.log('Ctrl-C stops everything.');
  onStopSignal(['SIGINT', 'SIGTERM', 'SIGHUP'], async () => {
    await stack.stop();
    await toxiproxy.stop();
    reapAll();
    process.exit(0);
  });
}

main().catch((err) => {
  console.error(`stack: ${(err as Error).message}`);
  reapAll();
  process.exit(1);
});
