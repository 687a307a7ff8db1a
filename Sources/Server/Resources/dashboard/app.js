// The LienThong dashboard: login, overview (live), message browser and detail, actions, users.
// Plain JavaScript modules; the page keeps no patient data in the URL (ids only) or in
// localStorage (only the language).

import { api, atLeast, setUnauthorizedHandler } from './api.js';
import { lineChart } from './charts.js';
import { h, replace } from './dom.js';
import { language, locale, setLanguage, t, translatePage } from './i18n.js';

const main = document.getElementById('main');
const notice = document.getElementById('notice');
const pollInterval = 5000;

const state = {
  session: null,
  /** The message search form's values (in memory only: they may name a patient). */
  search: {},
  /** The `after` of the page shown, and those of the pages before it. */
  after: null,
  pages: [],
  channels: [],
  showEmptyFields: false,
  poll: null,
  render: null,
};

// MARK: Formatting

function formatTime(iso) {
  if (!iso) return t('common.none');
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'short', timeStyle: 'medium' }).format(new Date(iso));
}

function formatAge(seconds) {
  if (seconds === null || seconds === undefined) return t('common.none');
  if (seconds < 90) return t('common.seconds', { n: Math.round(seconds) });
  if (seconds < 90 * 60) return t('common.minutes', { n: Math.round(seconds / 60) });
  if (seconds < 36 * 3600) return t('common.hours', { n: Math.round(seconds / 3600) });
  return t('common.days', { n: Math.round(seconds / 86400) });
}

function formatNumber(value) {
  return value === null || value === undefined ? t('common.none') : new Intl.NumberFormat(locale()).format(value);
}

function formatPercent(value) {
  if (value === null || value === undefined) return t('common.none');
  return new Intl.NumberFormat(locale(), { style: 'percent', maximumFractionDigits: 1 }).format(value);
}

function roleName(role) {
  return t(`role.${role}`);
}

function stateName(name) {
  const key = `state.${name}`;
  const text = t(key);
  return text === key ? name : text;
}

/** `PATIENT_IDENTIFIER_LIST` → `Patient identifier list`. */
function fieldName(name) {
  if (!name) return '';
  const words = name.toLowerCase().split('_');
  return [words[0].charAt(0).toUpperCase() + words[0].slice(1), ...words.slice(1)].join(' ');
}

// MARK: Notices, confirmations

let noticeTimer = null;
function notify(text, kind = 'info') {
  notice.textContent = text;
  notice.className = `notice ${kind}`;
  notice.hidden = false;
  clearTimeout(noticeTimer);
  if (kind !== 'error') noticeTimer = setTimeout(() => (notice.hidden = true), 8000);
}

function errorText(error) {
  if (error.status === 403) return t('error.forbidden');
  if (error.status === 0) return t('error.network');
  return t('common.error', { message: error.message });
}

const dialog = document.getElementById('confirm');
function confirmAction(text) {
  document.getElementById('confirm-text').textContent = text;
  dialog.returnValue = '';
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true });
    dialog.showModal();
    document.getElementById('confirm-cancel').focus();
  });
}

/** Asks `question`; when confirmed runs `action` and tells `done(result)`, then `after()`. */
async function act(question, action, done, after) {
  if (!(await confirmAction(question))) return;
  try {
    const result = await action();
    notify(done(result), 'success');
  } catch (error) {
    notify(errorText(error), 'error');
  }
  await after?.();
}

// MARK: Polling

function stopPolling() {
  if (state.poll) clearInterval(state.poll.timer);
  state.poll = null;
}

/** Runs `refresh` every few seconds while the tab is visible (and at once when it shows again). */
function startPolling(refresh) {
  stopPolling();
  let busy = false;
  const tick = async () => {
    if (document.hidden || busy) return;
    busy = true;
    try {
      await refresh();
    } finally {
      busy = false;
    }
  };
  state.poll = { timer: setInterval(tick, pollInterval), tick };
}

document.addEventListener('visibilitychange', () => {
  if (!document.hidden) state.poll?.tick();
});

// MARK: Session

