// The Reports page (#/reports?period=2026-Q4&community=C): the assessment of a month, quarter or
// year (GET /api/v1/reports/kpi): the composite index, the groups of the "3+X" model, each
// indicator against its target with its last seven periods as a sparkline, the downloads, and
// the period's SLA figures below (slareport.js).
import { api, withQuery, fetchFile } from './api.js';
import { t, getLang } from './i18n.js';
import { h } from './util.js';
import { sparkline } from './sparkline.js';
import { slaSection } from './slareport.js';
import { KINDS, parsePeriod, formatPeriod, recent, toKind, monthOf, dayRange } from './period.js';

const $ = id => document.getElementById(id);
const CHOICES = { month: 24, quarter: 12, year: 6 }; // how far back the period list reaches
// The files the gateway writes (`format=`), each a download button.
const FORMATS = [{ format: 'csv', label: 'kpiCsv' }, { format: 'xlsx', label: 'kpiXlsx' }];
let shown = null;         // {period, community, report}: redrawn after a language switch without a fetch
let current = null;       // the month under way, as the gateway's calendar has it
let communities = null;   // the inventory's communities, fetched once
let fileNote = null;      // the last download's outcome: {key, vars, error}, worded at each render
let asked = 0;            // numbers the fetches: only the latest one's answer is drawn

/** Shows the assessment for the hash query; without a period, the gateway's month under way. */
export async function showReports(query) {
  const q = new URLSearchParams(query);
  const period = parsePeriod(q.get('period')) ? q.get('period') : '';
  const community = q.get('community') || '';
  const view = $('view-reports');
  // The last assessment stays on screen (marked busy) while another loads: no jump to a blank page.
  if (!shown) view.replaceChildren(h('h1', { id: 'reports-h', tabindex: '-1', text: t('kpiTitle') }), h('p', { class: 'muted', text: t('loading') }));
  view.setAttribute('aria-busy', 'true');
  const ask = ++asked;
  try {
    const [report] = await Promise.all([api(withQuery('reports/kpi', { period, community })), loadCommunities()]);
    if (ask !== asked) return; // another period or community was chosen meanwhile
    // The answer without a period is the gateway's own month: the calendar's zone, not this screen's.
    current = period ? current || monthOf(report.now_ms) : parsePeriod(report.period);
    shown = { period, community, report };
    fileNote = null;
    render();
  } catch (err) {
    if (ask !== asked) return;
    shown = null;
    view.replaceChildren(h('h1', { id: 'reports-h', tabindex: '-1', text: t('kpiTitle') }),
      h('p', { class: 'error', role: 'alert', text: t('loadFailed', { error: err.message }) }));
  } finally {
    if (ask === asked) view.removeAttribute('aria-busy');
  }
}

async function loadCommunities() {
  if (communities) return;
  try {
    const { devices } = await api('devices');
    communities = [...new Set(devices.map(d => d.community))].sort();
  } catch { communities = null; /* the picker offers "all" only; the next visit asks again */ }
}

function go(period, community) {
  location.hash = '#/reports' + withQuery('', { period, community });
}

function render() {
  const { report } = shown;
  $('view-reports').replaceChildren(
    h('h1', { id: 'reports-h', tabindex: '-1', text: t('kpiTitle') }),
    controls(report), summary(report), indicatorTable(report), slaSection(report.sla, report.period));
  showFileNote();
}

function controls(report) {
  const chosen = parsePeriod(report.period);
  const kinds = KINDS.map(kind => h('button', {
    type: 'button', class: 'tile', 'data-kind': kind, 'aria-pressed': String(kind === chosen.kind), text: t('kind_' + kind),
    on: { click: () => go(formatPeriod(toKind(chosen, kind, current)), shown.community) },
  }));
  const options = recent(chosen.kind, current || chosen, CHOICES[chosen.kind]);
  if (!options.includes(report.period)) options.unshift(report.period);
  const periodSelect = h('select', { id: 'kpi-period', on: { change: e => go(e.target.value, shown.community) } },
    options.map(p => h('option', { value: p, selected: p === report.period, text: p })));
  const known = communities || [];
  const communitySelect = h('select', { id: 'kpi-community', on: { change: e => go(report.period, e.target.value) } },
    h('option', { value: '', text: t('kpiAllCommunities') }),
    [...new Set([...known, ...(report.community ? [report.community] : [])])]
      .map(c => h('option', { value: c, selected: c === report.community, text: c })));
  const downloads = FORMATS.map(f => h('button', {
    type: 'button', class: 'btn small', id: `kpi-download-${f.format}`, text: t(f.label), on: { click: () => download(f.format) },
  }));
  return h('div', { class: 'panel kpi-controls' },
    h('div', { class: 'tile-group', role: 'group', 'aria-label': t('kpiKind') }, kinds),
    h('label', { class: 'kpi-field' }, h('span', { text: t('kpiPeriod') }), periodSelect),
    h('label', { class: 'kpi-field' }, h('span', { text: t('kpiCommunity') }), communitySelect),
    h('div', { class: 'kpi-downloads', role: 'group', 'aria-label': t('kpiDownloads') },
      h('span', { class: 'muted', text: t('kpiDownloads') }), downloads,
      h('span', { id: 'kpi-file-note', role: 'status' })));
}

