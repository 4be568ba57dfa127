// Beside the site plan: the open tickets as a list mirroring the markers, the selected
// ticket's dispatch (reason, candidates, resources, arrival, trajectory) and the legend.
import { t, label, ticketTitle } from './i18n.js';
import { h, setText, fmtTime, fmtLeft, place } from './util.js';
import { clockOf } from './tickets.js';
import { dispatchDetails } from './dispatch.js';
import { s, SHAPES } from './sitemap.js';

const items = new Map();  // ticket id -> <li>, kept so the list's focus survives updates
let detailKey = '';       // what the detail panel shows; rebuilt only when it changes

/** A new frame (language, community): the old list and detail nodes are gone. */
export function forget() {
  items.clear();
  detailKey = '';
}

/** The page's frame around the plan: heading, community picker, heat layer, status, legend, list and detail. */
export function frame(svg, { communities, community, heatDays, periods, onCommunity, onHeat }) {
  const picker = communities.length > 1 ? h('label', { class: 'map-picker' }, t('mapCommunity'), ' ',
    h('select', { id: 'map-community', on: { change: e => onCommunity(e.target.value) } },
      communities.map(c => h('option', { value: c, selected: c === community, text: c })))) : null;
  const layer = h('div', { class: 'periods', role: 'group', 'aria-label': t('heatLayer') },
    h('span', { class: 'group-label', text: t('heatLayer') }),
    ['', ...periods].map(d => h('button', {
      type: 'button', class: 'tile', 'data-heat': d, 'aria-pressed': String(d === heatDays), text: d ? t('p' + d) : t('heatOff'),
      on: { click: () => onHeat(d) },
    })));
  return [
    h('h1', { id: 'map-h', tabindex: '-1' }, t('mapTitle'), community ? ` · ${community}` : ''),
    h('div', { class: 'map-controls' }, picker, layer),
    h('p', { id: 'map-status', class: 'error', role: 'alert' }),
    h('div', { class: 'map-layout' },
      h('figure', { class: 'map-figure panel' }, svg, legend(heatDays), h('p', { id: 'map-staff-note', class: 'muted small' })),
      h('aside', { class: 'map-side' },
        h('section', { class: 'panel' }, h('h2', { id: 'map-list-h', text: t('mapOpenTickets') }),
          h('ul', { id: 'map-list', class: 'map-list', 'aria-labelledby': 'map-list-h' })),
        h('section', { id: 'map-detail', class: 'panel map-detail', 'aria-labelledby': 'map-detail-h' }))),
  ];
}

/** The open tickets in duty order; the selected one pressed, like its marker. */
export function renderList(list, ordered, selectedId, at, onSelect) {
  let previous = null;
  for (const tk of ordered) {
    let li = items.get(tk.id);
    if (!li) {
      const refs = { sev: h('span', { class: 'badge sev' }), title: h('span', { class: 'mi-title' }),
        left: h('span', { class: 'countdown' }), where: h('span', { class: 'mi-where' }) };
      const button = h('button', { type: 'button', class: 'map-item', on: { click: () => onSelect(tk.id) } },
        h('span', { class: 'mi-head' }, refs.sev, refs.left), refs.title, refs.where);
      li = h('li', { 'data-ticket-id': tk.id }, button);
      li.refs = { ...refs, button };
      items.set(tk.id, li);
    }
    const r = li.refs;
    const clock = clockOf(tk, at);
    li.className = `sev-${tk.severity}` + (clock.overdue ? ' overdue' : '');
    r.button.setAttribute('aria-pressed', String(tk.id === selectedId));
    setText(r.sev, label('sev', tk.severity));
    setText(r.left, fmtLeft(clock.left));
    setText(r.title, ticketTitle(tk));
    setText(r.where, [place(tk), tk.grid && t('mapGrid', { grid: tk.grid }), tk.assignee || t('mapUnassigned')].filter(Boolean).join(' · '));
    // Only nodes out of place move: moving a node drops its focus.
    const expected = previous ? previous.nextSibling : list.firstChild;
    if (li !== expected) list.insertBefore(li, expected);
    previous = li;
  }
  const shown = new Set(ordered.map(tk => tk.id));
  for (const [id, li] of items) if (!shown.has(id)) { li.remove(); items.delete(id); }
  let empty = list.querySelector('.map-empty');
  if (!ordered.length && !empty) list.append(empty = h('li', { class: 'map-empty muted' }));
  if (empty) ordered.length ? empty.remove() : setText(empty, t('mapNoTickets'));
}

