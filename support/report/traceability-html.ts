import type { Status, TraceabilityReport } from './traceability';

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Renders the report as one self-contained HTML page, with deep links into `cucumber.html?query=@ID`. */
export function renderTraceabilityHtml(report: TraceabilityReport, cucumberHtml = 'cucumber.html'): string {
  const badge = (s: Status): string => `<span class="st st-${s.replaceAll(' ', '-').toLowerCase()}">${s}</span>`;
  const link = (query: string, text: string): string => `<a href="${cucumberHtml}?query=${encodeURIComponent(query)}">${esc(text)}</a>`;
  const rows = report.requirements
    .map((r) => {
      const scenarios = r.scenarios.length
        ? `<ul>${r.scenarios
            .map((s) => {
              const faults = s.faults
                .map((f) => `${esc(f.kind)}: ${esc(f.description)} → <b>${esc(f.verdict ?? 'not verified')}</b>`)
                .join('<br>');
              const measures = Object.entries(s.measures)
                .map(([k, v]) => `${esc(k)} = ${v} ms`)
                .join(', ');
              return `<li>${badge(s.status)} ${link(s.name, s.name)} <small>${esc(s.where)} · ${s.durationMs} ms${s.attempts > 1 ? ` · ${s.attempts} attempts` : ''}${s.flaky ? ' · <b>flaky</b>' : ''}</small>${faults ? `<div class="ev">${faults}</div>` : ''}${measures ? `<div class="ev">${measures}</div>` : ''}${s.message ? `<div class="err">${esc(s.message)}</div>` : ''}${s.timelineSvg ? `<details class="tl"><summary>timeline</summary>${s.timelineSvg}</details>` : ''}</li>`;
            })
            .join('')}</ul>`
        : '<i>no scenario</i>';
      return `<tr id="${esc(r.id)}"><td>${link(`@${r.id}`, r.id)}<br><small>${esc(r.level)}${r.parent ? ` · under ${esc(r.parent)}` : ''}</small></td><td><b>${esc(r.title)}</b><br><small>${esc(r.text)}</small><br><small class="src">${esc(r.source)}</small></td><td>${badge(r.status)}${r.reason ? `<br><small>${esc(r.reason)}</small>` : ''}</td><td>${scenarios}</td></tr>`;
    })
    .join('\n');
  const covered = report.requirements.length - report.uncovered.length;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>llama-orch chaos — requirement traceability</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;width:100%}
td,th{border:1px solid #ddd;padding:6px;vertical-align:top;text-align:left}th{background:#f4f4f4}
ul{margin:0;padding-left:1.2em}small{color:#666}.ev{font-size:12px;color:#334}.err{font-size:12px;color:#a00}
.st{display:inline-block;padding:0 6px;border-radius:3px;font-size:11px;font-weight:bold;color:#fff;background:#888}
.st-passed{background:#2a7}.st-partial{background:#e80}.st-empty{background:#c33}.st-failed,.st-ambiguous,.st-undefined{background:#c33}.st-skipped,.st-pending{background:#d90}.st-not-run{background:#999}.st-unproven{background:#c33}.st-not-applicable{background:#57a}
</style></head><body>
<h1>Requirement traceability</h1>
<p>Run ${report.run.success ? 'passed' : 'failed'}: ${report.run.scenarios} scenarios, ${report.run.passed} passed, ${report.run.failed} failed, ${report.run.skipped} skipped or not run, ${report.run.notApplicable ?? 0} not applicable here, ${report.run.durationMs} ms. Generated ${esc(report.generatedAt)}.</p>
<p>${covered} of ${report.requirements.length} requirements covered by at least one scenario.${report.uncovered.length ? ` Uncovered: ${report.uncovered.map((id) => `<a href="#${id}">${id}</a>`).join(', ')}.` : ''}</p>
${report.orphanTags.length ? `<p class="err">Tags not in the registry: ${report.orphanTags.map((o) => `${esc(o.tag)} (${o.scenarios.map(esc).join(', ')})`).join('; ')}</p>` : ''}
${catalogueHtml(report, badge)}
<h2>Requirements</h2>
<table><thead><tr><th>ID</th><th>Requirement</th><th>Status</th><th>Scenarios, fault evidence, recovery figures</th></tr></thead>
<tbody>
${rows}
</tbody></table></body></html>
`;
}

/** The seed's catalogue as a family × failure list, each cell with its worst status and scenario count. */
function catalogueHtml(report: TraceabilityReport, badge: (s: Status) => string): string {
  if (report.catalogue.length === 0) return '';
  const families = [...new Set(report.catalogue.map((c) => c.family))];
  const rows = families
    .map((f) => {
      const cells = report.catalogue
        .filter((c) => c.family === f)
        .map(
          (c) =>
            `<td title="${esc(c.scenarios.join('\n'))}">${esc(c.failure)}<br>${badge(c.status)} <small>${c.scenarios.length} scenario(s)</small></td>`,
        )
        .join('');
      return `<tr><th>${esc(f)}</th>${cells}</tr>`;
    })
    .join('\n');
  return `<h2>Fault catalogue</h2><table class="matrix">${rows}</table>`;
}