function renderChrome() {
  const signedIn = Boolean(state.session);
  document.getElementById('nav').hidden = !signedIn;
  document.getElementById('logout').hidden = !signedIn;
  document.getElementById('nav-users').hidden = !(signedIn && atLeast(state.session.role, 'admin'));
  document.getElementById('session-user').textContent = signedIn
    ? t('session.user', { user: state.session.user, role: roleName(state.session.role) })
    : '';
  const current = (location.hash || '#/overview').split('/')[1];
  for (const link of document.querySelectorAll('#nav a')) {
    if (link.getAttribute('href') === `#/${current}`) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}

function showLogin(message) {
  stopPolling();
  state.render = () => showLogin(message);
  renderChrome();
  const error = h('p', { id: 'login-error', class: 'error-text', role: 'alert' }, message ?? '');
  const username = h('input', { id: 'login-username', name: 'username', autocomplete: 'username', required: true });
  const password = h('input', { id: 'login-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const form = h(
    'form',
    { class: 'login', id: 'login-form' },
    h('h1', {}, t('login.title')),
    h('p', { class: 'muted' }, t('login.intro')),
    h('label', { for: 'login-username' }, t('login.username')),
    username,
    h('label', { for: 'login-password' }, t('login.password')),
    password,
    error,
    h('button', { type: 'submit', id: 'login-submit' }, t('login.submit')),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.textContent = '';
    try {
      state.session = await api('/api/session', {
        method: 'POST',
        body: { username: username.value, password: password.value },
        quietUnauthorized: true,
      });
      password.value = '';
      if (!location.hash || location.hash === '#/login') location.hash = '#/overview';
      route();
    } catch (failure) {
      error.textContent =
        failure.status === 401 ? t('login.failed') : failure.status === 429 ? t('login.throttled') : t('login.unavailable', { status: failure.status });
      password.select();
    }
  });
  replace(main, form);
  username.focus();
}

async function logout() {
  try {
    await api('/api/session', { method: 'DELETE', quietUnauthorized: true });
  } catch {
    // The session is gone either way.
  }
  state.session = null;
  state.search = {};
  state.pages = [];
  state.after = null;
  showLogin();
}

// MARK: Routing

function route() {
  stopPolling();
  if (!state.session) return showLogin();
  renderChrome();
  const hash = location.hash || '#/overview';
  const message = hash.match(/^#\/messages\/(\d+)$/);
  if (message) return show(() => showMessage(Number(message[1])));
  if (hash === '#/messages') return show(showMessages);
  if (hash === '#/users' && atLeast(state.session.role, 'admin')) return show(showUsers);
  return show(showOverview);
}

function show(render) {
  state.render = render;
  render();
}

// MARK: Overview

function showOverview() {
  const operator = atLeast(state.session.role, 'operator');
  const updated = h('span', { class: 'muted', id: 'overview-updated' });
  const totals = h('p', { id: 'overview-totals', class: 'totals' });
  const charts = h('div', { class: 'charts', id: 'charts' });
  const destinations = h('div', { id: 'destinations' }, h('p', { class: 'muted' }, t('common.loading')));
  const channels = h('div', { id: 'channels' });
  const reloadButton = atLeast(state.session.role, 'admin')
    ? h('button', { type: 'button', id: 'reload-config', class: 'secondary' }, t('overview.reload'))
    : null;
  const refresh = async () => {
    const [destinationResult, channelResult, statsResult] = await Promise.allSettled([
      api('/api/destinations'),
      api('/api/channels'),
      api('/api/stats?minutes=60'),
    ]);
    if (state.render !== showOverview) return;
    if (destinationResult.status === 'fulfilled') replace(destinations, destinationTable(destinationResult.value, operator, refresh));
    else replace(destinations, h('p', { class: 'error-text' }, errorText(destinationResult.reason)));
    if (channelResult.status === 'fulfilled') {
      state.channels = channelResult.value;
      replace(channels, channelTable(channelResult.value));
    }
    if (statsResult.status === 'fulfilled') renderStats(statsResult.value, totals, charts);
    else {
      replace(totals);
      replace(charts, h('p', { class: 'muted' }, t('chart.unavailable', { message: statsResult.reason.message })));
    }
    updated.textContent = t('common.updated', { time: new Intl.DateTimeFormat(locale(), { timeStyle: 'medium' }).format(new Date()) });
  };
  reloadButton?.addEventListener('click', () =>
    act(
      t('overview.reload.confirm'),
      () => api('/api/config/reload', { method: 'POST' }).catch((error) => {
        if (error.status === 422) return { applied: false, errors: [error.message] };
        throw error;
      }),
      (result) =>
        result.applied
          ? t('overview.reload.applied', { changes: (result.changes ?? []).join('; ') || t('common.none') })
          : t('overview.reload.refused', { errors: (result.errors ?? []).join('; ') }),
      refresh,
    ),
  );
  replace(
    main,
    h(
      'section',
      { class: 'overview' },
      h('div', { class: 'title-row' }, h('h1', {}, t('overview.title')), updated, h('span', { class: 'spacer' }), reloadButton),
      h('h2', {}, t('overview.charts')),
      totals,
      charts,
      h('h2', {}, t('overview.destinations')),
      destinations,
      h('h2', {}, t('overview.channels')),
      channels,
    ),
  );
  refresh();
  startPolling(refresh);
}

function renderStats(stats, totals, charts) {
  const buckets = stats.buckets ?? [];
  const sum = (key) => buckets.reduce((total, bucket) => total + (bucket[key] ?? 0), 0);
  totals.textContent = t('overview.totals', {
    received: formatNumber(sum('received')),
    delivered: formatNumber(sum('delivered')),
    failed: formatNumber(sum('failed')),
  });
  replace(
    charts,
    lineChart({
      title: t('chart.throughput'),
      buckets,
      integers: true,
      emptyText: t('chart.empty'),
      series: [
        { label: t('chart.received'), className: 'series-received', value: (b) => b.received },
        { label: t('chart.delivered'), className: 'series-delivered', value: (b) => b.delivered },
        { label: t('chart.failed'), className: 'series-failed', value: (b) => b.failed },
      ],
    }),
    lineChart({
      title: t('chart.latency'),
      buckets,
      emptyText: t('chart.empty'),
      series: [
        { label: t('chart.p50'), className: 'series-p50', value: (b) => b.deliveryLatencyMs?.p50 ?? null },
        { label: t('chart.p95'), className: 'series-p95', value: (b) => b.deliveryLatencyMs?.p95 ?? null },
      ],
    }),
  );
}

function destinationTable(destinations, operator, refresh) {
  const count = (destination, key) => destination.entries?.[key] ?? 0;
  const number = (value, badWhenPositive = false) =>
    h('td', { class: `num${badWhenPositive && value > 0 ? ' bad' : ''}` }, formatNumber(value));
  const rows = destinations.map((destination) => {
    const name = destination.name;
    const path = `/api/destinations/${encodeURIComponent(name)}`;
    // The API's status: paused, failing (half the last hour's attempts failed), backlog (the
    // oldest pending entry waits 5 minutes or more) or ok.
    const statusName = destination.status ?? (destination.paused ? 'paused' : 'ok');
    const status = statusName === 'paused'
      ? h('span', { class: 'badge warn' }, destination.pausedBy ? t('destination.pausedBy', { by: destination.pausedBy }) : t('destination.paused'))
      : h('span', { class: `badge ${statusName === 'ok' ? 'ok' : statusName === 'backlog' ? 'warn' : 'bad'}` }, t(`destination.status.${statusName}`));
    const actions = operator
      ? h(
          'td',
          { class: 'actions' },
          destination.paused
            ? h('button', {
                type: 'button', class: 'small', dataset: { action: 'resume', destination: name },
                onclick: () => act(t('action.resume.confirm', { name }), () => api(`${path}/resume`, { method: 'POST' }), () => t('action.resume.done', { name }), refresh),
              }, t('action.resume'))
            : h('button', {
                type: 'button', class: 'small secondary', dataset: { action: 'pause', destination: name },
                onclick: () => act(t('action.pause.confirm', { name }), () => api(`${path}/pause`, { method: 'POST' }), () => t('action.pause.done', { name }), refresh),
              }, t('action.pause')),
          h('button', {
            type: 'button', class: 'small secondary', dataset: { action: 'retry', destination: name },
            disabled: count(destination, 'dead_letter') === 0,
            onclick: () => act(
              t('action.retry.confirm', { name }),
              () => api(`${path}/dead-letters/retry`, { method: 'POST' }),
              (result) => t('action.retry.done', { name, count: result.entries.length }),
              refresh,
            ),
          }, t('action.retry')),
        )
      : null;
    return h(
      'tr',
      { dataset: { destination: name } },
      h('th', { scope: 'row' }, name),
      h('td', {}, destination.kind),
      h('td', {}, status),
      number(count(destination, 'pending')),
      number(count(destination, 'leased')),
      number(count(destination, 'delivered')),
      number(count(destination, 'dead_letter'), true),
      number(count(destination, 'discarded')),
      h('td', { class: `num${destination.oldestPendingSeconds > 300 ? ' warn-text' : ''}` }, formatAge(destination.oldestPendingSeconds)),
      number(destination.deliveredLastHour),
      number(destination.failedLastHour, true),
      h('td', { class: `num${destination.errorRate > 0 ? ' bad' : ''}` }, formatPercent(destination.errorRate)),
      actions,
    );
  });
  const headers = [
    'destination.name', 'destination.kind', 'destination.status', 'destination.pending', 'destination.leased', 'destination.delivered',
    'destination.dead_letter', 'destination.discarded', 'destination.oldest', 'destination.throughput', 'destination.failures',
    'destination.errorRate',
  ];
  if (operator) headers.push('destination.actions');
  return h(
    'table',
    { class: 'grid-table', id: 'destination-table' },
    h('thead', {}, h('tr', {}, headers.map((key) => h('th', { scope: 'col' }, t(key))))),
    h('tbody', {}, rows),
  );
}

function channelTable(channels) {
  return h(
    'table',
    { class: 'grid-table', id: 'channel-table' },
    h('thead', {}, h('tr', {}, ['channel.name', 'channel.source', 'channel.address', 'channel.routes', 'channel.received', 'channel.rejected', 'channel.rejectionRate'].map((key) => h('th', { scope: 'col' }, t(key))))),
    h(
      'tbody',
      {},
      channels.map((channel) =>
        h(
          'tr',
          {},
          h('th', { scope: 'row' }, channel.name),
          h('td', {}, channel.source),
          h('td', { class: 'mono' }, channel.address),
          h('td', {}, channel.routes.map((route) => (route.mapping ? `${route.destination} (${route.mapping})` : route.destination)).join(', ')),
          h('td', { class: 'num' }, formatNumber(channel.receivedLastHour)),
          h('td', { class: `num${channel.rejectedLastHour > 0 ? ' bad' : ''}` }, formatNumber(channel.rejectedLastHour)),
          h('td', { class: 'num' }, formatPercent(channel.rejectionRate)),
        ),
      ),
    ),
  );
}

// MARK: Messages

const searchFields = [
  { key: 'controlID', label: 'messages.controlID' },
  { key: 'type', label: 'messages.type', size: 6 },
  { key: 'event', label: 'messages.event', size: 6 },
  { key: 'sendingApplication', label: 'messages.sendingApplication' },
  { key: 'sendingFacility', label: 'messages.sendingFacility' },
];

async function showMessages() {
  const operator = atLeast(state.session.role, 'operator');
  if (state.channels.length === 0) {
    try {
      state.channels = await api('/api/channels');
    } catch {
      state.channels = [];
    }
  }
  if (state.render !== showMessages) return;
  const inputs = {};
  const field = (key, label, control) => h('div', { class: 'field' }, h('label', { for: `search-${key}` }, t(label)), control);
  const text = ({ key, label, size }) => {
    inputs[key] = h('input', { id: `search-${key}`, name: key, value: state.search[key] ?? '', size: size ?? 14, autocomplete: 'off' });
    return field(key, label, inputs[key]);
  };
  const select = (key, label, options) => {
    inputs[key] = h(
      'select',
      { id: `search-${key}`, name: key },
      h('option', { value: '' }, t('messages.any')),
      options.map(([value, name]) => h('option', { value, selected: state.search[key] === value }, name)),
    );
    return field(key, label, inputs[key]);
  };
  const time = (key, label) => {
    inputs[key] = h('input', { id: `search-${key}`, name: key, type: 'datetime-local', value: state.search[key] ?? '' });
    return field(key, label, inputs[key]);
  };
  const results = h('div', { id: 'message-results' });
  const form = h(
    'form',
    { class: 'search', id: 'search-form', role: 'search' },
    searchFields.map(text),
    select('state', 'messages.state', ['received', 'routed', 'filtered', 'rejected'].map((s) => [s, stateName(s)])),
    select('channel', 'messages.channel', state.channels.map((c) => [c.name, c.name])),
    time('from', 'messages.from'),
    time('to', 'messages.to'),
    operator ? text({ key: 'patientID', label: 'messages.patientID' }) : null,
    h(
      'div',
      { class: 'field buttons' },
      h('button', { type: 'submit', id: 'search-submit' }, t('messages.search')),
      h('button', {
        type: 'button', class: 'secondary', id: 'search-reset',
        onclick: () => {
          state.search = {};
          state.after = null;
          state.pages = [];
          showMessages();
        },
      }, t('messages.reset')),
    ),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    state.search = Object.fromEntries(Object.entries(inputs).map(([key, input]) => [key, input.value.trim()]).filter(([, value]) => value));
    state.after = null;
    state.pages = [];
    loadMessages(results);
  });
  replace(main, h('section', {}, h('h1', {}, t('messages.title')), form, results));
  loadMessages(results);
}

async function loadMessages(results) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(state.search)) {
    if (key === 'from' || key === 'to') query.set(key, new Date(value).toISOString());
    else query.set(key, value);
  }
  if (state.after !== null) query.set('after', state.after);
  replace(results, h('p', { class: 'muted' }, t('common.loading')));
  let page;
  try {
    page = await api(`/api/messages?${query}`);
  } catch (error) {
    replace(results, h('p', { class: 'error-text' }, errorText(error)));
    return;
  }
  const rows = page.messages.map((message) =>
    h(
      'tr',
      { dataset: { messageId: message.id }, class: 'clickable', onclick: (event) => {
        if (event.target.closest('a')) return;
        location.hash = `#/messages/${message.id}`;
      } },
      h('td', { class: 'num' }, h('a', { href: `#/messages/${message.id}`, dataset: { messageId: message.id } }, String(message.id))),
      h('td', {}, formatTime(message.receivedAt)),
      h('td', {}, message.channel),
      h('td', {}, [message.type, message.event].filter(Boolean).join('^') || message.format),
      h('td', { class: 'mono' }, message.controlID ?? t('common.none')),
      h('td', {}, [message.sendingApplication, message.sendingFacility].filter(Boolean).join(' / ') || t('common.none')),
      h('td', {}, h('span', { class: `badge state-${message.state}` }, stateName(message.state))),
      h('td', { class: 'num' }, formatNumber(message.retransmissions)),
    ),
  );
  const pager = h(
    'div',
    { class: 'pager' },
    h('span', { class: 'muted' }, t('messages.count', { count: page.messages.length })),
    state.pages.length > 0 || state.after !== null
      ? h('button', { type: 'button', class: 'secondary', id: 'messages-first', onclick: () => {
          state.after = null;
          state.pages = [];
          loadMessages(results);
        } }, t('messages.first'))
      : null,
    page.next !== null && page.next !== undefined
      ? h('button', { type: 'button', id: 'messages-next', onclick: () => {
          state.pages.push(state.after);
          state.after = page.next;
          loadMessages(results);
        } }, t('messages.next'))
      : null,
  );
  if (page.messages.length === 0) {
    replace(results, h('p', { class: 'muted', id: 'messages-none' }, t('messages.none')), pager);
    return;
  }
  const headers = ['messages.id', 'messages.receivedAt', 'messages.channel', 'messages.type', 'messages.controlID', 'messages.sender', 'messages.state', 'messages.retransmissions'];
  replace(
    results,
    h(
      'table',
      { class: 'grid-table', id: 'message-table' },
      h('thead', {}, h('tr', {}, headers.map((key) => h('th', { scope: 'col' }, t(key))))),
      h('tbody', {}, rows),
    ),
    pager,
  );
}

