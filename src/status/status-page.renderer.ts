import type { TaskStatus } from '../tasks/task-status.interface.js';
import { escapeHtml as e } from './html-escape.js';
import type { StatusPageModel } from './status-page.model.js';
import type { StatusSection } from './status-section.interface.js';
import { taskTone, type Tone } from './task-tone.js';

const MAX_ERROR_CHARS = 300;

const STYLE = `
body{font:16px/1.4 system-ui,sans-serif;margin:1.5rem;color:#1f2328;background:#fff}
h1{font-size:1.4rem;margin:0 0 .25rem}h2{font-size:1.1rem;margin:1.5rem 0 .5rem}
.meta{color:#57606a;margin-bottom:1rem}
.banner{padding:.75rem 1rem;border-radius:6px;font-weight:600;font-size:1.2rem}
table{border-collapse:collapse;min-width:40rem}th,td{text-align:left;padding:.35rem .75rem;border-bottom:1px solid #d0d7de;vertical-align:top}
th{background:#f6f8fa}
.tone-ok{background:#dafbe1;color:#116329}.tone-warn{background:#fff8c5;color:#7d4e00}
.tone-bad{background:#ffebe9;color:#a40e26}.tone-idle{background:#eaeef2;color:#424a53}
td.state{font-weight:700;text-transform:uppercase}td.name,td.since,td.state{white-space:nowrap}
td.error{font-family:ui-monospace,monospace;font-size:.9rem;max-width:40rem;word-break:break-word}
.empty{color:#57606a;font-style:italic}
`;

/** GET /status as one HTML string. Every interpolated value goes through escapeHtml. */
export function renderStatusPage(m: StatusPageModel): string {
  const worst = worstTone(m.tasks.map((t) => taskTone(t.state)));
  const down = m.tasks.filter((t) => taskTone(t.state) === 'bad');
  const headline = m.shuttingDown
    ? 'Shutting down'
    : down.length > 0
      ? `${down.length} task${down.length === 1 ? '' : 's'} down: ${down.map((t) => t.name).join(', ')}`
      : worst === 'warn'
        ? 'Degraded: a task is starting or backing off'
        : 'All tasks healthy';
  const bannerTone: Tone = m.shuttingDown ? 'warn' : worst;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="refresh" content="${e(m.refreshSeconds)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(headline)} · ${e(m.instanceId)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>clinical-ops-worker</h1>
<div class="meta">instance <strong id="instance-id">${e(m.instanceId)}</strong> · ${e(m.mode)} mode · up ${e(duration(m.now - m.startedAt))} · page at ${e(new Date(m.now).toISOString())}, refreshes every ${e(m.refreshSeconds)} s</div>
<div class="banner tone-${bannerTone}" id="summary">${e(headline)}</div>
<h2>Tasks</h2>
${renderTasks(m.tasks, m.now)}
${m.sections.length > 0 ? m.sections.map(renderSection).join('\n') : '<p class="empty">No module has added a section yet (leader, stream lag and worklist counts appear here once they do).</p>'}
</body>
</html>
`;
}

function renderTasks(tasks: readonly TaskStatus[], now: number): string {
  if (tasks.length === 0) return '<p class="empty">No background tasks are registered.</p>';
  const rows = tasks.map((t) => {
    const tone = taskTone(t.state);
    const error = t.lastError
      ? `${e(t.lastError.name)}: ${e(truncate(t.lastError.message))} <span class="when">(${e(duration(now - t.lastError.at))} ago)</span>`
      : '';
    const flags = [t.critical ? 'critical' : '', t.leaderOnly ? 'leader-only' : '']
      .filter(Boolean)
      .join(', ');
    return `<tr class="task" data-task="${e(t.name)}" data-state="${e(t.state)}" data-tone="${tone}">
<td class="name">${e(t.name)}${flags ? ` <small>(${e(flags)})</small>` : ''}</td>
<td class="state tone-${tone}">${e(t.state)}</td>
<td class="restarts">${e(t.restarts)}</td>
<td class="crashes">${e(t.crashes)}</td>
<td class="since" title="${e(new Date(t.since).toISOString())}">${e(duration(now - t.since))} ago</td>
<td class="error">${error}</td>
</tr>`;
  });
  return `<table id="tasks">
<thead><tr><th>Task</th><th>State</th><th>Restarts</th><th>Crashes</th><th>Since</th><th>Last error</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>`;
}

function renderSection(s: StatusSection): string {
  const rows =
    s.rows.length > 0
      ? s.rows
          .map(([label, value]) => `<tr><th>${e(label)}</th><td>${e(value)}</td></tr>`)
          .join('\n')
      : '<tr><td class="empty">nothing to show</td></tr>';
  return `<section class="contributed"${s.tone ? ` data-tone="${e(s.tone)}"` : ''}>
<h2${s.tone ? ` class="tone-${e(s.tone)}"` : ''}>${e(s.title)}</h2>
<table>
${rows}
</table>
</section>`;
}

function worstTone(tones: Tone[]): Tone {
  if (tones.includes('bad')) return 'bad';
  if (tones.includes('warn')) return 'warn';
  return 'ok';
}

function truncate(text: string): string {
  return text.length > MAX_ERROR_CHARS ? `${text.slice(0, MAX_ERROR_CHARS)}…` : text;
}

/** "3h 4m", "2m 5s", "12s": short enough to read at a glance. */
export function duration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3_600);
  const m = Math.floor((s % 3_600) / 60);
  const sec = s % 60;
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m ${sec}s`;
  return `${sec}s`;
}
