// The ticket page (#/tickets/T-000001): deadlines, warning levels, the wearer, the timeline and
// the actions the ticket's state allows.
import { api } from './api.js';
import { t, label, levelText, ticketTitle } from './i18n.js';
import { h, setText, now, ms, fmtTime, fmtLeft, fmtAgo, fmtDuration, place } from './util.js';
import { isActive } from './tickets.js';
import { dispatchDetails } from './dispatch.js';
import { followUpForm, followUpFacts } from './followup.js';

const $ = id => document.getElementById(id);

// Actions that need text, the body field it goes in, and whether it is required (docs/api.md).
const TEXT_FIELDS = {
  pending: ['reason', 'fReason', true], reopen: ['reason', 'fReason', true], cancel: ['reason', 'fReason', true],
  assign: ['to', 'fTo', true], comment: ['text', 'fText', true], resolve: ['note', 'fNote', false],
  decline: ['reason', 'fReason', true],
};

let current = null;      // the TICKET shown, with timeline
let currentId = null;
let fetchedAt = 0;       // when `current` arrived: the wearer's data age grows from there
let canAct = false;
let onTicket = () => {};
let refreshTimer = null;
const forms = new Map(); // action -> <form>, kept across refreshes so typed text survives

export function init(onTicketChanged) { onTicket = onTicketChanged; }
export function setCanAct(value) { canAct = value; forms.clear(); }

export async function show(id) {
  if (id !== currentId) {
    forms.clear();
    current = null;
    currentId = id;
    $('view-ticket').replaceChildren(h('p', { class: 'muted', text: t('loading') }));
  }
  await refresh();
}

export function hide() {
  currentId = null;
  current = null;
  forms.clear();
  $('view-ticket').replaceChildren();
}

async function refresh() {
  const id = currentId;
  try {
    const ticket = await api(`tickets/${encodeURIComponent(id)}`);
    if (id !== currentId) return;
    setTicket(ticket);
  } catch (err) {
    if (id !== currentId) return;
    $('view-ticket').replaceChildren(backLink(), h('p', { class: 'error', role: 'alert', text: t('loadFailed', { error: err.message }) }));
  }
}

function setTicket(ticket) {
  current = ticket;
  fetchedAt = now();
  onTicket(ticket);
  render();
}

/** An event for the ticket shown: fetch it again for the timeline (events carry no timeline). */
export function onEvent(ticketId) {
  if (ticketId !== currentId) return;
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(refresh, 300); // one fetch for a burst (warned + transferred)
}

/** After a language switch: new labels, but what the officer already typed stays. */
export function rerender() {
  if (!current) return;
  const typed = [...forms].map(([name, form]) => [name, form.querySelector('input, textarea')?.value]);
  forms.clear();
  render();
  for (const [name, value] of typed) {
    const input = forms.get(name)?.querySelector('input, textarea');
    if (input && value) input.value = value;
  }
}

function backLink() {
  return h('a', { class: 'back', href: '#/', text: '← ' + t('back') });
}

function render() {
  const tk = current;
  const heading = h('h1', { id: 'ticket-h', tabindex: '-1' }, h('span', { class: 'tid', text: tk.id }), ' ', ticketTitle(tk));
  const badges = h('p', { class: 'badges' },
    h('span', { class: `badge sev sev-${tk.severity}`, text: label('sev', tk.severity) }),
    h('span', { class: 'badge state', 'data-state': tk.state, text: label('st', tk.state) }),
    h('span', { class: `badge level lvl-${tk.escalation_level || 0}`, text: levelText(tk.escalation_level) }));
  const view = $('view-ticket');
  const hadFocus = view.contains(document.activeElement) ? document.activeElement : null;
  view.replaceChildren(backLink(), heading, badges,
    h('p', { class: 'note', hidden: !tk.redacted, text: t('redacted') }),
    h('div', { class: 'ticket-grid' },
      h('div', { class: 'col' }, deadlines(tk), warnings(tk), tk.wearer ? wearer(tk.wearer) : null, actions(tk)),
      h('div', { class: 'col' }, facts(tk), tk.dispatch ? section('dispatch', ...dispatchDetails(tk)) : null, timeline(tk))));
  // A refresh must not throw the officer's focus away (they may be typing a reason).
  if (hadFocus && hadFocus.isConnected) hadFocus.focus();
  tick();
}

function section(titleKey, ...children) {
  return h('section', { class: 'panel' }, h('h2', { text: t(titleKey) }), ...children);
}

function facts(tk) {
  const rows = [
    ['colType', `${label('type', tk.device_type)} / ${label('cat', tk.category)}`],
    ['colPlace', place(tk)], ['colResident', tk.resident], ['device', tk.device], ['rule', tk.rule],
    ['team', tk.team], ['assignee', tk.assignee], ['opened', fmtTime(tk.opened_at, true)],
    ['occurrences', tk.occurrences], ['cycle', tk.cycle], ['request', tk.request],
  ].filter(([, v]) => v !== null && v !== undefined && v !== '').map(([k, v]) => [t(k), v]);
  return section('facts', h('dl', { class: 'facts' },
    [...rows, ...followUpFacts(tk)].map(([k, v]) => [h('dt', { text: k }), h('dd', { text: String(v) })])));
}

