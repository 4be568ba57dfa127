// Start-up, log-in, routing and the header: wires the views to the API and the event stream.
import { api, loadToken, saveToken, clearToken, setUnauthorizedHandler, EventStream } from './api.js';
import { t, getLang, setLang, applyStatic } from './i18n.js';
import { setText, fmtTime } from './util.js';
import * as duty from './duty.js';
import * as ticketPage from './ticket.js';
import * as reports from './reports.js';
import * as kpi from './kpi.js';
import * as map from './map.js';
import * as alarm from './alarm.js';
import * as followUps from './followup.js';
import * as requestForm from './request.js';

const $ = id => document.getElementById(id);
const THEME_KEY = 'gridwatch.theme';
const VIEWS = ['login', 'duty', 'ticket', 'map', 'heatmap', 'devices', 'followups', 'request', 'reports'];

let session = null;          // {name, role} once the gateway accepted the token
let currentView = null;
let wasStale = false;
let bootRetry = null;

const stream = new EventStream({
  onEvent: (name, data) => {
    if (!data.ticket) return;
    duty.applyTicket(data.ticket, data.at);
    map.applyTicket(data.ticket);
    alarm.onEvent(name, data.ticket);
    ticketPage.onEvent(data.ticket_id || data.ticket.id);
  },
  // After a drop the resumed stream replays what was missed, but a refetch also covers events
  // older than the gateway keeps and the time before the first connection.
  onOpen: () => {
    map.loadTickets();
    return duty.load().then(tickets => alarm.adopt(tickets || []));
  },
  onStatus: () => renderFreshness(),
});

// ---- session ------------------------------------------------------------------------------

async function boot() {
  applyStatic(document);
  renderTheme();
  setUnauthorizedHandler(() => endSession(t('errSessionEnded')));
  duty.init();
  ticketPage.init(ticket => { duty.applyTicket(ticket); map.applyTicket(ticket); });
  alarm.init(ticket => { duty.applyTicket(ticket); map.applyTicket(ticket); });
  // The hash is the router's: the skip link moves focus itself instead of navigating to #main.
  $('skip').addEventListener('click', event => { event.preventDefault(); $('main').focus(); });
  $('login-form').addEventListener('submit', login);
  $('logout').addEventListener('click', () => endSession(''));
  $('lang').addEventListener('click', switchLanguage);
  $('theme').addEventListener('click', toggleTheme);
  matchMedia('(prefers-color-scheme: dark)').addEventListener('change', renderTheme);
  window.addEventListener('hashchange', () => route(true));
  // The emergency banner floats over the bottom of the page instead of pushing the list down
  // (rows must not move under the officer's pointer); the page gets as much room at its end.
  new ResizeObserver(([entry]) => document.documentElement.style
    .setProperty('--banner-h', `${entry.target.offsetHeight}px`)).observe($('emergency-banner'));
  setInterval(tick, 1000);
  await resume();
}

/** A token from an earlier visit: check it again; if the gateway is unreachable, keep trying. */
async function resume() {
  clearTimeout(bootRetry);
  const token = loadToken();
  if (!token) return showLogin('');
  try {
    startSession(await api('whoami'));
  } catch (err) {
    if (err.status === 401) return; // the unauthorized handler already showed the log-in form
    showLogin(t('errNetwork'));
    bootRetry = setTimeout(resume, 5000); // a duty screen that booted before the gateway recovers alone
  }
}

async function login(event) {
  event.preventDefault();
  const token = $('token').value.trim();
  const error = $('login-error');
  if (!token) {
    setText(error, t('errTokenEmpty'));
    $('token').focus();
    return;
  }
  const button = $('login');
  button.disabled = true;
  setText(button, t('checking'));
  setText(error, '');
  try {
    const who = await api('whoami', { token });
    saveToken(token, $('remember').checked);
    $('token').value = '';
    startSession(who);
  } catch (err) {
    setText(error, err.status === 401 || err.status === 403 ? t('errTokenRejected') : err.status === 0 ? t('errNetwork') : err.message);
    $('token').focus();
  } finally {
    button.disabled = false;
    setText(button, t('loginButton'));
  }
}

function startSession(who) {
  clearTimeout(bootRetry);
  session = who;
  const canAct = who.role !== 'viewer';
  setText($('whoami'), who.name);
  setText($('whoami-role'), t('role_' + who.role));
  document.body.classList.toggle('read-only', !canAct);
  duty.setCanAct(canAct);
  ticketPage.setCanAct(canAct);
  alarm.setCanAct(canAct);
  // Logging a resident's request is acting: viewers do not get the form.
  $('log-request').hidden = !canAct;
  for (const id of ['app-nav', 'user', 'sound-controls', 'updated-at']) $(id).hidden = false;
  wasStale = false;
  stream.start();
  renderFreshness();
  route(false);
}