// MARK: Message detail

async function showMessage(id) {
  const render = state.render;
  let detail;
  try {
    detail = await api(`/api/messages/${id}`);
  } catch (error) {
    replace(main, h('section', {}, backLink(), h('p', { class: 'error-text' }, errorText(error))));
    return;
  }
  if (state.render !== render) return;
  const operator = atLeast(state.session.role, 'operator');
  const message = detail.message;
  const reload = () => (state.render === render ? showMessage(id) : undefined);
  const replayButton = operator
    ? h('button', {
        type: 'button', id: 'replay-message',
        onclick: () => act(
          t('action.replay.confirm', { id }),
          () => api(`/api/messages/${id}/replay`, { method: 'POST' }),
          (result) => t('action.replay.done', { id, entries: result.entries.join(', ') }),
          reload,
        ),
      }, t('action.replay.message'))
    : null;
  const definition = (label, value, className) => [h('dt', {}, t(label)), h('dd', { class: className }, value ?? t('common.none'))];
  const header = h(
    'dl',
    { class: 'facts' },
    definition('messages.channel', message.channel),
    definition('detail.format', message.format),
    definition('messages.type', [message.type, message.event].filter(Boolean).join('^') || null),
    definition('messages.controlID', message.controlID, 'mono'),
    definition('messages.sendingApplication', message.sendingApplication),
    definition('messages.sendingFacility', message.sendingFacility),
    definition('messages.state', stateName(message.state)),
    message.rejection ? definition('detail.rejection', message.rejection) : null,
    definition('messages.receivedAt', formatTime(message.receivedAt)),
    definition('messages.retransmissions', formatNumber(message.retransmissions)),
  );
  const content = h('div', { id: 'message-content' });
  replace(
    main,
    h(
      'section',
      { class: 'detail' },
      backLink(),
      h('div', { class: 'title-row' }, h('h1', {}, t('detail.title', { id })), h('span', { class: 'spacer' }), replayButton),
      h('h2', {}, t('detail.header')),
      header,
      h('h2', {}, t('detail.entries')),
      entryTable(detail.entries, operator, reload),
      h('h2', {}, t('detail.content')),
      content,
    ),
  );
  renderContent(id, detail, content);
}

