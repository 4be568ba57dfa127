// The two overview pages: the heat map (tickets by building × category) and device health.
import { api, withQuery } from './api.js';
import { t, label } from './i18n.js';
import { h, now, ms, fmtTime, fmtAgo, syncClock } from './util.js';
import { filtersToQuery, emptyFilters } from './tickets.js';
import { forecastTable } from './maintenance.js';

const $ = id => document.getElementById(id);
const PERIODS = ['1', '7', '30'];
let heatDays = '1';
let lastHeat = null;     // the answer shown, so a language switch redraws without a fetch
let lastDevices = null;

export async function showHeatmap(query) {
  const days = new URLSearchParams(query).get('days');
  heatDays = PERIODS.includes(days) ? days : '1';
  const view = $('view-heatmap');
  if (!lastHeat || lastHeat.days !== heatDays) view.replaceChildren(h('p', { class: 'muted', text: t('loading') }));
  const requested = heatDays;
  try {
    const data = await api(withQuery('reports/heatmap', { days: requested }));
    if (requested !== heatDays) return; // another period was chosen meanwhile
    lastHeat = { days: requested, data };
    renderHeatmap();
  } catch (err) {
    if (requested !== heatDays) return;
    view.replaceChildren(h('p', { class: 'error', role: 'alert', text: t('loadFailed', { error: err.message }) }));
  }
}

function renderHeatmap() {
  const { data } = lastHeat;
  const cells = new Map(data.cells.map(c => [`${c.building}|${c.category}`, c]));
  const max = Math.max(1, ...data.cells.map(c => c.tickets));
  const periodButtons = PERIODS.map(d => h('a', {
    class: 'tile', href: `#/heatmap?days=${d}`, 'aria-current': d === heatDays ? 'true' : null, text: t('p' + d),
  }));
  const head = h('tr', {}, h('th', { scope: 'col', text: t('building') }),
    data.categories.map(c => h('th', { scope: 'col', text: label('cat', c) })),
    h('th', { scope: 'col', text: t('total') }));
  const body = data.buildings.map(b => {
    let total = 0;
    const tds = data.categories.map(c => {
      const cell = cells.get(`${b}|${c}`);
      const n = cell?.tickets || 0;
      total += n;
      if (!n) return h('td', { class: 'heat-cell zero' }, h('span', { text: '0' }));
      // Opens the duty list on every ticket of this building and category in the period.
      const query = filtersToQuery(emptyFilters(), { building: b, category: c, from: data.from, days: heatDays });
      const link = h('a', {
        class: 'heat-link', href: `#/?${query}`,
        'aria-label': t('heatCell', { building: b, category: label('cat', c), n, active: cell.active }),
      }, h('span', { class: 'heat-n', text: String(n) }),
      cell.active ? h('span', { class: 'heat-active', text: t('activeShort', { n: cell.active }) }) : null);
      const td = h('td', { class: 'heat-cell' }, link);
      td.style.setProperty('--i', (0.15 + 0.85 * n / max).toFixed(3));
      return td;
    });
    return h('tr', {}, h('th', { scope: 'row', text: b }), tds, h('td', { class: 'total', text: String(total) }));
  });
  const table = data.cells.length
    ? h('div', { class: 'table-wrap' }, h('table', { class: 'heat' },
      h('caption', { text: `${fmtTime(data.from)} – ${fmtTime(data.to)}` }),
      h('thead', {}, head), h('tbody', {}, body)))
    : h('p', { class: 'muted', text: t('heatEmpty') });
  $('view-heatmap').replaceChildren(
    h('h1', { id: 'heatmap-h', tabindex: '-1', text: t('heatTitle') }),
    h('nav', { class: 'periods', 'aria-label': t('period') }, periodButtons),
    table);
}