/** Fetches the file with the token (a plain link could not carry it) and saves it. */
async function download(format) {
  const { report } = shown;
  try {
    const fallback = `kpi-${report.period}.${format}`;
    const { blob, filename } = await fetchFile(withQuery('reports/kpi', { period: report.period, community: report.community, format }), fallback);
    const url = URL.createObjectURL(blob);
    const link = h('a', { href: url, download: filename, hidden: true });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    fileNote = { key: 'kpiDownloaded', vars: { file: filename }, error: false };
  } catch (err) {
    fileNote = { key: 'kpiDownloadFailed', vars: { error: err.message }, error: true };
  }
  showFileNote();
}

function showFileNote() {
  const note = $('kpi-file-note');
  if (!note) return;
  note.className = fileNote?.error ? 'error' : 'muted';
  note.textContent = fileNote ? t(fileNote.key, fileNote.vars) : '';
}

const points = value => (value === null || value === undefined ? t('none') : value.toFixed(1));

export function formatValue(value, unit) {
  if (value === null || value === undefined) return t('none');
  return unit === 'share' ? `${(value * 100).toFixed(1)} %` : value.toFixed(1);
}

function summary(report) {
  const underWay = report.now_ms < report.to_ms;
  const range = dayRange(parsePeriod(report.period));
  const trend = report.index_trend;
  const groups = report.groups.map(g => h('li', { class: 'kpi-group', 'data-group': g.group },
    h('span', { class: 'kpi-group-name', text: t('group_' + g.group) }),
    h('strong', { text: points(g.score) }), h('span', { class: 'muted', text: ` / ${points(g.share)}` }),
    h('span', { class: 'muted small', text: t('kpiGroupWeight', { weight: String(g.weight) }) })));
  return h('section', { class: 'panel kpi-summary', 'aria-labelledby': 'kpi-index-h' },
    h('div', { class: 'kpi-index' },
      h('h2', { id: 'kpi-index-h', text: t('kpiIndex') }),
      h('p', { class: 'kpi-index-value' }, h('span', { id: 'kpi-index', text: points(report.index) }), h('span', { class: 'muted', text: ' / 100' })),
      h('p', { class: 'muted' }, `${report.period} · ${report.community || t('kpiAllCommunities')} · ${range}`,
        underWay ? h('span', { class: 'kpi-under-way', text: ' · ' + t('kpiUnderWay') }) : null)),
    h('figure', { class: 'kpi-index-trend' },
      sparkline(trend, { label: t('kpiIndexTrend', { values: trend.map(p => `${p.period} ${points(p.value)}`).join(', ') }),
        className: 'large', format: points }),
      h('figcaption', { class: 'muted small', text: `${trend[0]?.period} – ${trend[trend.length - 1]?.period}` })),
    h('ul', { class: 'kpi-groups', 'aria-label': t('kpiGroups') }, groups));
}

function metCell(row) {
  const state = row.met === true ? 'met' : row.met === false ? 'missed' : 'none';
  const text = t(state === 'met' ? 'kpiMet' : state === 'missed' ? 'kpiMissed' : 'kpiNoData');
  return h('td', { class: 'kpi-met', 'data-met': state },
    h('span', { class: `badge met-${state}`, text }),
    row.periods_below_target >= 2 ? h('div', { class: 'bad small', text: t('kpiBelowRun', row.periods_below_target) }) : null);
}

function indicatorTable(report) {
  const lang = getLang();
  const rows = report.indicators.map(row => {
    const title = row.title[lang === 'zh' ? 'zh' : 'en'];
    const target = (row.direction === 'max' ? '≤ ' : '≥ ') + formatValue(row.target, row.unit);
    const values = row.trend.map(p => `${p.period} ${formatValue(p.value, row.unit)}`).join(', ');
    return h('tr', { 'data-indicator': row.id, class: row.met === false ? 'missed' : null },
      h('th', { scope: 'row', class: 'kpi-title', text: title }),
      h('td', { class: 'muted kpi-group-col', text: t('group_' + row.group) }),
      h('td', { class: 'num kpi-value', text: formatValue(row.value, row.unit) }),
      h('td', { class: 'num kpi-target', text: target }),
      metCell(row),
      h('td', { class: 'num kpi-score', text: row.score === undefined ? t('none') : `${points(row.score)} / ${points(row.share)}` }),
      h('td', { class: 'kpi-trend' }, sparkline(row.trend, { target: row.target, label: t('kpiTrend', { title, values }), format: v => formatValue(v, row.unit) })));
  });
  const head = ['colIndicator', 'colGroup', 'colValue', 'colTarget', 'colMet', 'colScore', 'colTrend']
    .map(k => h('th', { scope: 'col', class: ['colValue', 'colTarget', 'colScore'].includes(k) ? 'num' : k === 'colGroup' ? 'kpi-group-col' : null,
      text: t(k) }));
  return h('section', { class: 'panel', 'aria-labelledby': 'kpi-indicators-h' },
    h('h2', { id: 'kpi-indicators-h', text: t('kpiIndicators') }),
    h('div', { class: 'table-wrap' }, h('table', { class: 'kpi-table', id: 'kpi-table' },
      h('thead', {}, h('tr', {}, head)), h('tbody', {}, rows))),
    h('p', { class: 'muted small', text: t('kpiScoreNote') }));
}

/** Redraws after a language switch from the answer already held. */
export function rerender() { if (shown) render(); }

export function reset() { shown = null; current = null; communities = null; fileNote = null; }
