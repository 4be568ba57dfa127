// The duty list: open tickets by time left, filter tiles, selection and (bulk) acknowledgement.
// Rows are keyed DOM nodes updated in place, so live updates never steal focus or a checkbox,
// and the order is held while the officer is working in the list (see isHeld()).
import { api, withQuery } from './api.js';
import { t, label, levelText, ticketTitle } from './i18n.js';
import { h, setText, now, ms, fmtTime, fmtLeft, fmtDuration, place, syncClock } from './util.js';
import {
  ALL_STATES, clockOf, dutyOrder, FILTER_GROUPS, FLAGS, emptyFilters, matchesFilters,
  tileCounts, inScope, filtersToQuery, filtersFromQuery,
} from './tickets.js';

const FILTER_KEY = 'gridwatch.dutyFilters';
const $ = id => document.getElementById(id);

const store = new Map();          // id -> TICKET, kept current by events
const rows = new Map();           // id -> <li>
const selection = new Set();
let order = [];                   // ids in the order shown
let unseen = new Set();           // matching tickets not placed yet because the order is held
let filters = emptyFilters();
let scope = null;                 // null: active tickets; else a heat-map cell
let loadedScopeKey = null;        // which scope the store holds, so returning to the list does not refetch
let loadState = 'idle';           // 'idle' | 'loading' | 'ok' | 'error'
let loadError = '';
let buffered = null;              // events that arrive while a list fetch is in flight
let loadSeq = 0;
let bulkBusy = false;             // a bulk acknowledge is on its way: no second click
let pointerInside = false;
let focusInside = false;
let canAct = false;
let visible = false;

/**
 * While the officer has something selected, or the pointer or focus is in the list, rows must
 * not move under their hand: a row clicked a moment after it jumped is the wrong ticket.
 */
function isHeld() { return selection.size > 0 || pointerInside || focusInside; }

const scopeKey = s => (s ? filtersToQuery(emptyFilters(), s) : 'active');

export function init() {
  const list = $('duty-list');
  list.addEventListener('pointerenter', () => { pointerInside = true; });
  list.addEventListener('pointerleave', () => { pointerInside = false; render(); });
  list.addEventListener('focusin', () => { focusInside = true; });
  list.addEventListener('focusout', e => {
    if (!list.contains(e.relatedTarget)) { focusInside = false; render(); }
  });
  $('ack-selected').addEventListener('click', ackSelected);
  $('clear-selection').addEventListener('click', () => { selection.clear(); render(); });
  $('select-all').addEventListener('change', e => {
    for (const id of order) if (selectable(store.get(id))) e.target.checked ? selection.add(id) : selection.delete(id);
    render();
  });
  $('new-bar-show').addEventListener('click', () => render(true));
  $('duty-scope-clear').addEventListener('click', () => { scope = null; saveFilters(); load(); });
}

/** Role change at log-in: viewers get no checkboxes and no acknowledge buttons. */
export function setCanAct(value) {
  canAct = value;
  for (const row of rows.values()) row.remove();
  rows.clear();
  $('duty-toolbar').hidden = !canAct;
}

/** Forgets everything at log-out, so the next user never sees the previous one's data. */
export function reset() {
  store.clear();
  selection.clear();
  for (const row of rows.values()) row.remove();
  rows.clear();
  order = [];
  unseen.clear();
  loadedScopeKey = null;
  loadState = 'idle';
  loadSeq++; // a fetch still in flight belongs to the previous session: drop its answer
  buffered = null;
  setText($('duty-status'), '');
}

/** Shows the list for the hash query; an empty query restores the filters of this session. */
export function show(query) {
  visible = true;
  setText($('duty-status'), ''); // an earlier "2 acknowledged" is no news on coming back
  if (!query) query = sessionStorage.getItem(FILTER_KEY) || '';
  ({ filters, scope } = filtersFromQuery(query));
  saveFilters();
  if (loadedScopeKey !== scopeKey(scope)) load();
  else render(true);
}

export function hide() { visible = false; }

function saveFilters() {
  const query = filtersToQuery(filters, scope);
  sessionStorage.setItem(FILTER_KEY, query);
  // replaceState: no hashchange event, no history entry per tile click, but a reload or the
  // back button from a ticket comes back to the same filters.
  if (visible) history.replaceState(null, '', '#/' + (query ? '?' + query : ''));
}

