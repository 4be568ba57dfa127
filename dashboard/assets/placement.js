// Where tickets and staff go on the site plan and what their markers say: positions from the
// API turned into plan coordinates, with the fallbacks a duty officer needs to know about.
import { t, label, ticketTitle } from './i18n.js';
import { ms, fmtLeft, fmtTime, place } from './util.js';
import { clockOf } from './tickets.js';
import { hasPosition } from './sitemap.js';
import { makeProjection, extendBounds } from './geo.js';

// A live position older than this is drawn as not live: the person may have moved since.
const STALE_POSITION_MS = 10 * 60_000;
const EDGE_UNITS = 12;

/**
 * The plan's projection: the site's bounds grown by the on-duty staff bases near it; `previous`
 * is kept while neither changes, so the plan does not move under the officer. null: nothing to draw.
 */
export function planProjection(site, staff, previous) {
  if (!site?.bounds || !site.buildings.some(hasPosition)) return null;
  const bases = (staff || []).filter(p => p.on_duty && hasPosition(p.base)).map(p => p.base);
  const bounds = extendBounds(site.bounds, bases);
  const key = JSON.stringify(bounds);
  return previous?.key === key ? previous : Object.assign(makeProjection(bounds), { key });
}

/** A point off the plan is pinned to its edge and marked, rather than lost. */
export function clampToPlan(proj, [x, y], approx = false) {
  const off = !proj.inside(x, y);
  return {
    x: Math.min(proj.width - EDGE_UNITS, Math.max(EDGE_UNITS, x)),
    y: Math.min(proj.height - EDGE_UNITS, Math.max(EDGE_UNITS, y)),
    approx: approx || off,
  };
}

/**
 * Where a ticket goes: its own position, else its building's (a viewer's tickets carry no
 * position; a unit may have none), marked approximate. {} when neither is known.
 */
export function ticketSpot(tk, site, proj) {
  const loc = tk.location || {};
  if (typeof loc.latitude === 'number' && typeof loc.longitude === 'number') return clampToPlan(proj, proj.xy(loc.latitude, loc.longitude));
  const building = site.buildings.find(b => b.building === (loc.building || tk.building));
  return hasPosition(building) ? clampToPlan(proj, proj.xy(building.lat, building.lon), true) : {};
}

/** A placed ticket ({ticket, x, y, approx}) with its label (time left) and its accessible name. */
export function markerItem(item, at) {
  const tk = item.ticket;
  const clock = clockOf(tk, at);
  const left = fmtLeft(clock.left);
  return {
    ...item, overdue: clock.overdue, label: left,
    aria: t('markerAria', { tier: label('sev', tk.severity), title: ticketTitle(tk), place: place(tk), left })
      + (item.approx ? ` (${t('mapApprox')})` : ''),
  };
}

/**
 * Staff on duty with a known position (live, else their base). assignee: whom the selected ticket
 * went to; latest: the newest point of its trajectory, which may be fresher than the staff list.
 */
export function staffItems(staff, proj, assignee, at, latest) {
  return (staff || []).filter(p => p.on_duty && (hasPosition(p.position) || hasPosition(p.base))).map(raw => {
    const newer = p => p.id === assignee && hasPosition(latest) && (!p.position || ms(latest.at) > ms(p.position.at));
    const p = newer(raw) ? { ...raw, position: latest } : raw;
    const pos = hasPosition(p.position) ? p.position : p.base;
    const spot = clampToPlan(proj, proj.xy(pos.lat, pos.lon));
    const age = p.position ? at - ms(p.position.at) : Infinity;
    return {
      id: p.id, name: p.name, x: spot.x, y: spot.y, live: age < STALE_POSITION_MS, offPlan: spot.approx,
      assigned: p.id === assignee,
      title: `${p.name} (${p.id}) · ${p.team} · ` + (p.position ? t('staffLive', { time: fmtTime(p.position.at, true) }) : t('staffBase'))
        + (spot.approx ? ` · ${t('offPlan')}` : ''),
    };
  });
}

/** The line under the plan: how many are on duty, how many cannot be shown, and why. */
export function staffNote(staff, error) {
  if (error) return t('mapStaffFailed', { error });
  if (!staff) return t('loading');
  const onDuty = staff.filter(p => p.on_duty);
  // Positions and bases are personal data: a viewer gets the roster without them.
  if (onDuty.length && onDuty.every(p => !('base' in p) && !('position' in p))) return t('mapStaffHidden', { n: onDuty.length });
  const placed = onDuty.filter(p => p.position || p.base).length;
  return t('mapStaffCount', { n: onDuty.length }) + (placed < onDuty.length ? ' · ' + t('mapStaffNoPos', { n: onDuty.length - placed }) : '');
}

/** The selected ticket's trajectory in plan units: its points, the ticket's spot and whether it ended in arrival. */
export function trajectoryOnPlan(trajectory, selected, site, proj) {
  const data = proj && selected && trajectory?.id === selected.id ? trajectory.data : null;
  const spot = data ? ticketSpot(selected, site, proj) : {};
  return {
    points: (data?.points || []).map(p => { const c = clampToPlan(proj, proj.xy(p.lat, p.lon)); return [c.x, c.y]; }),
    to: spot.x === undefined ? null : [spot.x, spot.y],
    arrived: !!data?.arrived_at,
  };
}
