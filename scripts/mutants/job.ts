/**
 * One job slot of the mutation check (scripts/mutants/suite-runs.ts starts it with `fork`, on its own port stripe):
 * runs the suite's parts against mutants, one at a time, as the parent asks, each a whole cucumber run (its BeforeAll
 * and AfterAll, its leak check) with the `ci` profile on one worker in this process, its messages written to
 * `<reports>/messages.ndjson`. The support code is loaded once, by the first run, and reused by every later one: a
 * run of its own (`npx cucumber-js`) paid about 1.8 s of process start and loading per part.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { type ISupportCodeLibrary, loadConfiguration, runCucumber } from '@cucumber/cucumber/api';

/** A part to run: the mutant's profile, where its reports go, which scenarios. */
export interface JobRequest {
  profile: string;
  reports: string;
  tags: string;
  name?: string;
  failFast: boolean;
}

/** How it ended: passed (no scenario failed), or failed; `error` when the run itself could not be made. */
export interface JobAnswer {
  passed: boolean;
  error?: string;
}

const root = path.resolve(__dirname, '..', '..');
let support: ISupportCodeLibrary | undefined;

async function runPart(request: JobRequest): Promise<JobAnswer> {
  // The scenario folders and the formatters follow CHAOS_REPORTS_DIR (support/cucumber/run.ts), read at each run.
  process.env.CHAOS_REPORTS_DIR = request.reports;
  const reports = path.resolve(root, request.reports);
  mkdirSync(reports, { recursive: true });
  const suite = (require(path.join(root, 'cucumber.js')) as { ci: Record<string, unknown> }).ci;
  const { runConfiguration } = await loadConfiguration(
    {
      file: false,
      provided: {
        ...suite,
        parallel: 0,
        format: [],
        tags: request.tags,
        name: request.name ? [request.name] : [],
        failFast: request.failFast,
        worldParameters: { profile: request.profile },
      },
    },
    { cwd: root },
  );
  const sink = new PassThrough();
  sink.resume();
  const result = await runCucumber(
    {
      ...runConfiguration,
      formats: { stdout: 'summary', files: { [path.join(reports, 'messages.ndjson')]: 'message' }, publish: false, options: {} },
      support: support ?? runConfiguration.support,
    },
    { cwd: root, stdout: sink, stderr: sink, env: process.env },
  );
  support = result.support;
  return { passed: result.success };
}

// The parent gone (the check ended, or was killed), this slot ends too; its runs' own exit hooks reap their stacks.
process.on('disconnect', () => process.exit(0));
process.on('message', (request: JobRequest) => {
  runPart(request).then(
    (answer) => process.send?.(answer),
    (err: unknown) => process.send?.({ passed: false, error: err instanceof Error ? err.message : String(err) } satisfies JobAnswer),
  );
});