/** (Re)fetches the list: on showing it, on a scope change and after the event stream reconnects. */
/** Loads the list; resolves to the tickets fetched (none when a newer load superseded it or it failed). */
export async function load() {
  let loaded = [];
  const seq = ++loadSeq;
  const key = scopeKey(scope);
  loadState = 'loading';
  buffered ??= [];
  render();
  const query = scope
    ? { building: scope.building, opened_from: scope.from, state: ALL_STATES.join(','), limit: 5000 }
    : { state: 'active', limit: 5000 };
  try {
    const data = await api(withQuery('tickets', query));
    if (seq !== loadSeq) return []; // a newer load (reconnect, other scope) supersedes this one
    syncClock(data.now);
    store.clear();
    for (const ticket of data.tickets) if (inScope(ticket, scope)) store.set(ticket.id, ticket);
    // Events that came in during the fetch and are not older than the list go on top of it.
    const listAt = ms(data.now);
    for (const { ticket, at } of buffered) if (!(at < listAt)) keep(ticket);
    loadedScopeKey = key;
    loadState = 'ok';
    loaded = data.tickets;
  } catch (err) {
    if (seq !== loadSeq) return [];
    loadState = 'error';
    loadError = err.message;
  }
  buffered = null;
  render();
  return loaded;
}

/**
 * A ticket from an event (at: the event's time) or an action's answer (no time: newest of
 * all): updated in place, never a full refetch.
 */
export function applyTicket(ticket, at) {
  buffered?.push({ ticket, at: at ? ms(at) : Infinity });
  keep(ticket);
  if (visible) render();
}

function keep(ticket) {
  if (store.has(ticket.id) || inScope(ticket, scope)) store.set(ticket.id, ticket);
}

const selectable = ticket => canAct && ticket && ticket.state === 'open';

/** Called every second and after every change. force: re-sort even while the order is held. */
export function render(force = false) {
  if (!visible) return;
  const at = now();
  const scoped = [...store.values()].filter(tk => inScope(tk, scope));
  const shown = scoped.filter(tk => matchesFilters(tk, filters, at));
  if (force || !isHeld()) {
    order = shown.sort((a, b) => dutyOrder(a, b, at)).map(tk => tk.id);
    unseen = new Set();
    // Tickets that left the scope (resolved elsewhere) were only kept so rows would not vanish.
    for (const id of store.keys()) if (!inScope(store.get(id), scope)) store.delete(id);
    for (const id of selection) if (!order.includes(id)) selection.delete(id);
  } else {
    // Held: rows keep their places (even ones that no longer match, shown dimmed); new
    // matches wait behind the "N new — show" bar.
    order = order.filter(id => store.has(id));
    const placed = new Set(order);
    unseen = new Set(shown.filter(tk => !placed.has(tk.id)).map(tk => tk.id));
  }
  const shownIds = new Set(shown.map(tk => tk.id));
  syncRows(at, shownIds, !force && isHeld());
  renderTiles(scoped, at);
  renderChrome(scoped.length, shown.length);
}

function syncRows(at, shownIds, held) {
  const list = $('duty-list');
  let previous = null;
  for (const id of order) {
    let row = rows.get(id);
    if (!row) rows.set(id, (row = createRow(id)));
    updateRow(row, store.get(id), at, shownIds.has(id), held);
    // Only move nodes that are out of place: moving a node drops its focus.
    const expected = previous ? previous.nextSibling : list.firstChild;
    if (row !== expected) list.insertBefore(row, expected);
    previous = row;
  }
  const placed = new Set(order);
  for (const [id, row] of rows) if (!placed.has(id)) { row.remove(); rows.delete(id); }
}

