// A Cucumber formatter that writes reports/traceability.html (its output) and traceability.json beside it.
// Plain JavaScript because Cucumber loads formatters before it applies `requireModule`; it registers ts-node itself.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { Formatter } = require('@cucumber/cucumber');

require('ts-node').register({ transpileOnly: true, project: path.join(__dirname, '..', '..', 'tsconfig.json') });
const { buildTraceability } = require('../report/traceability.ts');
const { renderTraceabilityHtml } = require('../report/traceability-html.ts');
const { loadCatalogue, loadRequirements } = require('../report/requirements.ts');
const { appendHistory, renderFrontPage, runMetadata } = require('../report/front-page.ts');

class TraceabilityFormatter extends Formatter {
  static documentation = 'Requirement × scenario × status × evidence, as HTML (the output) and JSON (beside it)';

  constructor(options) {
    super(options);
    const envelopes = [];
    options.eventBroadcaster.on('envelope', (envelope) => {
      envelopes.push(envelope);
      if (envelope.testRunFinished) this.write(envelopes, options);
    });
  }

  write(envelopes, options) {
    const registry = path.join(options.cwd, 'features', 'requirements.yaml');
    const report = buildTraceability(envelopes, loadRequirements(registry), loadCatalogue(registry));
    report.profile = process.env.CHAOS_PROFILE || 'profiles/reference.json';
    // Cucumber 12 does not tell a formatter its output path: the folder is the one cucumber.js gives every report.
    const htmlPath = path.resolve(options.cwd, process.env.CHAOS_REPORTS_DIR || 'reports', 'traceability.html');
    fs.mkdirSync(path.dirname(htmlPath), { recursive: true });
    fs.writeFileSync(htmlPath.replace(/\.html$/, '') + '.json', JSON.stringify(report, null, 2));
    this.log(renderTraceabilityHtml(report));
    // The front page beside it, and the run appended to the history (a dry run proves nothing: not recorded).
    if (report.run.scenarios > 0 && report.run.skipped < report.run.scenarios) {
      const dir = path.dirname(htmlPath);
      const meta = runMetadata(options.cwd, report);
      const history = appendHistory(path.join(dir, 'history.jsonl'), report, meta);
      fs.writeFileSync(path.join(dir, 'index.html'), renderFrontPage(report, meta, history, dir));
    }
  }
}

module.exports = TraceabilityFormatter;
