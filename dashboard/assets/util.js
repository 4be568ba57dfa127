// Small shared helpers: building DOM safely, the gateway's clock, and time formatting.
import { t } from './i18n.js';

/**
 * Creates an element. Text always goes in through textContent, never innerHTML: titles,
 * residents and comments come from devices and people, and must never become markup.
 * props: {class, text, on: {event: fn}, ...attributes}; a `true` attribute is set empty,
 * false/null/undefined ones are left out. children: nodes, strings, or arrays of them.
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === 'class') el.className = value;
    else if (key === 'text') el.textContent = value;
    else if (key === 'on') for (const [ev, fn] of Object.entries(value)) el.addEventListener(ev, fn);
    else if (value === true) el.setAttribute(key, '');
    else if (value !== false && value !== null && value !== undefined) el.setAttribute(key, value);
  }
  for (const child of children.flat(Infinity)) {
    if (child !== null && child !== undefined && child !== false) el.append(child);
  }
  return el;
}

/** Sets text only when it changed, so the once-a-second tick does not churn the DOM. */
export function setText(el, text) {
  if (el.textContent !== text) el.textContent = text;
}

// The duty PC's clock may be minutes off; deadlines are the gateway's, so countdowns use the
// gateway's "now" (sent with every list) plus the time elapsed locally since.
let clockOffsetMs = 0;

export function syncClock(serverNow) {
  const at = Date.parse(serverNow);
  if (!Number.isNaN(at)) clockOffsetMs = at - Date.now();
}

export function now() { return Date.now() + clockOffsetMs; }

export function ms(time) { return time ? Date.parse(time) : NaN; }

const pad = n => String(n).padStart(2, '0');

/** 24-hour local time; the date is added when it is not today. */
export function fmtTime(time, withSeconds = false) {
  if (!time) return t('none');
  const d = new Date(typeof time === 'number' ? time : Date.parse(time));
  const clock = `${pad(d.getHours())}:${pad(d.getMinutes())}` + (withSeconds ? `:${pad(d.getSeconds())}` : '');
  const today = new Date(now());
  if (d.toDateString() === today.toDateString()) return clock;
  return `${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${clock}`;
}

/** A positive duration as "12m 30s", "1h 05m", "2d 3h" (or the Chinese equivalent). */
export function fmtDuration(msValue) {
  const total = Math.max(0, Math.floor(Math.abs(msValue) / 1000));
  const d = Math.floor(total / 86400);
  const hours = Math.floor((total % 86400) / 3600);
  const m = Math.floor((total % 3600) / 60);
  return t('dur', d, hours, m, total % 60);
}

/** "12m left" or "overdue 12m". */
export function fmtLeft(msLeft) {
  return msLeft < 0 ? t('overdue', { d: fmtDuration(msLeft) }) : t('left', { d: fmtDuration(msLeft) });
}

export function fmtAgo(msAgo) { return t('ago', { d: fmtDuration(msAgo) }); }

/** "b01-0301", the way staff say where something is. */
export function place(ticket) {
  const loc = ticket.location || ticket;
  return [loc.building, loc.unit].filter(Boolean).join('-') || loc.community || t('none');
}
