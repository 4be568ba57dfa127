// The emergency alarm: a banner and a repeating tone for every new emergency until someone
// acknowledges it, here or anywhere else (the ticket_acknowledged event stops it too).
import { api } from './api.js';
import { t, ticketTitle } from './i18n.js';
import { h, setText, fmtTime, place, now, ms, fmtAgo } from './util.js';
import { isActive } from './tickets.js';

const SOUND_KEY = 'gridwatch.sound';
const REPEAT_MS = 2000;
const $ = id => document.getElementById(id);

const alarms = new Map();   // id -> TICKET still waiting for a response
let audio = null;           // AudioContext, made after a user gesture (browsers' autoplay rule)
let muted = false;
let repeatTimer = null;
let canAct = false;
let onTicket = () => {};

/** onTicketChanged(ticket): where an acknowledged ticket goes (the duty list). */
export function init(onTicketChanged) {
  onTicket = onTicketChanged;
  $('sound-enable').addEventListener('click', () => enableSound(true));
  $('banner-sound-enable').addEventListener('click', () => enableSound(true));
  $('sound-mute').addEventListener('click', () => { muted = !muted; syncSound(); });
  // Sound enabled once on this device comes back on at the first click or key press: the
  // browser still needs that gesture, but the officer need not remember to ask again.
  const resume = () => { if (localStorage.getItem(SOUND_KEY) === 'on') enableSound(false); };
  document.addEventListener('pointerdown', resume, { once: true, capture: true });
  document.addEventListener('keydown', resume, { once: true, capture: true });
  syncSound();
}

export function setCanAct(value) { canAct = value; relabel(); }

const needsResponse = ticket => isActive(ticket) && !ticket.acknowledged_at;

/** Every ticket event goes through here: a new emergency raises, an acknowledged one stops. */
export function onEvent(name, ticket) {
  const isNewEmergency = ticket.severity === 'emergency' && needsResponse(ticket)
    && (name === 'ticket_opened' || name === 'ticket_reopened');
  if (isNewEmergency) {
    alarms.set(ticket.id, ticket);
    muted = false; // a mute silenced the previous emergency, never the next one
    setText($('announcer'), t('announceEmergency', { title: ticketTitle(ticket), place: place(ticket) }));
  } else if (alarms.has(ticket.id)) {
    if (needsResponse(ticket)) alarms.set(ticket.id, ticket);
    else alarms.delete(ticket.id);
  } else {
    return; // not an alarm's business
  }
  render();
}

/** The list as loaded (log-in, reload, reconnect): an emergency nobody has answered yet rings
 *  too, so a duty screen restarted in the middle of one does not sit silent. */
export function adopt(tickets) {
  let changed = false;
  for (const ticket of tickets) {
    if (ticket.severity === 'emergency' && needsResponse(ticket) && !alarms.has(ticket.id)) {
      alarms.set(ticket.id, ticket);
      changed = true;
    }
  }
  if (changed) render();
}

/** At log-out: nothing rings for the next person's session. */
export function clear() { alarms.clear(); render(); }

/** Labels follow the language switch and the role: the items are made again. */
export function relabel() {
  for (const li of items.values()) li.remove();
  items.clear();
  render();
}

// id -> <li>; items are kept, not rebuilt, so a focused Acknowledge button keeps its focus
// when another emergency comes or goes.
const items = new Map();

function render() {
  $('emergency-banner').hidden = alarms.size === 0;
  const list = $('banner-list');
  for (const [id, li] of items) if (!alarms.has(id)) { li.remove(); items.delete(id); }
  for (const ticket of alarms.values()) {
    if (!items.has(ticket.id)) {
      const li = item(ticket);
      items.set(ticket.id, li);
      list.append(li);
    }
  }
  tick();
  syncSound();
}

function item(ticket) {
  const error = h('span', { class: 'banner-error', role: 'alert' });
  const ack = canAct && h('button', {
    type: 'button', class: 'btn banner-ack', 'data-action': 'ack', 'aria-label': `${t('ack')} ${ticket.id}`,
    on: { click: e => acknowledge(ticket.id, e.currentTarget, error) },
  }, t('ack'));
  return h('li', { 'data-ticket-id': ticket.id },
    h('strong', { class: 'banner-what', text: ticketTitle(ticket) }),
    h('span', { class: 'banner-where', text: [place(ticket), ticket.resident].filter(Boolean).join(' · ') }),
    h('span', { class: 'banner-when', 'data-opened': ticket.opened_at }),
    ack,
    h('a', { class: 'btn banner-open', href: `#/tickets/${ticket.id}`, text: t('bannerOpen') }),
    error);
}

/** Updates "opened 23:10:05 (42s ago)" every second. */
export function tick() {
  for (const el of document.querySelectorAll('#banner-list [data-opened]')) {
    const opened = el.dataset.opened;
    setText(el, `${t('bannerOpened', { time: fmtTime(opened, true) })} (${fmtAgo(now() - ms(opened))})`);
  }
}

async function acknowledge(id, button, error) {
  button.disabled = true;
  setText(button, t('acking'));
  try {
    const ticket = await api(`tickets/${id}/ack`, { method: 'POST', body: {} });
    onTicket(ticket);
    onEvent('ticket_acknowledged', ticket);
  } catch (err) {
    if (err.status === 409) {
      // Most likely a colleague acknowledged it first: take the gateway's word for the state.
      try {
        const ticket = await api(`tickets/${id}`);
        onTicket(ticket);
        onEvent('ticket_acknowledged', ticket);
        if (!alarms.has(id)) return;
      } catch { /* keep showing the original error below */ }
    }
    button.disabled = false;
    setText(button, t('ack'));
    setText(error, err.message);
  }
}

async function enableSound(withTestBeep) {
  try {
    audio ??= new AudioContext();
    await audio.resume();
  } catch {
    return; // no audio device: the banner still shows
  }
  localStorage.setItem(SOUND_KEY, 'on');
  if (withTestBeep) beep(true);
  syncSound();
}

/** Starts or stops the repeating tone and refreshes the two sound buttons. */
function syncSound() {
  const running = audio?.state === 'running';
  const ringing = alarms.size > 0 && running && !muted;
  if (ringing && !repeatTimer) {
    beep();
    repeatTimer = setInterval(beep, REPEAT_MS);
  } else if (!ringing && repeatTimer) {
    clearInterval(repeatTimer);
    repeatTimer = null;
  }
  setText($('sound-enable'), t(running ? 'soundOn' : 'soundEnable'));
  const mute = $('sound-mute');
  setText(mute, t('soundMute'));
  mute.setAttribute('aria-pressed', String(muted));
  mute.title = t('soundMuteTitle');
  $('banner-sound-hint').hidden = running;
}

/** Three short square-wave pips, generated: no audio files, nothing to download. */
function beep(force = false) {
  if (!audio || audio.state !== 'running' || (muted && !force)) return;
  const start = audio.currentTime + 0.02;
  [880, 660, 880].forEach((freq, i) => {
    const at = start + i * 0.22;
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.type = 'square';
    osc.frequency.value = freq;
    gain.gain.setValueAtTime(0.0001, at);
    gain.gain.exponentialRampToValueAtTime(0.25, at + 0.01);
    gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.18);
    osc.connect(gain).connect(audio.destination);
    osc.start(at);
    osc.stop(at + 0.2);
  });
}
