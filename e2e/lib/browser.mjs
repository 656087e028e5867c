// Shared helpers for the browser tests: launching Debian's Chromium through
// playwright-core, the WCAG check with axe-core, TOTP codes, and small waits
// with failure messages that say where the browser actually was.
import assert from 'node:assert/strict';
import { createHmac, randomInt } from 'node:crypto';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);

/** Every action and navigation may take this long; CI machines have two cores. */
export const ACTION_TIMEOUT_MS = 30_000;

/** Per-test timeout for node:test; a test runs several page loads and checks. */
export const TEST_TIMEOUT_MS = 300_000;

const CHROMIUM_PATH = process.env.RATUSZ_E2E_CHROMIUM || '/usr/bin/chromium';

// Debian's Chromium cannot download anything here, and must not try.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/**
 * The application's base URL, from RATUSZ_E2E_BASE_URL (no trailing slash).
 * Throws with an explanation when it is not set.
 */
export function baseUrl() {
  const url = process.env.RATUSZ_E2E_BASE_URL;
  if (!url) {
    throw new Error(
      'RATUSZ_E2E_BASE_URL is not set. Start the server (e.g. `ratusz demo` then `ratusz serve`) ' +
        'and set RATUSZ_E2E_BASE_URL to its address, e.g. http://127.0.0.1:8080 — ' +
        'the project test script does this for you.',
    );
  }
  return url.replace(/\/+$/, '');
}

/** Launches headless Chromium; playwright gives it a fresh temporary profile. */
export async function launchBrowser() {
  try {
    return await chromium.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
      timeout: 60_000,
    });
  } catch (err) {
    throw new Error(
      `could not start Chromium at ${CHROMIUM_PATH} (install it with scripts/install-deps.sh, ` +
        `or set RATUSZ_E2E_CHROMIUM): ${err.message}`,
    );
  }
}

/**
 * A fresh browser context (own cookies) in Polish, with the default timeouts set.
 * CSP is bypassed only so that axe-core can be injected; the app's CSP forbids inline script.
 */
export async function newContext(browser, options = {}) {
  const context = await browser.newContext({
    locale: 'pl-PL',
    timezoneId: 'Europe/Warsaw',
    bypassCSP: true,
    ...options,
  });
  context.setDefaultTimeout(ACTION_TIMEOUT_MS);
  context.setDefaultNavigationTimeout(ACTION_TIMEOUT_MS);
  return context;
}

/** A new page in a new context whose relative URLs resolve against the app. */
export async function newAppPage(browser) {
  const context = await newContext(browser, { baseURL: baseUrl() });
  return context.newPage();
}

// Pages whose scripts are switched off (newNoScriptPage), with their DevTools session.
const noScriptSessions = new WeakMap();

async function setScriptsDisabled(page, disabled) {
  const session = noScriptSessions.get(page);
  if (session) await session.send('Emulation.setScriptExecutionDisabled', { value: disabled });
}

/**
 * Like newAppPage, but the page runs no JavaScript of its own, as for a person
 * whose browser has scripts off: every form and link must work on its own.
 *
 * Scripts are switched off through DevTools (what playwright's
 * `javaScriptEnabled: false` does) rather than that option, because axe-core
 * needs them for the moment of the check: checkA11y switches them on for the
 * check only (the app's own scripts, if any, have not run), then off again.
 */
export async function newNoScriptPage(browser, options = {}) {
  const context = await newContext(browser, { baseURL: options.baseURL ?? baseUrl(), ...options });
  const page = await context.newPage();
  const session = await context.newCDPSession(page);
  noScriptSessions.set(page, session);
  await setScriptsDisabled(page, true);
  return page;
}

/** True when the page's own scripts run (false on a newNoScriptPage). */
export async function scriptsRun(page) {
  return page.evaluate(async () => {
    const probe = document.createElement('script');
    probe.textContent = 'document.documentElement.dataset.e2eScriptRan = "1";';
    document.head.append(probe);
    probe.remove();
    const ran = document.documentElement.dataset.e2eScriptRan === '1';
    delete document.documentElement.dataset.e2eScriptRan;
    return ran;
  });
}

/**
 * Runs axe-core's WCAG 2.0/2.1 A and AA rules on the current page and fails
 * with one line per violation when there are any.
 */
export async function checkA11y(page, label) {
  await page.waitForLoadState('load');
  await setScriptsDisabled(page, false);
  try {
    await runAxe(page, label);
  } finally {
    await setScriptsDisabled(page, true);
  }
}

async function runAxe(page, label) {
  const hasAxe = await page.evaluate(() => typeof window.axe !== 'undefined');
  if (!hasAxe) {
    await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  }
  const violations = await page.evaluate(async (tags) => {
    const result = await window.axe.run(document, {
      runOnly: { type: 'tag', values: tags },
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      helpUrl: v.helpUrl,
      count: v.nodes.length,
      targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
    }));
  }, WCAG_TAGS);
  if (violations.length > 0) {
    const lines = violations.map(
      (v) =>
        `  - ${v.id} [${v.impact ?? 'unknown'}] ${v.help} (${v.count} element(s), e.g. ` +
        `${v.targets.map((t) => JSON.stringify(t)).join(', ')}) ${v.helpUrl}`,
    );
    assert.fail(
      `WCAG 2.1 AA violations on ${label} (${page.url()}):\n${lines.join('\n')}`,
    );
  }
}

