// Maintenance before failure on the device page: the batteries forecast to run out soonest
// (from each device's battery_forecast in GET /api/v1/devices), so they are changed in time.
import { t, label } from './i18n.js';
import { h, now, ms, fmtTime } from './util.js';

const DAY_MS = 86_400_000;
const SHOWN = 50;

/** Devices with a forecast run-out, soonest first; overdue ones (run-out past) marked. */
export function forecastTable(devices) {
  const due = devices.filter(d => d.battery_forecast?.state === 'forecast' && d.battery_forecast.run_out_at)
    .sort((a, b) => ms(a.battery_forecast.run_out_at) - ms(b.battery_forecast.run_out_at) || a.id.localeCompare(b.id));
  const title = h('h2', {}, t('forecastTitle'), ' ', h('span', { class: 'count', text: `(${due.length})` }));
  if (!due.length) return h('section', { class: 'panel' }, title, h('p', { class: 'muted', text: t('noForecasts') }));
  const rows = due.slice(0, SHOWN).map(dev => {
    const f = dev.battery_forecast;
    const days = (ms(f.run_out_at) - now()) / DAY_MS;
    const when = days < 0 ? t('runOutPast') : t('runOutIn', { days: days.toFixed(days < 10 ? 1 : 0) });
    return h('tr', {},
      h('td', { class: 'mono', text: dev.id }),
      h('td', { text: label('type', dev.type) }),
      h('td', { text: [dev.building, dev.unit].filter(Boolean).join('-') }),
      h('td', { class: 'num', text: f.level == null ? t('none') : `${f.level} %` }),
      h('td', { class: 'num', text: f.drain_per_day == null ? t('none') : t('perDay', { n: f.drain_per_day }) }),
      h('td', { class: days < 7 ? 'bad' : '', text: `${fmtTime(f.run_out_at)} (${when})` }),
      h('td', { class: 'num', text: String(f.samples) }),
      h('td', { text: f.replaced_at ? fmtTime(f.replaced_at) : t('none') }));
  });
  const more = due.length > SHOWN ? h('p', { class: 'muted', text: t('forecastMore', { n: due.length - SHOWN }) }) : '';
  return h('section', { class: 'panel' }, title, h('p', { class: 'muted', text: t('forecastHelp') }),
    h('div', { class: 'table-wrap' }, h('table', { class: 'devices forecasts' },
      h('thead', {}, h('tr', {}, ['colDevice', 'colType', 'colPlace', 'colBattery', 'colDrain', 'colRunOut', 'colSamples', 'colReplaced']
        .map(k => h('th', { scope: 'col', text: t(k) })))),
      h('tbody', {}, rows))), more);
}
