import { setTimeout as delay } from 'node:timers/promises';
import { childrenOf, isZombie } from '../core/pids';
import { markStopping, stoppingSignal } from '../core/stopping';
import { reapAll } from '../processes/reaper';
import { onStopSignal, STOP_SIGNALS, type StopSignal } from '../processes/stop-signals';
import { tearDownRun } from './run';
import type { ChaosWorld } from './world';

/** How long a runner's heal of its interrupted scenario may take before it tears down and kills what is left. */
const HEAL_MS = 3000;
/** How long the coordinator of a parallel run waits for its workers to heal and exit before it kills them. */
const WORKERS_MS = HEAL_MS + 5000;

let installed = false;

/**
 * On SIGINT/SIGTERM a runner heals the active scenario's faults (bounded), stops Toxiproxy and kills every process it
 * started before exiting; on any exit, the reaper runs synchronously. What a SIGKILLed runner leaves is found and
 * killed by the next run's `BeforeAll` (processes carry the runner's owner tag).
 *
 * One stop, whatever the number of signals (`onStopSignal`): a later one is said and changes nothing.
 *
 * The coordinator of a parallel run (a process with no run set up: its workers have the scenarios) passes the signal
 * on to its workers and exits only once they are gone, with the signal's exit code: the shell's prompt comes back
 * when nothing of the run is left, and no worker writes to a coordinator that is no longer there. Before, the
 * coordinator had no handler: a Ctrl-C ended it at once, its workers then failed writing to it (ERR_IPC_CHANNEL_CLOSED),
 * and `npx cucumber-js -p ci` on 2 workers, sent Ctrl-C twice 100 ms apart, left its stacks running 2 times in 3.
 *
 * Installed once per process (the explorer runs many cucumber runs in one).
 */
export function installSignalHandlers(runner: {
  /** The scenario running in this process, if any. */
  activeScenario: () => ChaosWorld | undefined;
  /** Whether this process runs scenarios (it set up a run), not only hands them out. */
  runsScenarios: () => boolean;
  /** Finds what of the run is still there (processes, proxies, mounts, cgroups), removes it and says what it was. */
  sweepRun: () => Promise<string[]>;
}): void {
  if (installed) return;
  installed = true;
  process.once('exit', () => reapAll());
  onStopSignal(
    ['SIGINT', 'SIGTERM'],
    (signal) => {
      markStopping(signal);
      // The code the process ends with, also when cucumber ends it first (a coordinator whose workers have exited).
      process.on('exit', () => {
        process.exitCode = STOP_SIGNALS[signal];
      });
      void (runner.runsScenarios() ? healThenExit(runner.activeScenario(), runner.sweepRun) : workersThenExit(signal));
    },
    (signal, first) => {
      // Said by the process the user started (a worker also gets the signal its coordinator passes on).
      if (process.env.CUCUMBER_WORKER_ID === undefined)
        process.stderr.write(`[chaos] ${signal} while stopping on ${first}: still healing and stopping what the run started\n`);
    },
  );
}

async function healThenExit(world: ChaosWorld | undefined, sweepRun: () => Promise<string[]>): Promise<never> {
  world?.faults.interrupt();
  world?.workload.stop();
  const heal = Promise.all([world?.faults.healAll(), world?.stack?.stop()]).catch(() => undefined);
  await Promise.race([heal, delay(HEAL_MS)]);
  // What the scenario mounted and grouped goes whether or not the heal ended in time: a stack whose orchestrator
  // drains takes its whole stop grace (3 s), and a disposal chained after it left a full disk mounted (seen once in 2).
  reapAll();
  await Promise.race([world?.faults.disposeAll().catch(() => undefined), delay(HEAL_MS)]);
  // Whatever else of the run's prefix is still there (support/core/stopping.ts says why nothing new should be) goes now.
  for (const line of await sweepRun().catch((err: Error) => [`sweeping the run failed: ${err.message}`]))
    process.stderr.write(`[chaos] after ${stoppingSignal()}: ${line}\n`);
  await tearDownRun().catch(() => undefined);
  reapAll();
  process.exit();
}

async function workersThenExit(signal: StopSignal): Promise<never> {
  // Cucumber ends the run once its workers are gone and reports it, and its summary throws on a scenario that never
  // finished, which its command line prints whole: said in one line instead, not as a stack trace.
  const report = console.error;
  console.error = (...args: unknown[]) => {
    if (!(args[0] instanceof Error)) return report(...args);
    process.stderr.write(`[chaos] stopped on ${signal} before every scenario ended: the reports are incomplete (${args[0].message})\n`);
  };
  const workers = (): number[] => childrenOf(process.pid).filter((pid) => !isZombie(pid));
  for (const pid of workers()) signalIfAlive(pid, signal); // a worker already stopping says so and goes on
  const deadline = Date.now() + WORKERS_MS;
  while (workers().length > 0 && Date.now() < deadline) await delay(50);
  const left = workers();
  if (left.length > 0)
    process.stderr.write(`[chaos] workers ${left.join(', ')} still running ${WORKERS_MS} ms after ${signal}: killing them\n`);
  for (const pid of left) signalIfAlive(pid, 'SIGKILL');
  reapAll();
  process.exit();
}

function signalIfAlive(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    /* gone meanwhile */
  }
}