function backLink() {
  return h('p', {}, h('a', { href: '#/messages', id: 'back-to-messages' }, t('detail.back')));
}

function entryTable(entries, operator, reload) {
  if (entries.length === 0) return h('p', { class: 'muted' }, t('detail.noEntries'));
  const headers = ['detail.entry', 'destination.name', 'messages.state', 'detail.mapping', 'detail.attempts', 'detail.lastError', 'detail.enqueuedAt'];
  if (operator) headers.push('destination.actions');
  const bodies = entries.map((entry) => {
    const replayable = ['delivered', 'dead_letter', 'discarded'].includes(entry.state) && !entry.replacedBy;
    const discardable = ['pending', 'dead_letter'].includes(entry.state);
    const actions = operator
      ? h(
          'td',
          { class: 'actions' },
          h('button', {
            type: 'button', class: 'small secondary', dataset: { action: 'replay-entry', entry: entry.id }, disabled: !replayable,
            onclick: () => act(
              t('action.replayEntry.confirm', { id: entry.id, destination: entry.destination }),
              () => api(`/api/entries/${entry.id}/replay`, { method: 'POST' }),
              (result) => t('action.replayEntry.done', { id: entry.id, entry: result.entry }),
              reload,
            ),
          }, t('action.replayEntry')),
          h('button', {
            type: 'button', class: 'small danger', dataset: { action: 'discard', entry: entry.id }, disabled: !discardable,
            onclick: () => act(
              t('action.discard.confirm', { id: entry.id, destination: entry.destination }),
              () => api(`/api/entries/${entry.id}/discard`, { method: 'POST' }),
              () => t('action.discard.done', { id: entry.id }),
              reload,
            ),
          }, t('action.discard')),
        )
      : null;
    const notes = [
      entry.replayOf ? t('detail.replayOf', { id: entry.replayOf }) : null,
      entry.replacedBy ? t('detail.replacedBy', { id: entry.replacedBy }) : null,
    ].filter(Boolean);
    const row = h(
      'tr',
      { dataset: { entry: entry.id } },
      h('th', { scope: 'row', class: 'num' }, String(entry.id), notes.length ? h('div', { class: 'muted small-text' }, notes.join(' · ')) : null),
      h('td', {}, entry.destination),
      h('td', {}, h('span', { class: `badge state-${entry.state}` }, stateName(entry.state))),
      h('td', {}, entry.mapping ?? t('common.none')),
      h('td', { class: 'num' }, formatNumber(entry.attemptCount)),
      h('td', { class: entry.lastError ? 'bad' : '' }, entry.lastError ?? t('common.none')),
      h('td', {}, formatTime(entry.enqueuedAt)),
      actions,
    );
    const extra = [];
    if (entry.attempts.length > 0) extra.push(attemptTable(entry.attempts));
    if (entry.output) extra.push(h('h4', {}, t('detail.output', { format: entry.output.format })), contentBlock(entry.output.content, entry.output.format));
    const more = extra.length ? h('tr', { class: 'sub' }, h('td', { colspan: headers.length }, extra)) : null;
    return h('tbody', {}, row, more);
  });
  return h(
    'table',
    { class: 'grid-table', id: 'entry-table' },
    h('thead', {}, h('tr', {}, headers.map((key) => h('th', { scope: 'col' }, t(key))))),
    bodies,
  );
}

