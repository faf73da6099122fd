import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { type ISupportCodeLibrary, loadConfiguration, runCucumber } from '@cucumber/cucumber/api';

/** A part of the catalogue to run: the target profile, where its reports go, which scenarios. */
export interface PartRequest {
  profile: string;
  reports: string;
  tags: string;
  name?: string;
  failFast: boolean;
}

/** How a part ended: passed (no scenario failed) or not; `error` when the run itself could not be made. */
export interface PartAnswer {
  passed: boolean;
  error?: string;
}

/**
 * Runs parts of the catalogue in this process, one at a time, each a whole cucumber run (its BeforeAll and AfterAll,
 * its leak check) with the suite's `ci` profile on one worker, its messages written to `<reports>/messages.ndjson`.
 * The support code is loaded by the first run and reused by every later one (as ScenarioRunner does for the explorer),
 * where a run of its own (`npx cucumber-js`) pays the process start and the loading each time.
 */
export class PartRunner {
  private support?: ISupportCodeLibrary;

  constructor(private readonly root: string) {}

  async run(request: PartRequest): Promise<PartAnswer> {
    // The scenario folders and the formatters follow CHAOS_REPORTS_DIR (support/cucumber/run.ts), read at each run.
    process.env.CHAOS_REPORTS_DIR = request.reports;
    const reports = path.resolve(this.root, request.reports);
    mkdirSync(reports, { recursive: true });
    const suite = (require(path.join(this.root, 'cucumber.js')) as { ci: Record<string, unknown> }).ci;
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
      { cwd: this.root },
    );
    const sink = new PassThrough();
    sink.resume();
    const result = await runCucumber(
      {
        ...runConfiguration,
        formats: { stdout: 'summary', files: { [path.join(reports, 'messages.ndjson')]: 'message' }, publish: false, options: {} },
        support: this.support ?? runConfiguration.support,
      },
      { cwd: this.root, stdout: sink, stderr: sink, env: process.env },
    );
    this.support = result.support;
    return { passed: result.success };
  }
}