function createRow(id) {
  const r = {
    select: canAct ? h('input', {
      type: 'checkbox', 'data-select': true,
      on: { change: e => { e.target.checked ? selection.add(id) : selection.delete(id); render(); } },
    }) : null,
    countdown: h('span', { class: 'countdown' }),
    due: h('span', { class: 'due-line' }),
    level: h('span', { class: 'badge level' }),
    title: h('a', { class: 'title', href: `#/tickets/${id}` }),
    id: h('span', { class: 'tid', text: id }),
    sev: h('span', { class: 'badge sev' }),
    state: h('span', { class: 'badge state' }),
    type: h('span', { class: 'c-type' }),
    place: h('span', { class: 'c-place' }),
    resident: h('span', { class: 'c-res' }),
    act: h('div', { class: 'c-act' }),
    ack: null,
  };
  const row = h('li', { class: 'ticket', 'data-ticket-id': id },
    h('div', { class: 'c-sel' }, r.select),
    h('div', { class: 'c-due' }, r.countdown, r.due),
    h('div', { class: 'c-level' }, r.level),
    h('div', { class: 'c-title' }, r.title, r.id),
    h('div', { class: 'c-meta' },
      h('div', { class: 'm-class' }, r.sev, r.state),
      h('div', { class: 'm-where' }, r.place, r.resident),
      r.type),
    r.act);
  row.refs = r;
  return row;
}

function updateRow(row, tk, at, matches, held) {
  const r = row.refs;
  const clock = clockOf(tk, at);
  const level = tk.escalation_level || 0;
  // The acknowledge button exists only while acknowledging is the next step.
  const wantAck = canAct && tk.state === 'open';
  if (wantAck && !r.ack) {
    r.ack = h('button', { type: 'button', class: 'btn primary small', 'data-action': 'ack', on: { click: () => ackOne(tk.id, r) } });
    r.act.append(r.ack);
  } else if (!wantAck && r.ack) {
    r.ack.remove();
    r.ack = null;
  }
  // On cards an empty action row collapses, but not while the order is held: the next card
  // must not slide up under the finger that just acknowledged this one.
  r.keepAct = !!r.ack || (held && r.keepAct);
  row.dataset.state = tk.state;
  row.dataset.severity = tk.severity;
  row.className = `ticket sev-${tk.severity} lvl-${level}` + (clock.overdue ? ' overdue' : '')
    + (matches && inScope(tk, scope) ? '' : ' dimmed') + (selection.has(tk.id) ? ' selected' : '')
    + (r.keepAct ? ' has-act' : '');
  if (r.select) {
    r.select.checked = selection.has(tk.id);
    r.select.disabled = !selectable(tk);
    r.select.setAttribute('aria-label', t('selectRow', { id: tk.id }));
  }
  if (clock.kind === 'done') {
    setText(r.countdown, label('st', tk.state));
    setText(r.due, fmtTime(tk.closed_at || tk.resolved_at || tk.opened_at));
  } else {
    setText(r.countdown, clock.kind === 'paused'
      ? t(clock.left < 0 ? 'pausedOverdue' : 'paused', { d: fmtDuration(clock.left) }) : fmtLeft(clock.left));
    setText(r.due, t(clock.kind === 'respond' ? 'dueRespond' : 'dueResolve', { time: fmtTime(clock.due) }));
  }
  setText(r.level, levelText(level));
  setText(r.title, ticketTitle(tk));
  setText(r.sev, label('sev', tk.severity));
  setText(r.state, label('st', tk.state));
  r.state.dataset.state = tk.state;
  setText(r.type, `${label('type', tk.device_type)} / ${label('cat', tk.category)}`);
  setText(r.place, place(tk));
  setText(r.resident, tk.resident || ''); // left empty, not hidden: it holds its grid column
  if (r.ack && !r.ack.disabled) {
    setText(r.ack, t('ack'));
    r.ack.setAttribute('aria-label', `${t('ack')} ${tk.id}`);
  }
}

