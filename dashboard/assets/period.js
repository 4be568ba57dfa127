// Assessment periods as the gateway writes them (ReportPeriod): a month `2026-11`, a quarter
// `2026-Q4`, a year `2026`. The page steps between them without asking the gateway.

const MONTHS = { month: 1, quarter: 3, year: 12 };
export const KINDS = ['month', 'quarter', 'year'];

/** {kind, year, first} (first: the period's first month, 1-12), or null. */
export function parsePeriod(text) {
  const m = /^(\d{4})(?:-(?:(0[1-9]|1[0-2])|[Qq]([1-4])))?$/.exec(text || '');
  if (!m) return null;
  const year = Number(m[1]);
  if (m[2]) return { kind: 'month', year, first: Number(m[2]) };
  if (m[3]) return { kind: 'quarter', year, first: (Number(m[3]) - 1) * 3 + 1 };
  return { kind: 'year', year, first: 1 };
}

export function formatPeriod({ kind, year, first }) {
  if (kind === 'month') return `${year}-${String(first).padStart(2, '0')}`;
  if (kind === 'quarter') return `${year}-Q${(first - 1) / 3 + 1}`;
  return String(year);
}

/** The period `count` periods later (negative: earlier). */
export function shift(period, count) {
  const index = period.year * 12 + period.first - 1 + count * MONTHS[period.kind];
  return { kind: period.kind, year: Math.floor(index / 12), first: (index % 12) + 1 };
}

/** The period of `kind` that holds `inner`'s first month; a month chosen in a longer period is
 * its last month, or `current` (a month) when that is earlier: not a month still to come. */
export function toKind(inner, kind, current) {
  if (kind === 'month') {
    const last = { kind: 'month', year: inner.year, first: inner.first + MONTHS[inner.kind] - 1 };
    return current && index(current) < index(last) && index(current) >= index(inner) ? current : last;
  }
  const first = Math.floor((inner.first - 1) / MONTHS[kind]) * MONTHS[kind] + 1;
  return { kind, year: inner.year, first };
}

/** `current` converted to `kind` and the `count - 1` periods before it, newest first. */
export function recent(kind, current, count) {
  const newest = toKind(current, kind, current);
  return Array.from({ length: count }, (_, i) => formatPeriod(shift(newest, -i)));
}

/** "2026-10-01 – 2026-12-31": the days a period covers, from its name alone (no time zone). */
export function dayRange(period) {
  const last = shift({ kind: 'month', year: period.year, first: period.first }, MONTHS[period.kind] - 1);
  const days = new Date(Date.UTC(last.year, last.first, 0)).getUTCDate();
  const pad = n => String(n).padStart(2, '0');
  return `${period.year}-${pad(period.first)}-01 – ${last.year}-${pad(last.first)}-${pad(days)}`;
}

/** The month that holds `ms` on this screen's clock: the duty PCs keep the community's zone. */
export function monthOf(ms) {
  const d = new Date(ms);
  return { kind: 'month', year: d.getFullYear(), first: d.getMonth() + 1 };
}

function index(p) { return p.year * 12 + p.first - 1; }