function attemptTable(attempts) {
  const headers = ['detail.attemptNumber', 'detail.outcome', 'detail.startedAt', 'detail.duration', 'detail.responseCode', 'detail.lastError', 'detail.response'];
  return h(
    'table',
    { class: 'grid-table inner' },
    h('thead', {}, h('tr', {}, headers.map((key) => h('th', { scope: 'col' }, t(key))))),
    h(
      'tbody',
      {},
      attempts.map((attempt) =>
        h(
          'tr',
          {},
          h('td', { class: 'num' }, String(attempt.number)),
          h('td', {}, stateName(attempt.outcome)),
          h('td', {}, formatTime(attempt.startedAt)),
          h('td', { class: 'num' }, `${formatNumber(Math.round(attempt.durationSeconds * 1000))} ms`),
          h('td', { class: 'mono' }, attempt.responseCode ?? t('common.none')),
          h('td', { class: attempt.error ? 'bad' : '' }, attempt.error ?? t('common.none')),
          h('td', {}, attempt.response ? contentBlock(attempt.response, 'hl7v2', true) : t('common.none')),
        ),
      ),
    ),
  );
}

/** Content as text: HL7 v2 one segment a line, JSON pretty-printed, other text as is. */
function contentBlock(content, format, compact = false) {
  if (content.text === undefined || content.text === null) {
    return h('p', { class: 'muted' }, t('detail.binary', { bytes: Math.floor(((content.base64 ?? '').length * 3) / 4) }));
  }
  let text = content.text;
  if (format?.includes('json')) {
    try {
      text = JSON.stringify(JSON.parse(text), null, 2);
    } catch {
      // Shown as stored.
    }
  } else if (text.startsWith('MSH') || format === 'hl7v2') {
    text = text.replace(/\r\n?/g, '\n').trimEnd();
  }
  return h('pre', { class: compact ? 'content compact' : 'content' }, text);
}

