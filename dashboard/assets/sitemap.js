// The site plan as SVG: grids as tinted areas, buildings (tinted by demand when the heat layer
// is on), open tickets as focusable markers, staff on duty, the selected ticket's trajectory
// and a scale bar. Drawn only from the community's own positions: no tiles, works offline.
import { scaleBarMetres, fmtMetres, convexHull } from './geo.js';

const SVG_NS = 'http://www.w3.org/2000/svg';
const GRID_TINTS = 6;
// Shapes by tier, centred on the ticket's spot: shape as well as colour, so tiers are told
// apart without colour vision and in the night theme.
export const SHAPES = {
  emergency: 'M0,-14 L13,9 L-13,9 Z',
  complex: 'M0,-12 L12,0 L0,12 L-12,0 Z',
  general: 'M-9,0 a9,9 0 1,0 18,0 a9,9 0 1,0 -18,0 Z',
};

/** An SVG element; text goes in through textContent, as in util.js's h(). */
export function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === 'text') el.textContent = value;
    else if (value !== null && value !== undefined && value !== false) el.setAttribute(key, value);
  }
  for (const child of children.flat()) if (child) el.append(child);
  return el;
}

const fixed = n => n.toFixed(1);
/** Whether a building (or any {lat, lon}) has a usable position. */
export const hasPosition = p => typeof p?.lat === 'number' && typeof p?.lon === 'number';
const pathOf = points => points.map((p, i) => `${i ? 'L' : 'M'}${fixed(p[0])},${fixed(p[1])}`).join(' ');

const LABEL_LINE = 13;
// Staff labels are 11 px: about 11 units for a Chinese character, 6.5 for a Latin one.
const labelWidth = text => Array.from(text).reduce((w, c) => w + (c.codePointAt(0) > 0x2e80 ? 11 : 6.5), 0);

/**
 * Right-aligned labels ({x: right edge, y: baseline, text}) moved down a line at a time until
 * they overlap no label placed before them: two people standing together stay readable.
 * Returns each label's baseline.
 */
function stackLabels(labels) {
  const placed = [];
  return labels.map(({ x, y, text }) => {
    const left = x - labelWidth(text);
    let baseline = y;
    while (placed.some(p => left < p.right && x > p.left && Math.abs(baseline - p.baseline) < LABEL_LINE)) baseline += LABEL_LINE;
    placed.push({ left, right: x, baseline });
    return baseline;
  });
}

/** One plan: its <svg> and layers, with ticket markers kept as keyed nodes so focus survives updates. */
export class SitePlan {
  constructor(titleText) {
    this.title = s('title', { text: titleText });
    this.layers = {};
    for (const name of ['grids', 'buildings', 'trajectory', 'staff', 'tickets', 'scale']) {
      this.layers[name] = s('g', { class: `layer-${name}` });
    }
    this.svg = s('svg', { class: 'site-plan', role: 'group', id: 'site-plan' }, this.title, Object.values(this.layers));
    this.markers = new Map(); // ticket id -> <g>
    this.staffKey = '';
    this.trajectoryKey = '';
  }

  /** Grids, buildings and the scale bar; heat: building -> ticket count, or null when the layer is off. */
  drawSite(site, proj, heat, labels) {
    this.svg.setAttribute('viewBox', `0 0 ${proj.width} ${fixed(proj.height)}`);
    // A building whose units have no position yet is left off the plan (it has nowhere to go).
    const placed = site.buildings.filter(hasPosition);
    const where = new Map(placed.map(b => [b.building, proj.xy(b.lat, b.lon)]));
    // Buildings outside any grid share the empty grid name: no area is drawn for them.
    const grids = (site.grids || []).filter(grid => grid.grid).map((grid, i) => {
      const points = grid.buildings.map(b => where.get(b)).filter(Boolean);
      if (!points.length) return null;
      const hull = convexHull(points);
      // Above the area's topmost building, to the left: markers and their labels sit to the
      // right of buildings, and two grids' topmost buildings are never the same one.
      const [left, top] = hull.reduce((best, p) => (p[1] < best[1] ? p : best));
      // A thick round stroke in the fill's colour pads the hull, and gives one or two
      // buildings an area too.
      return s('g', { class: `grid grid-c${i % GRID_TINTS}`, 'data-grid': grid.grid },
        s('path', { class: 'grid-area', d: pathOf(hull) + ' Z' }),
        s('text', { class: 'grid-label', x: fixed(left - 26), y: fixed(top - 34), text: labels.grid(grid.grid) }));
    });
    this.layers.grids.replaceChildren(...grids.filter(Boolean));
    const max = heat ? Math.max(1, ...heat.values()) : 1;
    this.layers.buildings.replaceChildren(...placed.map(b => {
      const [x, y] = where.get(b.building);
      const n = heat?.get(b.building) || 0;
      const g = s('g', { class: 'building' + (heat ? ' heated' : ''), 'data-building': b.building, transform: `translate(${fixed(x)},${fixed(y)})` },
        s('title', { text: labels.building(b, heat ? n : null) }),
        // The disc grows with the count, so the busiest buildings stand out at a glance.
        heat && n ? s('circle', { class: 'heat-disc', r: (16 + 18 * n / max).toFixed(1) }) : null,
        s('rect', { x: -9, y: -7, width: 18, height: 14, rx: 2 }),
        s('text', { class: 'building-label', y: 22, text: b.building }),
        heat && n ? s('text', { class: 'heat-count', x: -13, y: 5, text: String(n) }) : null);
      if (heat) g.style.setProperty('--i', (n ? 0.2 + 0.8 * n / max : 0).toFixed(3));
      return g;
    }));
    this.drawScale(proj);
  }