function renderTiles(scoped, at) {
  const counts = tileCounts(scoped, at);
  const box = $('duty-filters');
  const groups = [
    ...FILTER_GROUPS.map(({ group, values }) => ({ group, values })),
    { group: 'flag', values: Object.keys(FLAGS) },
  ];
  if (!box.childElementCount) {
    // Built once; later renders only update counts and pressed states (keeps keyboard focus).
    for (const { group, values } of groups) {
      const tiles = values.map(v => h('button', {
        type: 'button', class: `tile tile-${group}-${v}`, 'data-filter': `${group}:${v}`, 'aria-pressed': 'false',
        on: { click: () => toggleFilter(group, v) },
      }, h('span', { class: 'tile-label' }), h('span', { class: 'tile-count' })));
      box.append(h('div', { class: 'tile-group', role: 'group' }, h('span', { class: 'group-label' }), tiles));
    }
    box.append(h('button', { type: 'button', class: 'btn link', id: 'clear-filters', on: { click: clearFilters } }));
  }
  box.querySelectorAll('.tile-group').forEach((el, i) => {
    const key = ['tierGroup', 'levelGroup', 'flagGroup'][i];
    setText(el.querySelector('.group-label'), t(key));
    el.setAttribute('aria-label', t(key));
  });
  for (const tile of box.querySelectorAll('.tile')) {
    const [group, v] = tile.dataset.filter.split(':');
    setText(tile.querySelector('.tile-label'),
      group === 'tier' ? label('sev', v) : group === 'level' ? levelText(Number(v)) : t('f_' + v));
    setText(tile.querySelector('.tile-count'), String(counts[tile.dataset.filter] ?? 0));
    tile.setAttribute('aria-pressed', String(filters[group].has(v)));
  }
  const clear = $('clear-filters');
  setText(clear, t('clearFilters'));
  clear.hidden = !['tier', 'level', 'flag'].some(g => filters[g].size);
}

function toggleFilter(group, value) {
  filters[group].has(value) ? filters[group].delete(value) : filters[group].add(value);
  saveFilters();
  render(true);
}

function clearFilters() {
  filters = emptyFilters();
  saveFilters();
  render(true);
}

function renderChrome(scopedCount, shownCount) {
  const ack = $('ack-selected');
  setText(ack, bulkBusy ? t('acking') : t('ackSelected', selection.size));
  ack.disabled = bulkBusy || selection.size === 0;
  $('clear-selection').disabled = selection.size === 0;
  $('frozen-note').hidden = !isHeld() || selection.size === 0;
  const selectableIds = order.filter(id => selectable(store.get(id)));
  const all = $('select-all');
  all.checked = selectableIds.length > 0 && selectableIds.every(id => selection.has(id));
  all.indeterminate = !all.checked && selectableIds.some(id => selection.has(id));
  $('new-bar').hidden = unseen.size === 0;
  setText($('new-bar-text'), t('newTickets', unseen.size));
  const status = $('duty-status');
  status.title = status.textContent; // the strip is one line: the full text on hover
  $('duty-scope').hidden = !scope;
  if (scope) {
    setText($('duty-scope-text'), t('scopeNote', {
      building: scope.building, category: label('cat', scope.category), period: t('p' + (scope.days || '1')),
    }));
  }
  const empty = $('duty-empty');
  // A failed refresh is shown even above rows still listed: they may be out of date.
  const message = loadState === 'error' ? t('loadFailed', { error: loadError })
    : !order.length ? t(loadState === 'loading' ? 'loading' : scopedCount && !shownCount ? 'emptyFiltered' : 'emptyList') : '';
  empty.hidden = !message;
  setText(empty, message);
}

async function ackOne(id, refs) {
  refs.ack.disabled = true;
  setText(refs.ack, t('acking'));
  try {
    applyTicket(await api(`tickets/${id}/ack`, { method: 'POST', body: {} }));
    setText($('duty-status'), t('ackResult', 1, 0));
  } catch (err) {
    setText($('duty-status'), t('ackFailedItem', { id, error: err.message }));
    if (refs.ack) { refs.ack.disabled = false; render(); }
  }
}

async function ackSelected() {
  const ids = [...selection];
  bulkBusy = true;
  render();
  try {
    const { results } = await api('tickets/ack', { method: 'POST', body: { ids } });
    const failed = results.filter(res => !res.ok);
    for (const res of results) {
      if (res.ok) { selection.delete(res.id); applyTicket(res.ticket); }
    }
    // Failed ones stay selected, with the gateway's reason for each.
    setText($('duty-status'), [t('ackResult', results.length - failed.length, failed.length),
      ...failed.map(res => t('ackFailedItem', { id: res.id, error: res.error }))].join(' · '));
  } catch (err) {
    setText($('duty-status'), err.message);
  }
  bulkBusy = false;
  render();
}
