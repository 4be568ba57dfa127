// A ticket's dispatch decision as people read it, shared by the ticket page and the map: who
// was sent and how far, why, when, arrival, the others considered and resources nearby.
import { t, label } from './i18n.js';
import { h, fmtTime } from './util.js';
import { fmtMetres } from './geo.js';

const withDistance = (text, metres) => (metres === null || metres === undefined ? text : `${text} · ${fmtMetres(metres)}`);

/** The decision's nodes (a fact list, then the candidates and resources when there are any). */
export function dispatchDetails(tk) {
  const d = tk.dispatch;
  const rows = [
    ['dispatchedTo', d.assignee ? withDistance(d.assignee, d.distance_m) : t('nobodyAvailable'), ''],
    ['dispatchReason', d.reason, 'dispatch-reason'],
    ['dispatchedAt', fmtTime(tk.dispatched_at, true), ''],
    ['arrivedAt', tk.arrived_at ? fmtTime(tk.arrived_at, true) : t('notYetArrived'), 'dispatch-arrived'],
  ];
  const list = (items, text) => (items?.length ? h('ul', { class: 'plain' }, items.map(i => h('li', { text: text(i) }))) : null);
  return [
    h('dl', { class: 'facts dispatch-facts' }, rows.map(([k, v, cls]) => [h('dt', { text: t(k) }), h('dd', { class: cls, text: String(v ?? '') })])),
    d.candidates?.length ? h('h3', { text: t('candidates') }) : null,
    list(d.candidates, c => withDistance(c.id, c.distance_m)),
    d.resources?.length ? h('h3', { text: t('resourcesNearby') }) : null,
    list(d.resources, r => withDistance(`${label('res', r.class)} ${r.id}`, r.distance_m)),
  ];
}