  drawScale(proj) {
    const metres = scaleBarMetres(proj.unitsPerMetre);
    const length = metres * proj.unitsPerMetre;
    const x = 20;
    const y = proj.height - 22;
    this.layers.scale.replaceChildren(
      s('path', { class: 'scale-bar', d: `M${x},${y - 6} V${y} H${fixed(x + length)} V${y - 6}` }),
      s('text', { class: 'scale-label', x: fixed(x + length / 2), y: y - 8, text: fmtMetres(metres) }),
      s('text', { class: 'north', x: proj.width - 24, y: 30, text: 'N' }),
      s('path', { class: 'north-arrow', d: `M${proj.width - 24},36 l-6,14 l6,-4 l6,4 Z` }));
  }

  /**
   * Ticket markers: items [{ticket, x, y, approx, overdue, label, aria}] in tab order. Existing
   * markers are updated in place (a marker with focus keeps it); new ones are added, gone ones removed.
   */
  syncTickets(items, selectedId, onSelect) {
    const keep = new Set();
    for (const item of items) {
      const id = item.ticket.id;
      keep.add(id);
      let g = this.markers.get(id);
      if (!g) {
        g = this.createMarker(id, onSelect);
        this.markers.set(id, g);
        this.layers.tickets.append(g);
      }
      const sev = SHAPES[item.ticket.severity] ? item.ticket.severity : 'general';
      const cls = `tk-marker sev-${sev}` + (item.overdue ? ' overdue' : '') + (item.approx ? ' approx' : '')
        + (id === selectedId ? ' selected' : '');
      if (g.getAttribute('class') !== cls) g.setAttribute('class', cls);
      const transform = `translate(${fixed(item.x)},${fixed(item.y)})`;
      if (g.getAttribute('transform') !== transform) g.setAttribute('transform', transform);
      if (g.refs.shape.getAttribute('d') !== SHAPES[sev]) g.refs.shape.setAttribute('d', SHAPES[sev]);
      if (g.refs.label.textContent !== item.label) g.refs.label.textContent = item.label;
      if (g.getAttribute('aria-label') !== item.aria) g.setAttribute('aria-label', item.aria);
      g.setAttribute('aria-pressed', String(id === selectedId));
    }
    for (const [id, g] of this.markers) if (!keep.has(id)) { g.remove(); this.markers.delete(id); }
    // The selected marker is drawn last, on top of its neighbours (moving it keeps its focus
    // only if it is not the focused one; a focused marker is already where the eye is).
    const selected = this.markers.get(selectedId);
    if (selected && selected !== this.layers.tickets.lastChild && document.activeElement !== selected) this.layers.tickets.append(selected);
  }

  createMarker(id, onSelect) {
    const shape = s('path', { class: 'tk-shape' });
    const label = s('text', { class: 'tk-label', x: 16, y: 5 });
    const g = s('g', { tabindex: '0', role: 'button', 'data-ticket-id': id },
      s('circle', { class: 'tk-ring', r: 21 }), shape, label);
    g.refs = { shape, label };
    g.addEventListener('click', () => onSelect(id));
    g.addEventListener('keydown', event => {
      if (event.key !== 'Enter' && event.key !== ' ') return;
      event.preventDefault(); // Space would scroll the page
      onSelect(id);
    });
    return g;
  }

  focusMarker(id) { this.markers.get(id)?.focus(); }

  /** Staff on duty: items [{id, name, x, y, live, offPlan, assigned, title}]. */
  drawStaff(items) {
    const labelY = stackLabels(items.map(p => ({ x: p.x - 12, y: p.y - 8, text: p.name || p.id })));
    // Redrawn only when something changed: a tooltip being read must not vanish every second.
    const key = JSON.stringify(items);
    if (key === this.staffKey) return;
    this.staffKey = key;
    this.layers.staff.replaceChildren(...items.map((p, i) => s('g', {
      class: 'staff' + (p.live ? ' live' : ' base') + (p.offPlan ? ' off-plan' : '') + (p.assigned ? ' assigned' : ''),
      'data-staff-id': p.id, transform: `translate(${fixed(p.x)},${fixed(p.y)})`,
    }, s('title', { text: p.title }), s('circle', { r: 9 }),
    s('text', { class: 'staff-initial', y: 4, text: Array.from(p.name || p.id)[0] || '?' }),
    s('text', { class: 'staff-label', x: -12, y: fixed(labelY[i] - p.y), text: p.name || p.id }))));
  }

  /** The trajectory from dispatch to arrival: points [[x, y]], to: the ticket's [x, y], arrived or still on the way. */
  drawTrajectory(points, to, arrived, labels) {
    const key = JSON.stringify([points, to, arrived, labels]);
    if (key === this.trajectoryKey) return;
    this.trajectoryKey = key;
    if (!points.length) { this.layers.trajectory.replaceChildren(); return; }
    const last = points[points.length - 1];
    this.layers.trajectory.replaceChildren(
      s('path', { class: 'traj-line', d: pathOf(points.length > 1 ? points : [points[0], points[0]]) }),
      ...points.map(p => s('circle', { class: 'traj-point', cx: fixed(p[0]), cy: fixed(p[1]), r: 2.5 })),
      s('circle', { class: 'traj-start', cx: fixed(points[0][0]), cy: fixed(points[0][1]), r: 5 }, s('title', { text: labels.start })),
      // Not there yet: a dashed line from the latest position to the ticket, the way still to go.
      !arrived && to ? s('path', { class: 'traj-togo', d: pathOf([last, to]) }) : null,
      arrived ? s('circle', { class: 'traj-end', cx: fixed(last[0]), cy: fixed(last[1]), r: 7 }, s('title', { text: labels.end })) : null);
  }
}
