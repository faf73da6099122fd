/// <reference lib="dom" />
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { expect } from 'chai';
import puppeteer, { type Browser } from 'puppeteer-core';
import { tempDir } from '../temp-dir';

const root = path.resolve(__dirname, '..', '..');
const chromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
const shots = path.join(root, 'reports', 'screenshots');

/**
 * The evidence report as a person sees it: a small real run (the steady-state feature) writes its reports into a
 * temporary folder, and headless Chromium (Debian's, driven by puppeteer-core: no browser download) opens them.
 */
describe('the evidence report in a real browser', {
  skip: chromium ? false : 'no chromium on this machine (scripts/install-browser.js says why)',
}, () => {
  let browser: Browser;
  let dir: string;

  before(async () => {
    dir = tempDir('chaos-report-');
    const started = Date.now();
    const run = spawnSync('npx', ['cucumber-js', '-p', 'ci', 'features/steady-state'], {
      cwd: root,
      encoding: 'utf8',
      // One scenario: one worker, in this run's own process (2 workers would each load the support code for it: 1.5 s and
      // 2.2 s of CPU more, measured, beside the real engine's build in CI).
      env: { ...process.env, CHAOS_REPORTS_DIR: dir, CHAOS_WORKERS: '1' },
      timeout: 120_000,
    });
    // The whole output goes to a file; the error carries its tail, so that a CI excerpt shows why the run failed.
    mkdirSync(shots, { recursive: true });
    const log = path.join(root, 'reports', 'browser-test-run.log');
    writeFileSync(log, `${run.stdout}\n${run.stderr}`);
    if (run.status !== 0) {
      const tail = `${run.stdout}\n${run.stderr}`.trimEnd().split('\n').slice(-25).join('\n');
      throw new Error(
        `the small run (features/steady-state) ended with ${run.status ?? run.signal} after ${Date.now() - started} ms ` +
          `(${run.error?.message ?? 'no spawn error'}); whole output in ${log}, its end:\n${tail}`,
      );
    }
    try {
      browser = await puppeteer.launch({
        executablePath: chromium,
        headless: true,
        args: ['--no-sandbox', '--allow-file-access-from-files'],
      });
    } catch (err) {
      throw new Error(`headless ${chromium} did not start: ${(err as Error).message}`);
    }
  });

  after(async () => {
    await browser?.close();
  });

  it("shows the gate's verdict, the catalogue matrix and the requirements on the front page", async () => {
    const page = await browser.newPage();
    await page.setViewport({ width: 1400, height: 1000 });
    await page.goto(pathToFileURL(path.join(dir, 'index.html')).href);
    // One feature of the catalogue ran: its scenario passed, but the gate fails the run (MUST requirements unproven).
    expect(await page.$eval('.verdict', (e) => e.textContent)).to.match(/Run FAILED 1 passed, 0 failed/);
    expect(await page.$eval('#gate', (e) => e.textContent)).to.match(/^gate: MUST requirement ORCH-\d+ \(.+\) is /);
    expect(await page.$$eval('#catalogue td.cell', (cells) => cells.length)).to.be.greaterThan(10);
    expect(await page.$$eval('#requirements tr', (rows) => rows.length)).to.be.greaterThan(30);
    await page.screenshot({ path: path.join(shots, 'front-page.png'), fullPage: false });
  });

  it('a requirement link opens the Cucumber report filtered by that requirement', async () => {
    const page = await browser.newPage();
    await page.goto(pathToFileURL(path.join(dir, 'index.html')).href);
    const href = await page.$eval('#requirements a[href*="CHAOS-002"]', (a) => (a as HTMLAnchorElement).href);
    expect(decodeURIComponent(href)).to.contain('cucumber.html?query=@CHAOS-002');
    await page.goto(href, { waitUntil: 'networkidle0' });
    // innerText, not textContent, here and below: the text the page shows, which is what these checks are about (a
    // reader must see the feature, then no longer see it); textContent would read hidden text as well.
    // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is the point
    await page.waitForFunction(() => document.body.innerText.includes('features/steady-state/healthy-pool.feature'), { timeout: 15_000 });
    await page.screenshot({ path: path.join(shots, 'cucumber-filtered.png') });
    // The same report filtered by a requirement this scenario does not carry lists no such feature: the link filters.
    await page.goto(href.replace('CHAOS-002', 'ORCH-3053'), { waitUntil: 'networkidle0' });
    // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is the point
    await page.waitForFunction(() => document.body.innerText.includes('passed') || document.body.innerText.includes('No scenarios'), {
      timeout: 15_000,
    });
    // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is the point
    expect(await page.evaluate(() => document.body.innerText)).to.not.contain('healthy-pool.feature');
  });

  it('shows a scenario timeline as a visible SVG in the traceability report', async () => {
    const page = await browser.newPage();
    await page.setViewport({ width: 1400, height: 1000 });
    await page.goto(pathToFileURL(path.join(dir, 'traceability.html')).href);
    await page.$eval('details.tl', (d) => ((d as HTMLDetailsElement).open = true));
    const box = await page.$eval('details.tl svg', (svg) => svg.getBoundingClientRect().toJSON());
    expect(box.width, 'timeline width').to.be.greaterThan(300);
    expect(box.height, 'timeline height').to.be.greaterThan(50);
    const svg = await page.$('details.tl svg');
    await svg!.screenshot({ path: path.join(shots, 'timeline.png') });
  });
});
