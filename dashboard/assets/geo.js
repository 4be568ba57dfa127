// Plane geometry for the site plan: latitude/longitude to SVG units, grid outlines, the scale
// bar and markers that share a spot. Pure functions; no DOM.

// Metres per degree of latitude on the mean Earth sphere (R = 6 371 008.8 m), the radius the
// gateway's great-circle distances use, so the scale bar agrees with "420 m" in a reason.
const METRES_PER_DEGREE = 6_371_008.8 * Math.PI / 180;
export const PLAN_WIDTH = 1000;            // SVG units across; the figure scales to its column
const PLAN_MAX_HEIGHT = 700;
const PLAN_MIN_HEIGHT = 380;
const SCALE_STEPS_M = [10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000];

/**
 * An equirectangular projection around the site's middle, east-west shrunk by cos(latitude)
 * so a metre is as long in both directions (a community is small enough for this to be exact
 * to well under a metre). The plan fits `bounds` plus a margin; north is up.
 * Returns {width, height, unitsPerMetre, xy(lat, lon) -> [x, y], inside(x, y)}.
 */
export function makeProjection(bounds) {
  const lat0 = (bounds.min_lat + bounds.max_lat) / 2;
  const lon0 = (bounds.min_lon + bounds.max_lon) / 2;
  const cosLat = Math.cos(lat0 * Math.PI / 180);
  const toMetres = (lat, lon) => [(lon - lon0) * METRES_PER_DEGREE * cosLat, (lat0 - lat) * METRES_PER_DEGREE];
  const [west, north] = toMetres(bounds.max_lat, bounds.min_lon);
  const [east, south] = toMetres(bounds.min_lat, bounds.max_lon);
  // A single building still gets a plan a few hundred metres across.
  const spanX = Math.max(east - west, 200);
  const spanY = Math.max(south - north, 120);
  const margin = Math.max(40, 0.1 * Math.max(spanX, spanY));
  let unitsPerMetre = PLAN_WIDTH / (spanX + 2 * margin);
  if ((spanY + 2 * margin) * unitsPerMetre > PLAN_MAX_HEIGHT) unitsPerMetre = PLAN_MAX_HEIGHT / (spanY + 2 * margin);
  const height = Math.max(PLAN_MIN_HEIGHT, (spanY + 2 * margin) * unitsPerMetre);
  // The middle of the bounds goes to the middle of the plan, whichever side had room to spare.
  const cx = PLAN_WIDTH / 2 - ((west + east) / 2) * unitsPerMetre;
  const cy = height / 2 - ((north + south) / 2) * unitsPerMetre;
  return {
    width: PLAN_WIDTH, height, unitsPerMetre,
    xy(lat, lon) {
      const [mx, my] = toMetres(lat, lon);
      return [cx + mx * unitsPerMetre, cy + my * unitsPerMetre];
    },
    inside(x, y) { return x >= 0 && y >= 0 && x <= PLAN_WIDTH && y <= height; },
  };
}

/**
 * bounds grown to take in `points` ({lat, lon}) that lie within `reachMetres` of them: the staff
 * bases near a compound belong on its plan; a base across town would shrink the buildings to
 * specks, so it stays off the plan (pinned to its edge).
 */
export function extendBounds(bounds, points, reachMetres = 300) {
  const reachLat = reachMetres / METRES_PER_DEGREE;
  const reachLon = reachLat / Math.cos(((bounds.min_lat + bounds.max_lat) / 2) * Math.PI / 180);
  const near = points.filter(p => p.lat >= bounds.min_lat - reachLat && p.lat <= bounds.max_lat + reachLat
    && p.lon >= bounds.min_lon - reachLon && p.lon <= bounds.max_lon + reachLon);
  return near.reduce((b, p) => ({
    min_lat: Math.min(b.min_lat, p.lat), max_lat: Math.max(b.max_lat, p.lat),
    min_lon: Math.min(b.min_lon, p.lon), max_lon: Math.max(b.max_lon, p.lon),
  }), { ...bounds });
}

/** The longest round length (10 m, 20 m, 50 m, 100 m...) whose bar stays within maxUnits. */
export function scaleBarMetres(unitsPerMetre, maxUnits = 180) {
  let best = SCALE_STEPS_M[0];
  for (const metres of SCALE_STEPS_M) if (metres * unitsPerMetre <= maxUnits) best = metres;
  return best;
}

/** "100 m", "1 km", "2.5 km": how the reasons on the timeline write distances. */
export function fmtMetres(metres) {
  if (metres == null || Number.isNaN(metres)) return '—';
  if (metres < 1000) return `${Math.round(metres)} m`;
  return `${(metres / 1000).toFixed(metres < 10_000 ? 1 : 0).replace(/\.0$/, '')} km`;
}

/** The convex hull of [x, y] points, counter-clockwise (Andrew's monotone chain); 1-2 points come back as they are. */
export function convexHull(points) {
  const sorted = [...points].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  if (sorted.length < 3) return sorted;
  const cross = (o, a, b) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const half = list => {
    const out = [];
    for (const p of list) {
      while (out.length >= 2 && cross(out[out.length - 2], out[out.length - 1], p) <= 0) out.pop();
      out.push(p);
    }
    out.pop(); // the last point starts the other half
    return out;
  };
  return [...half(sorted), ...half([...sorted].reverse())];
}

/**
 * Markers on the same spot (two tickets of one flat, a ticket on its building) would hide each
 * other: each group of `items` (objects with x, y) closer than `nearUnits` is fanned out on a
 * small circle. Returns new objects with x, y moved; the order of `items` is kept.
 */
export function fanOut(items, nearUnits = 6, radiusUnits = 16) {
  // Greedy: an item joins the first group whose first member is near it (rounding to a grid
  // would split two markers a hair apart across a cell boundary).
  const groups = [];
  for (const item of items) {
    const group = groups.find(g => Math.hypot(g[0].x - item.x, g[0].y - item.y) < nearUnits);
    if (group) group.push(item);
    else groups.push([item]);
  }
  const moved = new Map();
  for (const group of groups) {
    if (group.length === 1) continue;
    group.forEach((item, i) => {
      const angle = -Math.PI / 2 + (2 * Math.PI * i) / group.length;
      moved.set(item, { ...item, x: item.x + radiusUnits * Math.cos(angle), y: item.y + radiusUnits * Math.sin(angle) });
    });
  }
  return items.map(item => moved.get(item) || item);
}
