// The map (#/map?community=C&heat=7): the community's site plan with its open tickets, the
// staff on duty, the selected ticket's trajectory and the demand heat as a layer, and the same
// tickets as a list beside it. Tickets follow the event stream; positions are polled.
import { api, withQuery } from './api.js';
import { t } from './i18n.js';
import { setText, now, syncClock } from './util.js';
import { dutyOrder, isActive } from './tickets.js';
import { fanOut } from './geo.js';
import { SitePlan } from './sitemap.js';
import { planProjection, ticketSpot, markerItem, staffItems, staffNote, trajectoryOnPlan } from './placement.js';
import * as panel from './mappanel.js';

const $ = id => document.getElementById(id);
const HEAT_PERIODS = ['1', '7', '30'];
// Positions move while a responder walks; the stream carries tickets only, so staff and the
// selected ticket's trajectory are asked for again this often while the map is shown.
const POSITIONS_REFRESH_MS = 10_000;

const tickets = new Map();   // id -> active TICKET of the community shown
const initialState = () => ({
  communities: null, community: '', site: null, siteError: '', proj: null,
  staff: null, staffError: '', heatDays: '', heat: null, heatError: '',
  selected: null, trajectory: null, ticketsError: '',
});
const state = initialState();
let plan = null;
let visible = false;
let pollTimer = null;
let staffTimer = null;
let buffered = null;         // ticket events that arrive while the list is being fetched

/** Shows the map for the hash query; fetches what it does not hold yet. */
export async function show(query) {
  visible = true;
  const q = new URLSearchParams(query);
  const heat = HEAT_PERIODS.includes(q.get('heat')) ? q.get('heat') : '';
  if (!state.communities) {
    try {
      const { devices } = await api('devices');
      state.communities = [...new Set(devices.map(d => d.community))].sort();
    } catch (err) {
      state.siteError = err.message; // shown by draw(); the next visit asks again
    }
  }
  const known = state.communities || [];
  const wanted = q.get('community');
  const community = known.includes(wanted) ? wanted : state.community || known[0] || '';
  const changed = community !== state.community;
  state.community = community;
  if (changed) {
    Object.assign(state, { site: null, proj: null, selected: null, trajectory: null, heat: null });
    tickets.clear();
  }
  state.heatDays = heat;
  build();
  saveQuery();
  await Promise.all([loadSite(changed || !state.site), loadTickets(), loadStaff(), loadHeat()]);
  clearInterval(pollTimer);
  pollTimer = setInterval(() => { loadStaff(); refreshTrajectory(); }, POSITIONS_REFRESH_MS);
}

export function hide() {
  visible = false;
  clearInterval(pollTimer);
  clearTimeout(staffTimer);
}

/** Forgets everything at log-out: the next user must not see the previous one's positions. */
export function reset() {
  hide();
  tickets.clear();
  Object.assign(state, initialState());
  plan = null;
  drawnBase = null;
  $('view-map').replaceChildren();
}

function saveQuery() {
  const query = withQuery('', { community: state.community, heat: state.heatDays });
  // replaceState: a reload keeps the community and layer without a history entry per click.
  history.replaceState(null, '', '#/map' + query);
}

async function loadSite(needed) {
  const { community } = state;
  if (!needed || !community) return draw();
  try {
    const site = await api(withQuery('site', { community }));
    if (community !== state.community) return; // another community was chosen meanwhile
    state.site = site;
    state.siteError = '';
  } catch (err) {
    state.siteError = err.message;
  }
  draw();
}

/** (Re)fetches the open tickets: on showing the map and after the event stream reconnects. */
export async function loadTickets() {
  const { community } = state;
  if (!visible || !community) return;
  buffered = [];
  try {
    const data = await api(withQuery('tickets', { state: 'active', community, limit: 5000 }));
    if (community !== state.community) return;
    syncClock(data.now);
    tickets.clear();
    for (const tk of data.tickets) tickets.set(tk.id, tk);
    // Events that came while the list was on its way are newer than it.
    for (const tk of buffered) keep(tk);
    state.ticketsError = '';
  } catch (err) {
    state.ticketsError = err.message;
  } finally {
    buffered = null;
  }
  draw();
}

async function loadStaff() {
  try {
    state.staff = (await api('staff')).staff;
    state.staffError = '';
  } catch (err) {
    state.staffError = err.message;
  }
  draw();
}

async function loadHeat() {
  const days = state.heatDays;
  if (!days) { state.heat = null; return draw(); }
  try {
    const data = await api(withQuery('reports/heatmap', { days, community: state.community }));
    if (days !== state.heatDays) return; // another period was chosen meanwhile
    state.heat = new Map();
    for (const c of data.cells) state.heat.set(c.building, (state.heat.get(c.building) || 0) + c.tickets);
    state.heatError = '';
  } catch (err) {
    state.heatError = err.message;
  }
  draw();
}

