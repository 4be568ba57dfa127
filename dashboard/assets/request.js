// The duty officer's form for a resident's phone call or visit. It goes the same way as a
// request from a community app (POST /api/v1/requests), so it gets the same ticket, clocks
// and status, and an item from the catalogue instead of free text for a category.
import { api } from './api.js';
import { t, getLang, label } from './i18n.js';
import { h, setText } from './util.js';

const $ = id => document.getElementById(id);
let catalogue = null;        // GET /api/v1/catalogue, loaded once per session
// One id per request being logged: pressing the button twice (or again after a network
// error) sends the same id, and the gateway answers with the ticket it already opened.
let requestID = null;
let lastTicketID = null;     // the ticket of the last request logged, kept across a language switch

const FIELDS = ['channel', 'item', 'community', 'building', 'unit', 'text'];

function newRequestID(channel) {
  const random = crypto.getRandomValues(new Uint32Array(2));
  return `${channel}-${Date.now().toString(36)}-${random[0].toString(36)}${random[1].toString(36)}`;
}

export async function show() {
  const view = $('view-request');
  if (!catalogue) {
    view.replaceChildren(h('h1', { id: 'request-h', tabindex: '-1', text: t('requestTitle') }), h('p', { class: 'muted', text: t('loading') }));
    try {
      catalogue = await api('catalogue');
    } catch (err) {
      view.replaceChildren(h('h1', { id: 'request-h', tabindex: '-1', text: t('requestTitle') }),
        h('p', { class: 'error', role: 'alert', text: t('loadFailed', { error: err.message }) }));
      return;
    }
  }
  render();
}

/** The values typed so far, so a re-render (a language switch) keeps them. */
function currentValues() {
  const form = $('request-form');
  if (!form) return { channel: 'phone', community: 'demo' };
  const data = new FormData(form);
  return Object.fromEntries(FIELDS.map(name => [name, data.get(name) || '']));
}

function itemOptions(selected) {
  const lang = getLang();
  return [h('option', { value: '', text: t('requestItemChoose') }),
    ...catalogue.classes.map(demandClass => h('optgroup', { label: demandClass.title[lang] || demandClass.title.en },
      demandClass.items.map(item => h('option', { value: item.id, selected: item.id === selected,
        text: `${item.title[lang] || item.title.en} (${label('sev', item.tier)})` }))))];
}

function field(name, labelKey, value, extra = {}) {
  return [h('label', { for: `request-${name}`, text: t(labelKey) }),
    h('input', { id: `request-${name}`, type: 'text', name, value, required: true, autocomplete: 'off', ...extra })];
}

function render(values = currentValues()) {
  const channel = values.channel || 'phone';
  const form = h('form', { id: 'request-form', class: 'panel request-form', novalidate: true, on: { submit } },
    h('fieldset', {}, h('legend', { text: t('requestChannel') }),
      ['phone', 'visit'].map(value => h('label', { class: 'check' },
        h('input', { type: 'radio', name: 'channel', value, checked: value === channel }), ' ', t('channel_' + value)))),
    h('label', { for: 'request-item', text: t('requestItem') }),
    h('select', { id: 'request-item', name: 'item', required: true }, itemOptions(values.item)),
    field('community', 'requestCommunity', values.community || 'demo'),
    field('building', 'requestBuilding', values.building || ''),
    field('unit', 'requestUnit', values.unit || ''),
    h('label', { for: 'request-text', text: t('requestText') }),
    h('textarea', { id: 'request-text', name: 'text', rows: '3', text: values.text || '' }),
    h('button', { type: 'submit', id: 'request-submit', class: 'btn primary', text: t('requestSubmit') }),
    h('p', { id: 'request-error', class: 'error', role: 'alert' }),
    h('p', { id: 'request-result', role: 'status' }, resultText()));
  $('view-request').replaceChildren(h('h1', { id: 'request-h', tabindex: '-1', text: t('requestTitle') }),
    h('p', { class: 'muted', text: t('requestHelp') }), form);
}

function resultText() {
  if (!lastTicketID) return '';
  return [t('requestLogged', { id: lastTicketID }), ' ', h('a', { href: `#/tickets/${lastTicketID}`, text: t('requestOpenTicket') })];
}

async function submit(event) {
  event.preventDefault();
  const values = currentValues();
  const missing = ['item', 'community', 'building', 'unit'].find(name => !values[name].trim());
  if (missing) {
    setText($('request-error'), t('requestMissing', { field: t('request' + missing[0].toUpperCase() + missing.slice(1)) }));
    $(`request-${missing}`).focus();
    return;
  }
  requestID ??= newRequestID(values.channel);
  const button = $('request-submit');
  button.disabled = true;
  setText($('request-error'), '');
  try {
    const status = await api('requests', { method: 'POST', body: {
      request_id: requestID, source: values.channel, item: values.item, community: values.community.trim(),
      building: values.building.trim(), unit: values.unit.trim(), text: values.text.trim(),
    } });
    lastTicketID = status.ticket_id;
    requestID = null;
    // The next call is usually from the same community and by the same channel.
    render({ channel: values.channel, community: values.community });
  } catch (err) {
    setText($('request-error'), err.status === 403 ? t('errForbidden') : err.status === 0 ? t('errNetwork') : err.message);
  } finally {
    if ($('request-submit')) $('request-submit').disabled = false;
  }
}

export function rerender() {
  if (catalogue && !$('view-request').hidden) render();
}

export function reset() {
  catalogue = null;
  requestID = null;
  lastTicketID = null;
  $('view-request').replaceChildren();
}
