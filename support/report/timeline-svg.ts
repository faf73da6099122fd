import type { TimelineEntry } from '../core/timeline';

/** A pool-state sample for the timeline: when (ms since the scenario started) and the replicas' states. */
export interface PoolSample {
  at: number;
  replicas?: Record<string, string>;
}

const esc = (s: string): string => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
const OUTCOME_COLOUR: Record<string, string> = { completed: '#2a7', failed: '#c33', canceled: '#888', refused: '#e80', open: '#99c' };

/**
 * One scenario on one picture, as an inline SVG (no external assets): the fault windows shaded from injection to heal
 * (a mark where each was verified), the pool's state as a strip (all replicas ready / some / none), every task as a
 * bar from its submission to its terminal event coloured by outcome, and the time-to-detect and time-to-recover marks.
 */
export function renderTimelineSvg(entries: readonly TimelineEntry[], samples: PoolSample[], width = 900): string {
  const end = Math.max(1, ...entries.map((e) => e.at), ...samples.map((s) => s.at));
  const x = (ms: number): number => 60 + (ms / end) * (width - 80);
  const tasks = new Map<string, { from: number; to?: number; outcome: string }>();
  for (const e of entries) {
    const id = String(e.data?.task_id ?? '');
    if (e.name === 'task.submitted') {
      const refused = e.data?.status !== 202;
      tasks.set(id, { from: e.at, to: refused ? e.at + 2 : undefined, outcome: refused ? 'refused' : 'open' });
    }
    if (e.name === 'task.ended' && tasks.has(id)) Object.assign(tasks.get(id)!, { to: e.at, outcome: String(e.data?.outcome ?? 'open') });
  }
  const rows = [...tasks.values()].slice(0, 150);
  const barTop = 70;
  const height = barTop + rows.length * 4 + 40;
  const parts: string[] = [];
  // Fault windows.
  const open: { kind: string; at: number }[] = [];
  for (const e of entries.filter((x) => x.kind === 'fault')) {
    const kind = String(e.data?.kind ?? '');
    if (e.name === 'fault.injected') open.push({ kind, at: e.at });
    if (e.name === 'fault.verified')
      parts.push(`<line x1="${x(e.at)}" x2="${x(e.at)}" y1="20" y2="${height - 20}" stroke="#a33" stroke-dasharray="2,2"/>`);
    if (e.name === 'fault.healed') {
      const k = open.findIndex((o) => o.kind === kind);
      if (k >= 0) {
        const from = open.splice(k, 1)[0].at;
        parts.push(
          `<rect x="${x(from)}" y="20" width="${Math.max(1, x(e.at) - x(from))}" height="${height - 40}" fill="#f3c6c6" opacity="0.5"><title>${esc(kind)}: ${from}–${e.at} ms</title></rect>`,
        );
      }
    }
  }
  for (const o of open)
    parts.push(
      `<rect x="${x(o.at)}" y="20" width="${Math.max(1, x(end) - x(o.at))}" height="${height - 40}" fill="#f3c6c6" opacity="0.5"><title>${esc(o.kind)} from ${o.at} ms, never healed</title></rect>`,
    );
  // Pool state strip.
  samples.forEach((s, k) => {
    const next = samples[k + 1]?.at ?? end;
    const states = Object.values(s.replicas ?? {});
    const ready = states.filter((v) => v === 'ready').length;
    const colour = !s.replicas ? '#ccc' : ready === states.length ? '#2a7' : ready > 0 ? '#e80' : '#c33';
    parts.push(`<rect x="${x(s.at)}" y="40" width="${Math.max(0.5, x(next) - x(s.at))}" height="14" fill="${colour}"/>`);
  });
  // Tasks.
  rows.forEach((t, k) => {
    const to = t.to ?? end;
    parts.push(
      `<rect x="${x(t.from)}" y="${barTop + k * 4}" width="${Math.max(1, x(to) - x(t.from))}" height="3" fill="${OUTCOME_COLOUR[t.outcome] ?? '#99c'}"><title>${t.outcome} ${t.from}–${to} ms</title></rect>`,
    );
  });
  // Measures.
  for (const e of entries.filter((m) => m.kind === 'measure' && (m.name === 'time_to_detect_ms' || m.name === 'time_to_recover_ms'))) {
    const label = e.name === 'time_to_detect_ms' ? 'detected' : 'recovered';
    parts.push(
      `<line x1="${x(e.at)}" x2="${x(e.at)}" y1="14" y2="${height - 20}" stroke="#225" stroke-width="1.5"/><text x="${x(e.at) + 3}" y="14" font-size="10">${label} (${e.data?.ms} ms)</text>`,
    );
  }
  const axis = `<line x1="60" x2="${width - 20}" y1="${height - 20}" y2="${height - 20}" stroke="#333"/><text x="60" y="${height - 6}" font-size="10">0</text><text x="${width - 60}" y="${height - 6}" font-size="10">${end} ms</text>`;
  const legend = `<text x="4" y="52" font-size="10">pool</text><text x="4" y="${barTop + 6}" font-size="10">tasks</text>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif"><rect width="100%" height="100%" fill="#fff"/>${parts.join('')}${axis}${legend}</svg>`;
}
