// The SLA report of a period (as `gridwatch report sla` prints it), drawn on the Reports page
// from the `sla` the assessment carries: the same period and community as the indicators
// above it, so the two never disagree about which tickets they counted.
import { t, label } from './i18n.js';
import { h, fmtDuration } from './util.js';

const pct = rate => (rate === null || rate === undefined ? t('none') : `${(rate * 100).toFixed(1)} %`);
const verdict = met => (met === true ? h('span', { class: 'good', text: t('kpiMet') })
  : met === false ? h('span', { class: 'bad', text: t('kpiMissed') }) : null);
const durations = d => (d && d.samples ? `${fmtDuration(d.p50_ms)} / ${fmtDuration(d.p90_ms)}` : t('none'));

/** "92.5 % (37 of 40)": the rate with what it was counted from, so a small sample shows as one. */
function onTime(figures) {
  if (!figures || !figures.measured) return t('none');
  return `${pct(figures.rate)} (${t('slaOfN', { n: figures.on_time, of: figures.measured })})`;
}

function tierTable(sla) {
  const rows = [...sla.tiers, sla.overall].map((tier, i, all) => h('tr', { 'data-tier': tier.tier, class: i === all.length - 1 ? 'total' : null },
    h('th', { scope: 'row', text: i === all.length - 1 ? t('slaOverall') : label('sev', tier.tier) }),
    h('td', { class: 'num', text: String(tier.tickets) }),
    h('td', { class: 'num', text: onTime(tier.response) }),
    h('td', { class: 'num', text: onTime(tier.resolution) }),
    h('td', { class: 'num' + (tier.response.open_overdue + tier.resolution.open_overdue ? ' bad' : ''),
      text: String(tier.response.open_overdue + tier.resolution.open_overdue) }),
    h('td', { class: 'num', text: durations(tier.time_to_acknowledge) }),
    h('td', { class: 'num', text: durations(tier.time_to_resolve) })));
  const head = ['slaTier', 'slaTickets', 'slaResponse', 'slaResolution', 'slaOverdue', 'slaAckTime', 'slaResolveTime']
    .map(k => h('th', { scope: 'col', text: t(k) }));
  return h('div', { class: 'table-wrap' }, h('table', { class: 'sla-tiers' },
    h('caption', { class: 'muted', text: t('slaTierNote') }),
    h('thead', {}, h('tr', {}, head)), h('tbody', {}, rows)));
}

/** One figure as a definition: its name, the value large, the counts and the verdict beside it. */
function figure(id, name, value, detail, met) {
  return h('div', { class: 'sla-figure', 'data-figure': id },
    h('dt', { text: name }),
    h('dd', {}, h('strong', { text: value }), ' ', h('span', { class: 'muted', text: detail }), ' ', verdict(met)));
}

function figures(sla) {
  const c = sla.closed_within_72h;
  const r = sla.remediation;
  const d = sla.device_health;
  const f = sla.false_alarms;
  const w = sla.warning_funnel;
  return h('dl', { class: 'sla-figures' },
    // Its target is the closed_within_72h indicator's, shown with the indicators above.
    figure('closure', t('slaClosure'), pct(c.rate), t('slaClosureLine', { n: c.within_window, of: c.measured, due: c.not_yet_due }), null),
    figure('remediation', t('slaRemediation'), pct(r.rate), t('slaRemediationLine', { n: r.reopened, of: r.resolved, target: pct(r.target) }), r.met),
    figure('device_health', t('slaHealth'), pct(d.rate), t('slaHealthLine', { n: d.healthy, of: d.total, target: pct(d.target) }), d.met),
    figure('warnings', t('slaWarnings'), String(w.level_1 + w.level_2 + w.level_3),
      t('slaWarningsLine', { l1: w.level_1, l2: w.level_2, l3: w.level_3, moved: w.transferred_tickets }), null),
    figure('false_alarms', t('slaFalse'), pct(f.rate), t('slaOfN', { n: f.cancelled, of: f.tickets }), null));
}

function residents(sla) {
  const r = sla.residents;
  if (!r) return null;
  const nps = r.net_promoter_score === undefined ? t('none') : r.net_promoter_score.toFixed(0);
  const mean = r.satisfaction_mean === undefined ? t('none') : `${r.satisfaction_mean.toFixed(2)} / 5`;
  return h('section', { class: 'sla-residents' }, h('h3', { text: t('slaResidents') }), h('dl', { class: 'sla-figures' },
    figure('follow_up', t('slaFollowUp'), pct(r.follow_up_rate), t('slaOfN', { n: r.follow_ups_done, of: r.follow_ups_due }), null),
    figure('satisfied', t('slaSatisfied'), pct(r.satisfied_rate), t('slaAnswersMean', { n: r.satisfaction_answers, mean }), null),
    figure('nps', t('slaNps'), nps, t('slaAnswers', { n: r.recommend_answers }), null),
    figure('complaints', t('slaComplaints'), pct(r.complaint_on_time_rate),
      t('slaOfN', { n: r.complaints_resolved_on_time, of: r.complaints }), null)));
}

/** The period's SLA section; `periodText` names the period in the heading. */
export function slaSection(sla, periodText) {
  const body = sla.tickets
    ? [tierTable(sla), figures(sla), residents(sla)]
    : [h('p', { class: 'muted', text: t('slaNoTickets') }), figures(sla)];
  return h('section', { class: 'panel sla', id: 'kpi-sla', 'aria-labelledby': 'kpi-sla-h' },
    h('h2', { id: 'kpi-sla-h' }, t('slaTitle', { period: periodText }), ' ',
      h('span', { class: 'count', text: t('slaTicketCount', sla.tickets) })),
    body);
}
