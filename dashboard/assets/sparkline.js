// A trend as a small SVG line (no library): one point per period, oldest on the left, the
// target as a dashed line, each point coloured by whether it met the target. A period without
// data is a gap in the line, not a zero: "nothing measured" must not read as "failed".

const SVG_NS = 'http://www.w3.org/2000/svg';
const WIDTH = 132;
const HEIGHT = 36;
const PAD = 4;

function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attrs)) if (value !== null && value !== undefined) el.setAttribute(key, value);
  for (const child of children) if (child) el.append(child);
  return el;
}

/** The y range that holds every value and the target, widened when flat so a line stays visible. */
function range(values, target) {
  const all = target === null || target === undefined ? values : [...values, target];
  let lo = Math.min(...all);
  let hi = Math.max(...all);
  if (hi - lo < 1e-9) {
    const spread = Math.abs(hi) > 1e-9 ? Math.abs(hi) * 0.1 : 1;
    lo -= spread;
    hi += spread;
  }
  return { lo, hi };
}

/**
 * points: [{period, value|null, met: true|false|null}], oldest first. Options: target (drawn
 * dashed), label (the accessible name, e.g. "Emergency response on time: 80.0 % ... 92.0 %"),
 * className, format (a value as its point's tooltip shows it). Each drawn point is a circle
 * with data-period and data-value, so a test can read what it shows.
 */
export function sparkline(points, { target = null, label = '', className = '', format = String } = {}) {
  const measured = points.filter(p => p.value !== null && p.value !== undefined);
  const root = svg('svg', {
    class: ['spark', className].filter(Boolean).join(' '), viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
    width: WIDTH, height: HEIGHT, role: 'img', 'aria-label': label, 'data-points': String(measured.length),
  });
  if (label) root.append(svg('title', {}, label));
  if (!measured.length) return root;
  const { lo, hi } = range(measured.map(p => p.value), target);
  const step = points.length > 1 ? (WIDTH - 2 * PAD) / (points.length - 1) : 0;
  const x = i => (points.length > 1 ? PAD + i * step : WIDTH / 2);
  const y = v => PAD + (HEIGHT - 2 * PAD) * (1 - (v - lo) / (hi - lo));
  if (target !== null && target !== undefined) {
    root.append(svg('line', { class: 'spark-target', x1: PAD, x2: WIDTH - PAD, y1: y(target).toFixed(1), y2: y(target).toFixed(1) }));
  }
  // One path, lifted over the gaps: M starts a new run after a period without data.
  let d = '';
  let drawing = false;
  points.forEach((p, i) => {
    if (p.value === null || p.value === undefined) { drawing = false; return; }
    d += `${drawing ? 'L' : 'M'}${x(i).toFixed(1)} ${y(p.value).toFixed(1)} `;
    drawing = true;
  });
  root.append(svg('path', { class: 'spark-line', d: d.trim() }));
  points.forEach((p, i) => {
    if (p.value === null || p.value === undefined) return;
    const state = p.met === true ? 'met' : p.met === false ? 'missed' : 'plain';
    const last = i === points.length - 1;
    root.append(svg('circle', {
      class: `spark-point ${state}${last ? ' last' : ''}`, cx: x(i).toFixed(1), cy: y(p.value).toFixed(1), r: last ? 3.2 : 2.2,
      'data-period': p.period, 'data-value': String(p.value),
    }, svg('title', {}, `${p.period}: ${format(p.value)}`)));
  });
  return root;
}