/** When the current cycle's clocks started: the last reopen, or the opening. */
function cycleStart(tk) {
  const reopened = (tk.timeline || []).filter(e => e.action === 'reopened').pop();
  return ms(reopened?.at || tk.opened_at);
}

function deadlines(tk) {
  const box = h('div', { class: 'deadlines' });
  for (const kind of ['respond', 'resolve']) {
    box.append(h('div', { class: 'deadline', 'data-kind': kind },
      h('div', { class: 'deadline-head' }, h('span', { text: t(kind === 'respond' ? 'respondBy' : 'resolveBy') }),
        h('strong', { text: fmtTime(kind === 'respond' ? tk.respond_by : tk.resolve_by, true) })),
      h('div', { class: 'countdown big' }),
      h('div', { class: 'progress', role: 'progressbar', 'aria-valuemin': '0', 'aria-valuemax': '100' }, h('div', { class: 'bar' })),
      h('div', { class: 'muted small deadline-note' })));
  }
  return section('deadlines', box);
}

/** Where each clock stands now: elapsed share, text, and whether it is (or ended) late. */
function clockState(tk, kind, at) {
  const start = cycleStart(tk);
  const due = ms(kind === 'respond' ? tk.respond_by : tk.resolve_by);
  let until = at;
  let text;
  let note = '';
  if (kind === 'respond' && tk.acknowledged_at) {
    until = ms(tk.acknowledged_at);
    text = t('metAt', { time: fmtTime(until, true) });
  } else if (kind === 'resolve' && !isActive(tk)) {
    // Finished: resolved, closed or cancelled (the last timeline entry says when).
    until = ms(tk.resolved_at || tk.closed_at || tk.timeline?.at(-1)?.at) || at;
    text = `${label('st', tk.state)} ${fmtTime(until, true)}`;
  } else if (kind === 'resolve' && tk.state === 'pending' && tk.pending_since) {
    until = ms(tk.pending_since);
    text = t(due < until ? 'pausedOverdue' : 'paused', { d: fmtDuration(due - until) });
    note = t('pausedSince', { time: fmtTime(until) });
  } else {
    text = fmtLeft(due - at);
  }
  const late = (kind === 'respond' ? tk.response_breached : tk.resolution_breached) || due < until;
  return {
    share: Math.min(1, Math.max(0, (until - start) / Math.max(1, due - start))),
    text, late, note: [note, late ? t('breached') : ''].filter(Boolean).join(' · '),
  };
}

function warnings(tk) {
  const level = tk.escalation_level || 0;
  const list = h('ol', { class: 'warn-steps' });
  (tk.warn_at || []).slice(0, 3).forEach((when, i) => {
    const n = i + 1;
    list.append(h('li', { class: `warn-step lvl-${n}` + (level >= n ? ' fired' : ''), 'data-level': n, 'data-at': when || '' },
      h('span', { class: `badge level lvl-${n}`, text: levelText(n) }),
      h('span', { text: fmtTime(when, true) }),
      h('span', { class: 'warn-status' })));
  });
  return section('warnings', list);
}

function wearer(w) {
  const hasPos = typeof w.lat === 'number' && typeof w.lon === 'number';
  const pos = hasPos ? `${w.lat.toFixed(5)}, ${w.lon.toFixed(5)}` : t('none');
  return section('wearer', h('dl', { class: 'facts wearer' },
    h('dt', { text: t('hr') }), h('dd', { class: 'big', text: w.hr_bpm != null ? `${w.hr_bpm} bpm` : t('none') }),
    h('dt', { text: t('spo2') }), h('dd', { class: 'big', text: w.spo2 != null ? `${w.spo2} %` : t('none') }),
    h('dt', { text: t('worn') }), h('dd', { text: w.worn === false ? t('notWorn') : w.worn ? t('yes') : t('none') }),
    h('dt', { text: t('position') }), h('dd', {}, h('span', { class: 'mono', text: pos }), hasPos ? ' ' : null,
      // geo: hands the position to the phone's own maps app; the dashboard loads no map tiles.
      hasPos ? h('a', { href: `geo:${w.lat},${w.lon}`, text: t('openInMaps') }) : null),
    h('dt', { text: t('dataAge') }), h('dd', { id: 'wearer-age', 'data-age': w.age_seconds ?? '' })));
}

function actions(tk) {
  const available = tk.actions || [];
  if (!canAct || !available.length) return null;
  for (const name of [...forms.keys()]) if (!available.includes(name)) forms.delete(name);
  const list = available.map(name => {
    if (!forms.has(name)) forms.set(name, actionForm(name));
    return forms.get(name);
  });
  return section('actions', h('div', { class: 'actions' }, list), h('p', { id: 'action-status', role: 'status', class: 'status' }));
}