/** A short description of where the page is, for failure messages. */
export async function describePage(page) {
  let heading = '';
  let alerts = '';
  try {
    heading = (await page.locator('h1').first().textContent({ timeout: 1_000 }))?.trim() ?? '';
  } catch {
    heading = '(no h1)';
  }
  try {
    alerts = (await page.locator('[role="alert"], .error, [id$="-error"]').allTextContents())
      .map((t) => t.trim())
      .filter(Boolean)
      .join(' | ');
  } catch {
    alerts = '';
  }
  return `now at ${page.url()}, h1: "${heading}"${alerts ? `, messages: "${alerts}"` : ''}`;
}

/**
 * Waits until the page's path satisfies `accept` (a path string or a predicate on
 * the pathname); fails saying what was expected and where the browser is.
 */
export async function expectPath(page, accept, what) {
  const test = typeof accept === 'string' ? (p) => p === accept : accept;
  try {
    await page.waitForURL((url) => test(url.pathname), { timeout: ACTION_TIMEOUT_MS });
  } catch {
    assert.fail(`expected ${what}; ${await describePage(page)}`);
  }
}

/** Waits until a locator is visible; fails with `what` and where the browser is. */
export async function expectVisible(page, locator, what) {
  try {
    await locator.first().waitFor({ state: 'visible', timeout: ACTION_TIMEOUT_MS });
  } catch {
    assert.fail(`expected to see ${what}; ${await describePage(page)}`);
  }
}

/** Decodes RFC 4648 base32 (case-insensitive; spaces, hyphens and padding ignored). */
export function base32Decode(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const clean = text.toUpperCase().replace(/[\s-]/g, '').replace(/=+$/, '');
  const bytes = [];
  let buffer = 0;
  let bits = 0;
  for (const ch of clean) {
    const value = alphabet.indexOf(ch);
    if (value < 0) {
      throw new Error(`not a base32 character: ${JSON.stringify(ch)}`);
    }
    buffer = (buffer << 5) | value;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((buffer >>> bits) & 0xff);
    }
    buffer &= (1 << bits) - 1;
  }
  return Buffer.from(bytes);
}

/**
 * RFC 6238 TOTP with HMAC-SHA-1 and a 30-second step.
 * `time` is in seconds since the epoch (a Date is accepted too); defaults to now.
 */
export function totp(secretBase32, time = Date.now() / 1000, digits = 6) {
  const seconds = time instanceof Date ? time.getTime() / 1000 : time;
  const counter = BigInt(Math.floor(seconds / 30));
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(counter);
  const mac = createHmac('sha1', base32Decode(secretBase32)).update(message).digest();
  // RFC 4226 § 5.3 dynamic truncation.
  const offset = mac[mac.length - 1] & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

// The last TOTP step used per secret in this process: servers refuse a code
// that was already accepted (RFC 6238 § 5.2), so each sign-in needs a new step.
const lastStepUsed = new Map();

/**
 * A TOTP code not used before by this process for `account`, valid for at
 * least `marginSeconds` more: near the end of a 30-second step, or when this
 * step's code was already used, it waits for the next step.
 */
export async function freshTotp(secretBase32, marginSeconds = 5, account = '') {
  // The server refuses a replayed code per account; accounts that share a
  // secret (the demo staff) do not wait for each other.
  const key = `${account}\n${secretBase32}`;
  for (;;) {
    const now = Date.now() / 1000;
    const step = Math.floor(now / 30);
    const left = 30 - (now % 30);
    const used = lastStepUsed.get(key);
    if (left >= marginSeconds && (used === undefined || step > used)) {
      lastStepUsed.set(key, step);
      return totp(secretBase32, now);
    }
    await new Promise((resolve) => setTimeout(resolve, left * 1000 + 250));
  }
}

/** A random string of `length` characters from `alphabet`. */
export function randomFrom(alphabet, length) {
  let out = '';
  for (let i = 0; i < length; i += 1) {
    out += alphabet[randomInt(alphabet.length)];
  }
  return out;
}

/**
 * Opens a page described by an entry of lib/pages.mjs, checks its final HTTP
 * status and <html lang>, then runs the WCAG check.
 */
export async function visitAndCheck(page, entry) {
  const response = await page.goto(entry.path);
  const expectedStatus = entry.status ?? 200;
  assert.ok(response, `no response for ${entry.path}`);
  assert.equal(
    response.status(),
    expectedStatus,
    `${entry.label}: GET ${entry.path} ended at ${page.url()} with status ${response.status()}, expected ${expectedStatus}`,
  );
  const expectedLang = entry.lang ?? 'pl';
  const lang = await page.evaluate(() => document.documentElement.lang);
  assert.ok(
    lang.toLowerCase().startsWith(expectedLang),
    `${entry.label}: <html lang="${lang}"> at ${page.url()}, expected "${expectedLang}"`,
  );
  await checkA11y(page, entry.label);
}