async function refreshTrajectory() {
  const id = state.selected?.id;
  // A trajectory that ended with the arrival does not change any more.
  if (!id || (state.trajectory?.id === id && state.trajectory.data?.arrived_at)) return;
  try {
    const data = await api(`tickets/${encodeURIComponent(id)}/trajectory`);
    if (state.selected?.id === id) state.trajectory = { id, data };
  } catch (err) {
    if (state.selected?.id === id) state.trajectory = { id, error: err.status === 403 ? t('trajHidden') : t('loadFailed', { error: err.message }) };
  }
  draw();
}

/** A ticket from an event or an action: kept current in place, never a refetch. */
export function applyTicket(ticket) {
  if (ticket.community !== state.community) return;
  buffered?.push(ticket);
  keep(ticket);
  // A dispatch or an arrival moves people: their positions are asked for now, not at the next poll.
  clearTimeout(staffTimer);
  if (visible) staffTimer = setTimeout(loadStaff, 500);
  if (state.selected?.id === ticket.id) {
    state.selected = ticket;
    refreshTrajectory();
  }
  draw();
}

const keep = ticket => (isActive(ticket) ? tickets.set(ticket.id, ticket) : tickets.delete(ticket.id));

function select(id) {
  const ticket = tickets.get(id);
  if (!ticket) return;
  if (state.selected?.id !== id) state.trajectory = null;
  state.selected = ticket;
  // The detail panel is beside the plan, not where focus is: say what was chosen.
  $('status-announcer').textContent = t('announceSelected', { id, reason: ticket.dispatch?.reason || t('mapNoDispatch') });
  refreshTrajectory();
  draw();
}

/** The page's frame, made once per community and language; draw() fills it. */
function build() {
  plan = new SitePlan(t('mapTitle'));
  plan.svg.addEventListener('keydown', e => { if (e.key === 'Escape') { state.selected = null; draw(); } });
  $('view-map').replaceChildren(...panel.frame(plan.svg, {
    communities: state.communities || [], community: state.community, heatDays: state.heatDays, periods: HEAT_PERIODS,
    onCommunity: c => { location.hash = '#/map' + withQuery('', { community: c, heat: state.heatDays }); },
    onHeat: chooseHeat,
  }));
  panel.forget();
  draw(true);
}

function chooseHeat(days) {
  state.heatDays = days;
  saveQuery();
  for (const b of $('view-map').querySelectorAll('[data-heat]')) b.setAttribute('aria-pressed', String(b.dataset.heat === days));
  $('map-legend').replaceWith(panel.legend(days));
  loadHeat();
}

let drawnBase = null; // what the plan's static layers show, so a tick does not redraw them

function draw(force = false) {
  if (!visible || !plan) return;
  const { site } = state;
  const proj = state.proj = planProjection(state.site, state.staff, state.proj);
  const baseKey = proj ? `${proj.key}|${state.heatDays}|${state.heat ? [...state.heat].join() : 'off'}` : '';
  if (baseKey && (force || baseKey !== drawnBase)) {
    plan.drawSite(site, proj, state.heatDays && state.heat ? state.heat : null, panel.planLabels());
    drawnBase = baseKey;
  }
  plan.svg.toggleAttribute('hidden', !proj); // nothing to draw on: the status line says why
  const at = now();
  const ordered = [...tickets.values()].sort((a, b) => dutyOrder(a, b, at));
  const spots = proj ? fanOut(ordered.map(tk => ({ ticket: tk, ...ticketSpot(tk, site, proj) })).filter(i => i.x !== undefined)) : [];
  plan.syncTickets(spots.map(i => markerItem(i, at)), state.selected?.id, select);
  const assignee = state.selected?.assignee || state.selected?.dispatch?.assignee;
  const latest = state.trajectory?.id === state.selected?.id ? state.trajectory?.data?.points?.at(-1) : null;
  plan.drawStaff(proj ? fanOut(staffItems(state.staff, proj, assignee, at, latest), 14, 14) : []);
  drawTrajectory();
  panel.renderList($('map-list'), ordered, state.selected?.id, at, select);
  panel.renderDetail($('map-detail'), state.selected, state.trajectory, at);
  plan.svg.setAttribute('aria-label', t('mapPlan', { community: state.community, buildings: site?.buildings.length ?? 0, tickets: tickets.size }));
  setText($('map-staff-note'), staffNote(state.staff, state.staffError));
  setText($('map-status'), panel.statusLine(state));
}

/** Called every second: countdowns on the markers and in the list. */
export function tick() { draw(); }

/** After a language switch: every label again, from the data held. */
export function rerender() {
  const focused = document.activeElement?.closest?.('[data-ticket-id]');
  const where = focused?.closest('#map-list') ? 'list' : focused ? 'plan' : '';
  build();
  if (where === 'plan') plan.focusMarker(focused.dataset.ticketId);
  if (where === 'list') $('map-list').querySelector(`[data-ticket-id="${focused.dataset.ticketId}"] button`)?.focus();
}

function drawTrajectory() {
  const { points, to, arrived } = trajectoryOnPlan(state.trajectory, state.selected, state.site, state.proj);
  plan.drawTrajectory(points, to, arrived, panel.trajectoryLabels(state.trajectory?.data));
}