async function renderContent(id, detail, container) {
  if (!detail.raw) {
    replace(container, h('p', { class: 'notice-inline', id: 'content-hidden' }, t('detail.noContent', { role: roleName(state.session.role) })));
    return;
  }
  const format = detail.message.format;
  if (format === 'hl7v2') {
    const view = h('div', { id: 'hl7-view' }, h('p', { class: 'muted' }, t('common.loading')));
    replace(container, view, h('details', {}, h('summary', {}, t('detail.raw')), contentBlock(detail.raw, format)));
    try {
      const hl7 = await api(`/api/messages/${id}/hl7`);
      replace(view, hl7Table(hl7));
    } catch (error) {
      replace(view, h('p', { class: 'error-text' }, t('detail.hl7.unavailable', { message: errorText(error) })), contentBlock(detail.raw, format));
    }
    return;
  }
  const title = format.startsWith('fhir') ? t('detail.fhir') : t('detail.raw');
  replace(container, h('h3', {}, title), contentBlock(detail.raw, format));
}

function hl7Table(hl7) {
  const toggle = h('input', { type: 'checkbox', id: 'hl7-empty', checked: state.showEmptyFields });
  const table = h('table', { class: 'grid-table hl7', id: 'hl7-table' });
  const draw = () => {
    const bodies = hl7.segments.map((segment) => {
      const rows = [h('tr', { class: 'segment' }, h('th', { colspan: 4, scope: 'rowgroup' }, segment.id))];
      for (const field of segment.fields) {
        if (!state.showEmptyFields && field.value === '') continue;
        const position = `${segment.id}-${field.position}`;
        rows.push(
          h(
            'tr',
            { dataset: { field: position } },
            h('td', { class: 'mono' }, position),
            h('td', {}, fieldName(field.name)),
            h('td', { class: 'mono muted' }, field.dataType ?? ''),
            h('td', { class: 'mono value' }, field.value),
          ),
        );
        (field.repetitions ?? []).forEach((repetition, index) => {
          const prefix = field.repetitions.length > 1 ? `${position}[${index + 1}]` : position;
          if (!repetition.components) {
            rows.push(h('tr', { class: 'component' }, h('td', { class: 'mono' }, prefix), h('td', { class: 'muted' }, t('detail.hl7.repetition', { n: index + 1 })), h('td', {}), h('td', { class: 'mono value' }, repetition.value)));
            return;
          }
          for (const component of repetition.components) {
            if (!state.showEmptyFields && component.value === '') continue;
            rows.push(
              h(
                'tr',
                { class: 'component', dataset: { field: `${prefix}.${component.position}` } },
                h('td', { class: 'mono' }, `${prefix}.${component.position}`),
                h('td', {}, fieldName(component.name)),
                h('td', { class: 'mono muted' }, component.dataType ?? ''),
                h('td', { class: 'mono value' }, component.value),
              ),
            );
          }
        });
      }
      return h('tbody', {}, rows);
    });
    replace(
      table,
      h('thead', {}, h('tr', {}, ['detail.hl7.position', 'detail.hl7.name', 'detail.hl7.type', 'detail.hl7.value'].map((key) => h('th', { scope: 'col' }, t(key))))),
      bodies,
    );
  };
  toggle.addEventListener('change', () => {
    state.showEmptyFields = toggle.checked;
    draw();
  });
  draw();
  const version = hl7.definitionsVersion
    ? t('detail.hl7.version', { version: hl7.version ?? '?', definitions: hl7.definitionsVersion.replace(/^2\./, '') })
    : t('detail.hl7.noDefinitions', { version: hl7.version ?? '?' });
  return h(
    'div',
    {},
    h('h3', {}, t('detail.hl7')),
    h('p', { class: 'muted' }, version, ' · ', h('label', {}, toggle, ' ', t('detail.hl7.empty'))),
    table,
  );
}