/** The selected ticket: who was sent and why, the candidates, resources within reach, arrival and trajectory. */
export function renderDetail(section, tk, trajectory, at) {
  const key = tk ? JSON.stringify([tk, trajectory, t('dispatch')]) : t('mapSelectHint');
  if (key !== detailKey) {
    detailKey = key;
    const hadFocus = section.contains(document.activeElement);
    section.replaceChildren(...(tk ? detailNodes(tk, trajectory).flat().filter(Boolean) : [
      h('h2', { id: 'map-detail-h', text: t('dispatch') }), h('p', { class: 'muted', text: t('mapSelectHint') })]));
    if (hadFocus) section.querySelector('a')?.focus();
  }
  const left = section.querySelector('.detail-left');
  if (left && tk) setText(left, fmtLeft(clockOf(tk, at).left));
}

function detailNodes(tk, trajectory) {
  const facts = [
    ['colClass', `${label('sev', tk.severity)} / ${label('st', tk.state)}`], ['colPlace', place(tk)],
    ['grid', tk.grid || t('none')], ['colDue', h('span', { class: 'detail-left' })],
  ];
  return [
    h('h2', { id: 'map-detail-h' }, h('span', { class: 'tid', text: tk.id }), ' ', ticketTitle(tk)),
    h('p', {}, h('a', { href: `#/tickets/${encodeURIComponent(tk.id)}`, class: 'map-ticket-link', text: t('mapOpenTicket') })),
    h('dl', { class: 'facts' }, facts.map(([k, v]) => [h('dt', { text: t(k) }), h('dd', {}, v)])),
    h('h3', { text: t('dispatch') }),
    tk.dispatch ? dispatchDetails(tk) : h('p', { class: 'muted', text: t('mapNoDispatch') }),
    h('h3', { text: t('mapTrajectory') }),
    h('p', { id: 'map-trajectory', class: 'muted small', text: trajectoryText(tk, trajectory) }),
  ];
}

function trajectoryText(tk, trajectory) {
  if (!trajectory) return t('loading');
  if (trajectory.error) return trajectory.error;
  const points = trajectory.data.points || [];
  if (!points.length) return t(tk.dispatch?.assignee ? 'trajNone' : 'trajNoDispatch');
  return t('trajPoints', { n: points.length, from: fmtTime(points[0].at, true), to: fmtTime(points[points.length - 1].at, true) });
}

/** What failed or is missing, in one line above the plan (empty when all is well). */
export function statusLine({ site, proj, siteError, ticketsError, heatDays, heatError }) {
  return [siteError && t('mapSiteFailed', { error: siteError }), !siteError && site && !proj ? t('mapNoSite') : '',
    ticketsError && t('loadFailed', { error: ticketsError }), heatDays && heatError ? t('loadFailed', { error: heatError }) : '',
  ].filter(Boolean).join(' · ');
}

/** Tooltips of the trajectory's ends. */
export function trajectoryLabels(data) {
  return {
    start: t('trajStart', { time: fmtTime(data?.dispatched_at || data?.points?.[0]?.at) }),
    end: t('trajEnd', { time: fmtTime(data?.arrived_at) }),
  };
}

/** The buildings' and grids' names and tooltips. */
export function planLabels() {
  return {
        grid: grid => t('mapGrid', { grid }),
    building: (b, n) => t('mapBuilding', { building: b.building, grid: b.grid || t('none'), units: b.units ?? t('none') })
      + (n === null ? '' : ' · ' + t('mapHeatCount', { n })),
  };
}

/** What the shapes and colours mean (shape and text, never colour alone). */
export function legend(heatDays) {
  const swatch = (cls, d) => s('svg', { class: 'legend-swatch', viewBox: '-15 -15 30 30', 'aria-hidden': 'true' }, s('g', { class: cls }, d));
  const entry = (icon, text) => h('li', {}, icon, h('span', { text }));
  return h('figcaption', { id: 'map-legend', class: 'map-legend' }, h('ul', {},
    ['emergency', 'general', 'complex'].map(sev => entry(swatch(`tk-marker sev-${sev}`, s('path', { class: 'tk-shape', d: SHAPES[sev] })), label('sev', sev))),
    entry(swatch('tk-marker sev-general approx', s('path', { class: 'tk-shape', d: SHAPES.general })), t('legApprox')),
    entry(swatch('staff live', s('circle', { r: 9 })), t('legStaffLive')),
    entry(swatch('staff base', s('circle', { r: 9 })), t('legStaffBase')),
    entry(swatch('legend-traj', s('path', { class: 'traj-line', d: 'M-12,8 L-2,-4 L12,-8' })), t('mapTrajectory')),
    heatDays ? entry(swatch('building heated legend-heat', s('rect', { x: -9, y: -7, width: 18, height: 14, rx: 2 })),
      t('legHeat', { period: t('p' + heatDays) })) : null));
}
