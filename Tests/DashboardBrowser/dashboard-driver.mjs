// Drives the LienThong dashboard in headless Chromium through the DevTools protocol (over
// --remote-debugging-pipe: NUL-separated JSON on file descriptors 3 and 4). Node only, no packages.
// Run by Tests/lienthongTests/DashboardBrowserTests.swift; usable by hand:
//
//   DASHBOARD_URL=http://127.0.0.1:8080 DASHBOARD_USER=admin DASHBOARD_PASSWORD=… \
//   DASHBOARD_CONTROL_ID=MSG0001 DASHBOARD_SCREENSHOTS=.build/dashboard-screenshots \
//   node Tests/DashboardBrowser/dashboard-driver.mjs
//
// Steps: login through the form; the overview shows the destinations and the charts; the
// message browser finds the message by its control ID and opens it (HL7 fields with names);
// a replay from the page, confirmed in the dialog, adds an entry; the language switch to
// Vietnamese translates the page. Console errors and uncaught exceptions are collected (the
// only expected one is the 401 of the session probe before login). Prints one JSON line:
// {"ok": true|false, "failure": …, "consoleErrors": […], "replayedEntries": […], "screenshots": […]}.

import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const base = process.env.DASHBOARD_URL;
const user = process.env.DASHBOARD_USER;
const password = process.env.DASHBOARD_PASSWORD;
const controlID = process.env.DASHBOARD_CONTROL_ID;
const screenshots = process.env.DASHBOARD_SCREENSHOTS ?? '.build/dashboard-screenshots';
const chromium = process.env.CHROMIUM ?? '/usr/bin/chromium';
const stepTimeout = Number(process.env.DASHBOARD_STEP_TIMEOUT_MS ?? 60000);

if (!base || !user || !password || !controlID) {
  console.log(JSON.stringify({ ok: false, failure: 'set DASHBOARD_URL, DASHBOARD_USER, DASHBOARD_PASSWORD and DASHBOARD_CONTROL_ID' }));
  process.exit(2);
}

const result = { ok: false, steps: [], consoleErrors: [], replayedEntries: [], screenshots: [] };
const profile = mkdtempSync(join(tmpdir(), 'lienthong-dashboard-chromium-'));

// MARK: DevTools protocol over the pipe

const browser = spawn(
  chromium,
  [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--no-default-browser-check',
    '--disable-extensions', '--disable-background-networking', '--disable-sync', '--mute-audio', '--hide-scrollbars',
    '--remote-debugging-pipe', `--user-data-dir=${profile}`, '--lang=en-US', 'about:blank',
  ],
  { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] },
);
let browserLog = '';
browser.stderr.on('data', (chunk) => (browserLog = (browserLog + chunk).slice(-4000)));
const toBrowser = browser.stdio[3];
const fromBrowser = browser.stdio[4];

let nextID = 1;
const pending = new Map();
const listeners = [];
let buffer = '';
fromBrowser.on('data', (chunk) => {
  buffer += chunk.toString('utf8');
  let end;
  while ((end = buffer.indexOf('\0')) >= 0) {
    const message = JSON.parse(buffer.slice(0, end));
    buffer = buffer.slice(end + 1);
    if (message.id !== undefined && pending.has(message.id)) {
      const { resolve, reject, method } = pending.get(message.id);
      pending.delete(message.id);
      if (message.error) reject(new Error(`${method}: ${message.error.message}`));
      else resolve(message.result);
    } else if (message.method) {
      for (const listener of listeners) listener(message);
    }
  }
});

function send(method, params = {}, sessionId) {
  const id = nextID++;
  const message = { id, method, params };
  if (sessionId) message.sessionId = sessionId;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject, method });
    toBrowser.write(JSON.stringify(message) + '\0');
  });
}

// MARK: Page helpers

let session;
const page = (method, params) => send(method, params, session);

