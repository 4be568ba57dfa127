// Follow-up (回访): the queue of residents still to be called after a resolution (#/follow-ups)
// and the form on a ticket's page that records the call or visit (POST tickets/ID/follow_up).
import { api } from './api.js';
import { t, ticketTitle } from './i18n.js';
import { h, setText, now, ms, fmtTime, place } from './util.js';

const $ = id => document.getElementById(id);

/** The queue page: soonest due first, overdue marked, each row linking to its ticket. */
export async function showQueue() {
  const view = $('view-followups');
  const heading = h('h1', { id: 'followups-h', tabindex: '-1', text: t('followUpsTitle') });
  view.replaceChildren(heading, h('p', { class: 'muted', text: t('loading') }));
  try {
    const answer = await api('follow-ups');
    const items = answer.follow_ups || [];
    const at = ms(answer.now) || now();
    const rows = items.map(tk => {
      const fu = tk.follow_up || {};
      const overdue = ms(fu.due_at) < at;
      return h('tr', { 'data-ticket-id': tk.id, class: overdue ? 'overdue' : '' },
        h('td', {}, h('a', { href: `#/tickets/${encodeURIComponent(tk.id)}`, text: tk.id })),
        h('td', { class: 'nowrap' }, fmtTime(fu.due_at), overdue ? h('span', { class: 'badge lvl-3', text: t('followUpOverdue') }) : null),
        h('td', { text: String(fu.failed_attempts || 0) }),
        h('td', { text: place(tk) }),
        h('td', { text: ticketTitle(tk) }));
    });
    const table = items.length
      ? h('table', { class: 'list', id: 'followups-list' },
        h('thead', {}, h('tr', {}, ['followUpTicket', 'followUpDue', 'followUpAttempts', 'followUpPlace', 'followUpWhat'].map(k => h('th', { scope: 'col', text: t(k) })))),
        h('tbody', {}, rows))
      : h('p', { class: 'muted', id: 'followups-empty', text: t('followUpsNone') });
    view.replaceChildren(heading, h('p', { class: 'muted', text: t('followUpsHelp') }), table);
  } catch (err) {
    view.replaceChildren(heading, h('p', { class: 'error', role: 'alert', text: t('loadFailed', { error: err.message }) }));
  }
}

/** The follow-up form of a ticket whose follow-up is open; `onDone(ticket)` with the answer. */
export function followUpForm(tk, onDone) {
  const fu = tk.follow_up || {};
  const reached = h('fieldset', { class: 'choice' }, h('legend', { text: t('fReached') }),
    ['yes', 'no'].map(v => h('label', { class: 'check' },
      h('input', { type: 'radio', name: 'reached', value: v, id: `fu-reached-${v}`, checked: v === 'yes' }), ' ', t(v === 'yes' ? 'yes' : 'no'))));
  const satisfaction = select('fu-satisfaction', [1, 2, 3, 4, 5], t('fSatisfaction'));
  const recommend = select('fu-recommend', [...Array(11).keys()], t('fRecommend'));
  const comment = h('textarea', { id: 'fu-comment', name: 'comment', rows: '2' });
  const error = h('p', { class: 'error', role: 'alert' });
  const button = h('button', { type: 'submit', class: 'btn primary', 'data-action': 'follow_up', text: t('act_follow_up') });
  const form = h('form', { class: 'action action-follow_up', novalidate: true },
    h('p', { class: 'muted small', text: t('followUpDueAt', { at: fmtTime(fu.due_at), n: fu.failed_attempts || 0 }) }),
    reached, satisfaction.label, satisfaction.input, recommend.label, recommend.input,
    h('label', { for: 'fu-comment', text: t('fComment') }), comment, button, error);
  const scores = [satisfaction.input, recommend.input];
  form.addEventListener('change', () => {
    // A resident not reached gives no scores: the server refuses them, so the form does too.
    const notReached = form.querySelector('input[name=reached]:checked')?.value === 'no';
    for (const input of scores) { input.disabled = notReached; if (notReached) input.value = ''; }
  });
  form.addEventListener('submit', async e => {
    e.preventDefault();
    const body = { reached: form.querySelector('input[name=reached]:checked')?.value === 'yes' };
    if (satisfaction.input.value) body.satisfaction = Number(satisfaction.input.value);
    if (recommend.input.value) body.recommend = Number(recommend.input.value);
    if (comment.value.trim()) body.comment = comment.value.trim();
    setText(error, '');
    button.disabled = true;
    try {
      onDone(await api(`tickets/${encodeURIComponent(tk.id)}/follow_up`, { method: 'POST', body }));
    } catch (err) {
      button.disabled = false;
      setText(error, err.status === 403 ? t('errForbidden') : err.message);
    }
  });
  return form;
}

function select(id, values, labelText) {
  const input = h('select', { id, name: id }, h('option', { value: '', text: '–' }), values.map(v => h('option', { value: String(v), text: String(v) })));
  return { input, label: h('label', { for: id, text: labelText }) };
}

/** What the follow-ups said, for the ticket's facts: the latest first. */
export function followUpFacts(tk) {
  const all = [...(tk.follow_up_history || []), ...(tk.follow_up ? [tk.follow_up] : [])].reverse();
  return all.map(fu => {
    if (!fu.done_at) return [t('followUp'), t('followUpDueAt', { at: fmtTime(fu.due_at), n: fu.failed_attempts || 0 })];
    if (fu.reached === false) return [t('followUp'), t('followUpNotReached', { at: fmtTime(fu.done_at) })];
    const scores = [fu.satisfaction != null ? `${t('fSatisfaction')} ${fu.satisfaction}/5` : null,
      fu.recommend != null ? `${t('fRecommend')} ${fu.recommend}/10` : null, fu.comment].filter(Boolean).join(' · ');
    return [t('followUp'), `${fmtTime(fu.done_at)} ${fu.by || ''}: ${scores}`];
  });
}