function actionForm(name) {
  if (name === 'follow_up') {
    return followUpForm(current, ticket => {
      forms.delete(name);
      setTicket(ticket);
      const status = $('action-status');
      if (status) setText(status, t('actionDone', { action: t('act_follow_up') }));
    });
  }
  const spec = TEXT_FIELDS[name];
  const inputId = `act-${name}-input`;
  const input = spec && (name === 'comment'
    ? h('textarea', { id: inputId, name: spec[0], rows: '2', required: spec[2] })
    : h('input', { id: inputId, name: spec[0], type: 'text', required: spec[2], autocomplete: 'off' }));
  const error = h('p', { class: 'error', role: 'alert' });
  const button = h('button', { type: 'submit', class: name === 'ack' ? 'btn primary' : 'btn', 'data-action': name, text: t('act_' + name) });
  const form = h('form', { class: `action action-${name}`, novalidate: true },
    input ? h('label', { for: inputId, text: t(spec[1]) }) : null, input, button, error);
  form.addEventListener('submit', e => { e.preventDefault(); perform(name, input, button, error); });
  return form;
}

async function perform(name, input, button, error) {
  const spec = TEXT_FIELDS[name];
  const body = {};
  if (spec) {
    const value = input.value.trim();
    if (spec[2] && !value) {
      setText(error, `${t(spec[1])}?`);
      input.focus();
      return;
    }
    if (value) body[spec[0]] = value;
  }
  setText(error, '');
  button.disabled = true;
  try {
    const ticket = await api(`tickets/${encodeURIComponent(currentId)}/${name}`, { method: 'POST', body });
    forms.delete(name); // done: its text is spent
    setTicket(ticket);
    const status = $('action-status');
    if (status) setText(status, t('actionDone', { action: t('act_' + name) }));
  } catch (err) {
    // 400/409 carry the gateway's reason ("cannot ack a ticket that is closed"): show it as is.
    button.disabled = false;
    setText(error, err.status === 403 ? t('errForbidden') : err.message);
  }
}

function timeline(tk) {
  // Readings that made the rule fire are part of the story: merged in by time.
  const readings = (tk.evidence || []).map(e => ({
    at: e.at, actor: tk.device, action: 'reading',
    detail: Object.entries(e.values || {}).map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : v}`).join(', '),
  }));
  const entries = [...(tk.timeline || []), ...readings].sort((a, b) => ms(a.at) - ms(b.at));
  const body = entries.map(e => h('tr', { class: `tl-${e.action}` },
    h('td', { class: 'nowrap', text: fmtTime(e.at, true) }),
    h('td', { text: e.actor || '' }),
    h('td', { text: e.action === 'reading' ? t('reading') : label('tl', e.action) }),
    h('td', { class: 'detail', text: localTimes(e.detail || '') })));
  return section('timeline', h('div', { class: 'table-wrap' }, h('table', { class: 'timeline' },
    h('thead', {}, h('tr', {}, ['colTime', 'colActor', 'colWhat', 'colDetail'].map(k => h('th', { scope: 'col', text: t(k) })))),
    h('tbody', {}, body))));
}

/** The gateway writes times into details in its own zone ("respond by 2026-11-23T07:26:32+08:00"): show them local. */
function localTimes(text) {
  return text.replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})/g, m => fmtTime(m, true));
}

/** Every second: countdowns, progress bars, the next warning and the wearer's data age. */
export function tick() {
  if (!current) return;
  const at = now();
  const view = $('view-ticket');
  for (const el of view.querySelectorAll('.deadline')) {
    const s = clockState(current, el.dataset.kind, at);
    el.classList.toggle('overdue', s.late);
    setText(el.querySelector('.countdown'), s.text);
    setText(el.querySelector('.deadline-note'), s.note);
    const pct = Math.round(s.share * 100);
    const bar = el.querySelector('.progress');
    bar.setAttribute('aria-valuenow', String(pct));
    bar.setAttribute('aria-label', `${t(el.dataset.kind === 'respond' ? 'respondBy' : 'resolveBy')} ${pct} %`);
    bar.dataset.band = s.share >= 1 ? 'over' : s.share >= 0.8 ? 'late' : s.share >= 0.5 ? 'half' : 'ok';
    bar.firstChild.style.width = `${pct}%`;
  }
  const level = current.escalation_level || 0;
  const responded = !!current.acknowledged_at || !isActive(current);
  for (const el of view.querySelectorAll('.warn-step')) {
    const n = Number(el.dataset.level);
    const status = n <= level ? t('warnFired')
      : responded ? t('warnNotNeeded')
        : n === level + 1 ? t('warnNext', { d: fmtDuration(Math.max(0, ms(el.dataset.at) - at)) }) : t('warnLater');
    el.classList.toggle('next', !responded && n === level + 1);
    setText(el.querySelector('.warn-status'), status);
  }
  const age = $('wearer-age');
  if (age && age.dataset.age !== '') setText(age, fmtAgo(Number(age.dataset.age) * 1000 + (at - fetchedAt)));
}
