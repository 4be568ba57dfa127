// What a ticket means for the duty officer: which clock runs, how urgent it is, which filter
// tiles it belongs to, and the duty order. Pure functions over the API's TICKET objects.
import { now, ms } from './util.js';

const ACTIVE_STATES = ['open', 'acknowledged', 'in_progress', 'pending'];
export const ALL_STATES = [...ACTIVE_STATES, 'resolved', 'closed', 'cancelled'];

export const isActive = ticket => ACTIVE_STATES.includes(ticket.state);
const tierOf = ticket => ticket.sla?.tier || ticket.severity;

/**
 * The clock the officer is racing now. Until someone acknowledges, the response clock runs
 * (pending does not stop it); after that, the resolution clock, which stands still while the
 * ticket is pending, so its time left is frozen at the moment it was paused.
 * kind: 'respond' | 'resolve' | 'paused' | 'done'; left: ms (negative when overdue).
 */
export function clockOf(ticket, at = now()) {
  if (!isActive(ticket)) return { kind: 'done', due: NaN, left: Infinity, overdue: false };
  if (!ticket.acknowledged_at) {
    const due = ms(ticket.respond_by);
    return { kind: 'respond', due, left: due - at, overdue: due < at };
  }
  const due = ms(ticket.resolve_by);
  if (ticket.state === 'pending' && ticket.pending_since) {
    const left = due - ms(ticket.pending_since);
    return { kind: 'paused', due, left, overdue: left < 0 };
  }
  return { kind: 'resolve', due, left: due - at, overdue: due < at };
}

/**
 * Duty order: active tickets by time left, so overdue ones (negative) are pinned on top, most
 * overdue first; finished ones (only in a heat-map view) after them, newest first.
 */
export function dutyOrder(a, b, at = now()) {
  const ca = clockOf(a, at);
  const cb = clockOf(b, at);
  if (ca.kind === 'done' || cb.kind === 'done') {
    if (ca.kind !== cb.kind) return ca.kind === 'done' ? 1 : -1;
    return ms(b.opened_at) - ms(a.opened_at);
  }
  return ca.left - cb.left || a.id.localeCompare(b.id);
}

// The filter tiles. Tiles of one group are alternatives (emergency OR general); groups and
// the status flags combine with AND (emergency AND not acknowledged AND overdue).
export const FILTER_GROUPS = [
  { group: 'tier', values: ['emergency', 'general', 'complex'], test: (tk, v) => tierOf(tk) === v },
  { group: 'level', values: ['1', '2', '3'], test: (tk, v) => String(tk.escalation_level) === v },
];
export const FLAGS = {
  unack: tk => !tk.acknowledged_at,
  overdue: (tk, at) => clockOf(tk, at).overdue,
  // A level-3 warning transfers the ticket one team up (docs/design.md §6.1: 服务超期自动转接上级部门).
  transferred: tk => tk.escalation_level >= 3,
};

export function emptyFilters() {
  return { tier: new Set(), level: new Set(), flag: new Set() };
}

export function matchesFilters(ticket, filters, at = now()) {
  for (const { group, test } of FILTER_GROUPS) {
    const chosen = filters[group];
    if (chosen.size && ![...chosen].some(v => test(ticket, v))) return false;
  }
  for (const flag of filters.flag) if (FLAGS[flag] && !FLAGS[flag](ticket, at)) return false;
  return true;
}

/** How many of `tickets` each tile would show on its own (the number on the tile). */
export function tileCounts(tickets, at = now()) {
  const counts = {};
  for (const { group, values, test } of FILTER_GROUPS) {
    for (const v of values) counts[`${group}:${v}`] = tickets.filter(tk => test(tk, v)).length;
  }
  for (const [flag, test] of Object.entries(FLAGS)) counts[`flag:${flag}`] = tickets.filter(tk => test(tk, at)).length;
  return counts;
}

/**
 * Which tickets the list holds: the open (active) ones, or, coming from a heat-map cell, every
 * ticket of one building and category opened since `from`, whatever its state.
 */
export function inScope(ticket, scope) {
  if (!scope) return isActive(ticket);
  return ticket.building === scope.building && ticket.category === scope.category
    && ms(ticket.opened_at) >= ms(scope.from);
}

/** Filters and scope to/from the hash query ("tier=emergency&flag=unack,overdue&building=b01..."). */
export function filtersToQuery(filters, scope) {
  const q = new URLSearchParams();
  for (const key of ['tier', 'level', 'flag']) if (filters[key].size) q.set(key, [...filters[key]].join(','));
  if (scope) for (const key of ['building', 'category', 'from', 'days']) q.set(key, scope[key]);
  return q.toString();
}

export function filtersFromQuery(query) {
  const q = new URLSearchParams(query);
  const filters = emptyFilters();
  for (const key of ['tier', 'level', 'flag']) {
    for (const v of (q.get(key) || '').split(',')) if (v) filters[key].add(v);
  }
  const scope = q.get('building') && q.get('category') && q.get('from')
    ? { building: q.get('building'), category: q.get('category'), from: q.get('from'), days: q.get('days') || '' }
    : null;
  return { filters, scope };
}