export async function showDevices() {
  const view = $('view-devices');
  if (!lastDevices) view.replaceChildren(h('p', { class: 'muted', text: t('loading') }));
  try {
    const [offline, never, low, all] = await Promise.all(['offline', 'never_seen', 'low_battery', undefined]
      .map(health => api(withQuery('devices', { health }))));
    syncClock(offline.now);
    lastDevices = { offline: offline.devices, never: never.devices, low: low.devices, byType: offline.health_by_type || [], all: all.devices };
    renderDevices();
  } catch (err) {
    view.replaceChildren(h('p', { class: 'error', role: 'alert', text: t('loadFailed', { error: err.message }) }));
  }
}

const pct = rate => `${(rate * 100).toFixed(1)} %`;

function renderDevices() {
  const d = lastDevices;
  const target = d.byType[0]?.target ?? 0.85;
  const bars = h('ul', { class: 'health-bars' }, d.byType.map(row => {
    const below = row.rate < row.target;
    const fill = h('div', { class: 'hb-fill' + (below ? ' below' : '') });
    fill.style.width = `${Math.min(100, row.rate * 100)}%`;
    const mark = h('div', { class: 'hb-target', title: pct(row.target) });
    mark.style.left = `${row.target * 100}%`;
    return h('li', { class: 'hb' + (below ? ' below' : '') },
      h('span', { class: 'hb-name', text: label('type', row.type) }),
      // The numbers are printed next to the bar: the bar itself is decoration for the eye.
      h('div', { class: 'hb-track', 'aria-hidden': 'true' }, fill, mark),
      h('span', { class: 'hb-num' }, h('strong', { text: pct(row.rate) }), ' ',
        h('span', { text: t('healthLine', { healthy: row.healthy, devices: row.devices }) }), ' · ',
        h('span', { class: below ? 'bad' : 'good', text: t(below ? 'belowTarget' : 'onTarget') })));
  }));
  $('view-devices').replaceChildren(
    h('h1', { id: 'devices-h', tabindex: '-1', text: t('devTitle') }),
    h('section', { class: 'panel' }, h('h2', { text: t('healthTitle', { target: pct(target) }) }), bars),
    deviceTable('offlineTitle', d.offline), deviceTable('neverTitle', d.never), deviceTable('lowBatTitle', d.low), forecastTable(d.all));
}

function deviceTable(titleKey, devices) {
  const title = h('h2', {}, t(titleKey), ' ', h('span', { class: 'count', text: `(${devices.length})` }));
  if (!devices.length) return h('section', { class: 'panel' }, title, h('p', { class: 'muted', text: t('noDevices') }));
  const sorted = [...devices].sort((a, b) => (ms(a.last_seen_at) || 0) - (ms(b.last_seen_at) || 0) || a.id.localeCompare(b.id));
  const rows = sorted.map(dev => h('tr', {},
    h('td', { class: 'mono', text: dev.id }),
    h('td', { text: label('type', dev.type) }),
    h('td', { text: [dev.building, dev.unit].filter(Boolean).join('-') }),
    h('td', { text: dev.resident || '' }),
    h('td', { text: dev.last_seen_at ? `${fmtTime(dev.last_seen_at)} (${fmtAgo(now() - ms(dev.last_seen_at))})` : t('never') }),
    h('td', { class: 'num' + (dev.low_battery ? ' bad' : ''), text: dev.battery == null ? t('none') : `${dev.battery} %` }),
    h('td', { class: 'num', text: String(dev.open_tickets ?? 0) })));
  return h('section', { class: 'panel' }, title, h('div', { class: 'table-wrap' }, h('table', { class: 'devices' },
    h('thead', {}, h('tr', {}, ['colDevice', 'colType', 'colPlace', 'colResident', 'colLastSeen', 'colBattery', 'colTickets']
      .map(k => h('th', { scope: 'col', text: t(k) })))),
    h('tbody', {}, rows))));
}

/** Redraws the page shown after a language switch, from the data already fetched. */
export function rerender(which) {
  if (which === 'heatmap' && lastHeat) renderHeatmap();
  if (which === 'devices' && lastDevices) renderDevices();
}

export function reset() { lastHeat = null; lastDevices = null; }