/** Log-out, or a 401 at any time: forget the token and everything seen, back to the form. */
function endSession(message) {
  clearToken();
  session = null;
  stream.stop();
  alarm.clear();
  duty.reset();
  reports.reset();
  kpi.reset();
  map.reset();
  requestForm.reset();
  ticketPage.hide();
  for (const id of ['app-nav', 'user', 'sound-controls', 'updated-at']) $(id).hidden = true;
  showLogin(message);
}

function showLogin(message) {
  showView('login');
  setText($('login-error'), message);
  $('token').focus();
}

// ---- routing ------------------------------------------------------------------------------

function showView(name) {
  for (const view of VIEWS) $(`view-${view}`).hidden = view !== name;
  if (currentView === 'duty' && name !== 'duty') duty.hide();
  if (currentView === 'ticket' && name !== 'ticket') ticketPage.hide();
  if (currentView === 'map' && name !== 'map') map.hide();
  currentView = name;
  const section = name === 'ticket' || name === 'request' ? 'duty' : name;
  for (const link of document.querySelectorAll('#app-nav a')) {
    if (link.dataset.route === section) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}

/**
 * #/ (optionally ?filters), #/tickets/ID, #/request (log a call or visit), #/map?community=C&heat=N, #/heatmap?days=N, #/devices, #/follow-ups, #/reports?period=P&community=C. moveFocus: after a
 * navigation, focus goes to the new page's heading so keyboard and screen-reader users start
 * there; not at start-up, where it would scroll past the header.
 */
async function route(moveFocus) {
  if (!session) return;
  const [path, query = ''] = (location.hash.slice(1) || '/').split('?');
  const ticketMatch = path.match(/^\/tickets\/([A-Za-z0-9_-]+)$/);
  let headingId;
  if (ticketMatch) {
    showView('ticket');
    await ticketPage.show(ticketMatch[1]);
    headingId = 'ticket-h';
  } else if (path === '/map') {
    showView('map');
    await map.show(query);
    headingId = 'map-h';
  } else if (path === '/heatmap') {
    showView('heatmap');
    await reports.showHeatmap(query);
    headingId = 'heatmap-h';
  } else if (path === '/follow-ups') {
    showView('followups');
    await followUps.showQueue();
    headingId = 'followups-h';
  } else if (path === '/request') {
    showView('request');
    await requestForm.show();
    headingId = 'request-h';
  } else if (path === '/reports') {
    showView('reports');
    await kpi.showReports(query);
    headingId = 'reports-h';
  } else if (path === '/devices') {
    showView('devices');
    await reports.showDevices();
    headingId = 'devices-h';
  } else {
    showView('duty');
    duty.show(query);
    headingId = 'duty-h';
  }
  if (moveFocus) $(headingId)?.focus({ preventScroll: false });
}

// ---- header: freshness, language, theme ------------------------------------------------------

function renderFreshness() {
  const el = $('updated-at');
  if (!session) return;
  const stale = stream.stale;
  el.classList.toggle('stale', stale);
  const time = stream.lastActivity ? fmtTime(stream.lastActivity, true) : '—';
  setText(el, stream.state === 'connecting' && !stream.lastActivity ? t('connecting')
    : stale ? t('stale', { time }) : t('updatedAt', { time }));
  if (stale !== wasStale) {
    setText($('status-announcer'), t(stale ? 'announceStale' : 'announceLive'));
    wasStale = stale;
  }
}

function tick() {
  if (!session) return;
  renderFreshness();
  alarm.tick();
  if (currentView === 'duty') duty.render();
  if (currentView === 'ticket') ticketPage.tick();
  if (currentView === 'map') map.tick();
}

function switchLanguage() {
  setLang(getLang() === 'en' ? 'zh' : 'en');
  renderTheme();
  if (session) setText($('whoami-role'), t('role_' + session.role));
  alarm.relabel();
  renderFreshness();
  if (currentView === 'duty') duty.render();
  if (currentView === 'ticket') ticketPage.rerender();
  if (currentView === 'map') map.rerender();
  if (currentView === 'request') requestForm.rerender();
  if (currentView === 'heatmap' || currentView === 'devices') reports.rerender(currentView);
  if (currentView === 'reports') kpi.rerender();
  if (currentView === 'login') setText($('login-error'), '');
}

const isDark = () => document.documentElement.dataset.theme === 'dark';

function renderTheme() {
  const button = $('theme');
  setText(button, t('themeNight'));
  button.setAttribute('aria-pressed', String(isDark()));
}

/** Day/night toggle; the choice is remembered (theme.js applies it before the next paint). */
function toggleTheme() {
  const next = isDark() ? 'light' : 'dark';
  document.documentElement.dataset.theme = next;
  localStorage.setItem(THEME_KEY, next);
  renderTheme();
}

boot();