async function evaluate(expression) {
  const answer = await page('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true });
  if (answer.exceptionDetails) throw new Error(`evaluating ${expression.slice(0, 80)}: ${answer.exceptionDetails.exception?.description ?? answer.exceptionDetails.text}`);
  return answer.result.value;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `expression` is truthy (checking every 100 ms) and returns its value. */
async function until(what, expression) {
  const deadline = Date.now() + stepTimeout;
  let last;
  while (Date.now() < deadline) {
    try {
      last = await evaluate(expression);
      if (last) return last;
    } catch (error) {
      last = error.message;
    }
    await sleep(100);
  }
  const text = await evaluate('document.body ? document.body.innerText.slice(0, 1500) : ""').catch(() => '');
  throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(last)}); the page shows: ${text}`);
}

async function click(selector) {
  const found = await evaluate(`(() => { const e = document.querySelector(${JSON.stringify(selector)}); if (!e) return false; e.scrollIntoView({block: 'center'}); e.click(); return true; })()`);
  if (!found) throw new Error(`no ${selector} to click`);
}

/** Types `text` into the field `selector` as a user would (focus, then key input). */
async function type(selector, text) {
  const found = await evaluate(`(() => { const e = document.querySelector(${JSON.stringify(selector)}); if (!e) return false; e.value = ''; e.focus(); return document.activeElement === e; })()`);
  if (!found) throw new Error(`no ${selector} to type into`);
  await page('Input.insertText', { text });
}

async function screenshot(name) {
  await sleep(300); // let the last frame paint
  const metrics = await page('Page.getLayoutMetrics');
  const size = metrics.cssContentSize ?? metrics.contentSize;
  const shot = await page('Page.captureScreenshot', {
    format: 'png',
    captureBeyondViewport: true,
    clip: { x: 0, y: 0, width: Math.ceil(size.width), height: Math.min(Math.ceil(size.height), 4000), scale: 1 },
  });
  const file = join(screenshots, `${name}.png`);
  writeFileSync(file, Buffer.from(shot.data, 'base64'));
  result.screenshots.push(file);
}

function step(name) {
  result.steps.push(name);
}

// MARK: The scenario

async function run() {
  mkdirSync(screenshots, { recursive: true });
  const { targetId } = await send('Target.createTarget', { url: 'about:blank' });
  ({ sessionId: session } = await send('Target.attachToTarget', { targetId, flatten: true }));
  let loggedIn = false;
  listeners.push((message) => {
    if (message.sessionId !== session) return;
    const params = message.params;
    if (message.method === 'Runtime.exceptionThrown') {
      result.consoleErrors.push(`exception: ${params.exceptionDetails.exception?.description ?? params.exceptionDetails.text}`);
    } else if (message.method === 'Runtime.consoleAPICalled' && (params.type === 'error' || params.type === 'assert')) {
      result.consoleErrors.push(`console.${params.type}: ${params.args.map((a) => a.value ?? a.description).join(' ')}`);
    } else if (message.method === 'Log.entryAdded' && params.entry.level === 'error') {
      const entry = params.entry;
      // Before login the page asks GET /api/session, which answers 401: the browser logs it.
      if (!loggedIn && entry.source === 'network' && (entry.url ?? '').endsWith('/api/session') && entry.text.includes('401')) return;
      result.consoleErrors.push(`${entry.source}: ${entry.text} ${entry.url ?? ''}`.trim());
    }
  });
  await page('Runtime.enable');
  await page('Log.enable');
  await page('Page.enable');
  await page('Emulation.setDeviceMetricsOverride', { width: 1440, height: 900, deviceScaleFactor: 1, mobile: false });
  // English first, whatever the machine's locale: the page's default follows navigator.language.
  await page('Emulation.setLocaleOverride', { locale: 'en-US' }).catch(() => {});

  await page('Page.navigate', { url: `${base}/` });
  await until('the login form', `location.pathname === '/dashboard/' && !!document.querySelector('#login-form')`);
  await until('English', `document.documentElement.lang === 'en' || (document.querySelector('#language').value = 'en', document.querySelector('#language').dispatchEvent(new Event('change')), false)`);
  step('login page');
  await screenshot('1-login');

  await type('#login-username', 'nobody');
  await type('#login-password', 'wrong password');
  await click('#login-submit');
  await until('the refused login', `document.querySelector('#login-error')?.textContent.includes('Wrong user name')`);
  step('a wrong password is refused');

  await type('#login-username', user);
  await type('#login-password', password);
  loggedIn = true;
  await click('#login-submit');
  await until('the overview', `document.querySelectorAll('#destination-table tbody tr').length > 0 && document.querySelectorAll('#charts figure').length === 2`);
  await until('the user shown', `document.querySelector('#session-user').textContent.includes(${JSON.stringify(user)})`);
  await until('a chart drawn', `document.querySelectorAll('#charts svg polyline, #charts svg circle').length > 0`);
  step('overview');
  await screenshot('2-overview');

  await click('#nav-messages');
  await until('the search form', `!!document.querySelector('#search-controlID')`);
  await type('#search-controlID', controlID);
  await click('#search-submit');
  const id = await until(
    'the message in the results',
    `(() => { const rows = [...document.querySelectorAll('#message-table tbody tr')]; return rows.length === 1 && rows[0].innerText.includes(${JSON.stringify(controlID)}) ? rows[0].dataset.messageId : null; })()`,
  );
  step(`found message ${id}`);
  await screenshot('3-messages');
  await click(`#message-table a[data-message-id="${id}"]`);
  await until('the HL7 view', `document.querySelector('[data-field="MSH-10"]')?.innerText.includes(${JSON.stringify(controlID)})`);
  await until('field names', `document.querySelector('#hl7-table').innerText.includes('Message control id') && document.querySelector('#hl7-table').innerText.includes('Patient name')`);
  if (!(await evaluate(`location.hash === '#/messages/${id}' && !location.href.includes(${JSON.stringify(controlID)})`))) {
    throw new Error(`the URL ${await evaluate('location.href')} should name the message by its id only`);
  }
  step('message detail with named HL7 fields');
  await screenshot('4-message');

  const before = await evaluate(`[...document.querySelectorAll('#entry-table tr[data-entry]')].map((row) => Number(row.dataset.entry))`);
  await click('#replay-message');
  await until('the confirmation', `document.querySelector('#confirm').open`);
  await screenshot('5-confirm');
  await click('#confirm-ok');
  const after = await until(
    'the replayed entry',
    `(() => { const ids = [...document.querySelectorAll('#entry-table tr[data-entry]')].map((row) => Number(row.dataset.entry)); return ids.length > ${before.length} ? ids : null; })()`,
  );
  result.replayedEntries = after.filter((entry) => !before.includes(entry));
  await until('the success notice', `document.querySelector('#notice.success') && !document.querySelector('#notice').hidden`);
  step(`replayed as entries ${result.replayedEntries.join(', ')}`);

  await evaluate(`(() => { const s = document.querySelector('#language'); s.value = 'vi'; s.dispatchEvent(new Event('change')); })()`);
  await until('Vietnamese', `document.documentElement.lang === 'vi' && document.querySelector('#nav-messages').textContent === 'Tin nhắn' && document.body.innerText.includes('Phát lại tin nhắn')`);
  if ((await evaluate(`localStorage.getItem('lienthong.language')`)) !== 'vi') throw new Error('the language is not remembered');
  const stored = await evaluate(`JSON.stringify(Object.assign({}, localStorage)) + JSON.stringify(Object.assign({}, sessionStorage))`);
  if (stored.includes(controlID) || stored.includes('NGUYEN')) throw new Error(`message data in the browser's storage: ${stored}`);
  step('Vietnamese');
  await screenshot('6-message-vi');
  await click('#nav-overview');
  await until('the overview in Vietnamese', `document.querySelectorAll('#destination-table tbody tr').length > 0 && document.body.textContent.includes('hàng đợi') && document.body.textContent.includes('Thư chết')`);
  await screenshot('7-overview-vi');

  await click('#logout');
  await until('the login form again', `!!document.querySelector('#login-form') && document.querySelector('#login-submit').textContent === 'Đăng nhập'`);
  step('logout');
  await sleep(500); // errors logged late still count
  result.ok = result.consoleErrors.length === 0;
  if (!result.ok) result.failure = 'console errors';
}

const watchdog = setTimeout(() => finish(new Error('the whole run took more than 10 minutes')), 10 * 60 * 1000);

let finished = false;
async function finish(error) {
  if (finished) return;
  finished = true;
  clearTimeout(watchdog);
  if (error) {
    result.ok = false;
    result.failure = error.message;
    result.browserLog = browserLog;
    if (session) await screenshot('failure').catch(() => {});
  }
  console.log(JSON.stringify(result));
  try {
    await Promise.race([send('Browser.close'), sleep(5000)]);
  } catch {
    // Closing anyway.
  }
  browser.kill('SIGKILL');
  await sleep(200);
  rmSync(profile, { recursive: true, force: true });
  process.exit(result.ok ? 0 : 1);
}

browser.on('exit', (code) => {
  if (result.steps.length === 0) finish(new Error(`chromium exited (${code}) before the first step: ${browserLog.slice(-1000)}`));
});

run().then(() => finish(), (error) => finish(error));