// MARK: Users (admin)

async function showUsers() {
  const render = state.render;
  let users;
  try {
    const answer = await api('/api/users');
    users = Array.isArray(answer) ? answer : answer.users ?? [];
  } catch (error) {
    replace(main, h('section', {}, h('h1', {}, t('users.title')), h('p', { class: 'error-text' }, errorText(error))));
    return;
  }
  if (state.render !== render) return;
  const roles = ['viewer', 'operator', 'admin'];
  const roleSelect = (id, selected) => h('select', { id }, roles.map((role) => h('option', { value: role, selected: role === selected }, roleName(role))));
  const rows = users.map((user) => {
    const name = user.name ?? user.user;
    const role = roleSelect(`user-role-${name}`, user.role);
    const password = h('input', { type: 'password', autocomplete: 'new-password', 'aria-label': t('users.newPassword'), placeholder: t('users.newPassword'), size: 24 });
    return h(
      'tr',
      { dataset: { user: name } },
      h('th', { scope: 'row' }, name),
      h('td', {}, role),
      h('td', {}, password),
      h(
        'td',
        { class: 'actions' },
        h('button', {
          type: 'button', class: 'small',
          onclick: async () => {
            const body = { role: role.value };
            if (password.value) body.password = password.value;
            try {
              await api(`/api/users/${encodeURIComponent(name)}`, { method: 'PUT', body });
              notify(t('users.saved', { name }), 'success');
              showUsers();
            } catch (error) {
              notify(errorText(error), 'error');
            }
          },
        }, t('users.save')),
        h('button', {
          type: 'button', class: 'small danger', disabled: name === state.session.user,
          onclick: () => act(t('users.delete.confirm', { name }), () => api(`/api/users/${encodeURIComponent(name)}`, { method: 'DELETE' }), () => t('users.deleted', { name }), showUsers),
        }, t('users.delete')),
      ),
    );
  });
  const newName = h('input', { id: 'new-user-name', required: true, autocomplete: 'off' });
  const newRole = roleSelect('new-user-role', 'viewer');
  const newPassword = h('input', { id: 'new-user-password', type: 'password', required: true, autocomplete: 'new-password' });
  const form = h(
    'form',
    { class: 'search' },
    h('div', { class: 'field' }, h('label', { for: 'new-user-name' }, t('users.name')), newName),
    h('div', { class: 'field' }, h('label', { for: 'new-user-role' }, t('users.role')), newRole),
    h('div', { class: 'field' }, h('label', { for: 'new-user-password' }, t('users.password')), newPassword),
    h('div', { class: 'field buttons' }, h('button', { type: 'submit' }, t('users.add'))),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      await api('/api/users', { method: 'POST', body: { name: newName.value.trim(), role: newRole.value, password: newPassword.value } });
      notify(t('users.saved', { name: newName.value.trim() }), 'success');
      showUsers();
    } catch (error) {
      notify(errorText(error), 'error');
    }
  });
  replace(
    main,
    h(
      'section',
      {},
      h('h1', {}, t('users.title')),
      rows.length
        ? h(
            'table',
            { class: 'grid-table', id: 'user-table' },
            h('thead', {}, h('tr', {}, ['users.name', 'users.role', 'users.password', 'destination.actions'].map((key) => h('th', { scope: 'col' }, t(key))))),
            h('tbody', {}, rows),
          )
        : h('p', { class: 'muted' }, t('users.none')),
      h('h2', {}, t('users.add')),
      form,
    ),
  );
}

// MARK: Start

async function start() {
  const languageSelect = document.getElementById('language');
  languageSelect.value = language();
  languageSelect.addEventListener('change', () => {
    setLanguage(languageSelect.value);
    notice.hidden = true;
    renderChrome();
    state.render?.();
  });
  document.getElementById('logout').addEventListener('click', logout);
  // The skip link focuses the content without touching the hash (the hash is the page shown).
  document.querySelector('.skip').addEventListener('click', (event) => {
    event.preventDefault();
    main.focus();
  });
  translatePage();
  setUnauthorizedHandler(() => {
    if (!state.session) return;
    state.session = null;
    showLogin(t('login.expired'));
  });
  try {
    state.session = await api('/api/session', { quietUnauthorized: true });
  } catch {
    state.session = null;
  }
  window.addEventListener('hashchange', route);
  route();
}

start();
