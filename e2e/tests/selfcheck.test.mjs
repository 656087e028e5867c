// Checks the test helpers themselves against a tiny local server, so CI can
// prove the browser and axe-core work without the application running.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, test } from 'node:test';
import {
  checkA11y,
  launchBrowser,
  newContext,
  newNoScriptPage,
  scriptsRun,
  TEST_TIMEOUT_MS,
  visitAndCheck,
} from '../lib/browser.mjs';

// The same policy the application sends: no inline script.
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; frame-ancestors 'none'";

const CLEAN = `<!doctype html>
<html lang="pl">
<head><meta charset="utf-8"><title>Strona testowa — Ratusz</title></head>
<body>
  <header><a href="/clean">Urząd Gminy Przykładowo</a></header>
  <main>
    <h1>Formularz testowy</h1>
    <form method="post" action="/clean">
      <label for="email">Adres e-mail</label>
      <input id="email" name="email" type="email" autocomplete="email">
      <button type="submit">Wyślij</button>
    </form>
  </main>
</body>
</html>`;

// Three deliberate failures: an image without alt text, an unlabelled input,
// and a page without a language.
const BROKEN = `<!doctype html>
<html>
<head><meta charset="utf-8"><title>Zła strona</title></head>
<body>
  <main>
    <h1>Zła strona</h1>
    <img src="/logo.png">
    <form method="post" action="/broken"><input name="q" type="text"><button type="submit">Szukaj</button></form>
  </main>
</body>
</html>`;

const NOT_FOUND = CLEAN.replace('Formularz testowy', 'Nie ma takiej strony');

let server;
let origin;
let browser;

before(async () => {
  server = createServer((req, res) => {
    const path = new URL(req.url, 'http://localhost').pathname;
    const send = (status, body) => {
      res.writeHead(status, {
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': CSP,
      });
      res.end(body);
    };
    if (path === '/clean') send(200, CLEAN);
    else if (path === '/broken') send(200, BROKEN);
    else if (path === '/redirect') {
      res.writeHead(303, { location: '/clean' });
      res.end();
    } else send(404, NOT_FOUND);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${server.address().port}`;
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve) ?? resolve());
});

async function openPage(options = {}) {
  const context = await newContext(browser, { baseURL: origin, ...options });
  return { context, page: await context.newPage() };
}

test('a clean page passes the WCAG check despite a CSP without inline script', { timeout: TEST_TIMEOUT_MS }, async () => {
  const { context, page } = await openPage();
  try {
    await page.goto('/clean');
    await checkA11y(page, 'clean page');
    // A second check on the same page reuses the injected axe-core.
    await checkA11y(page, 'clean page, again');
  } finally {
    await context.close();
  }
});

test('a page with violations fails and names each one', { timeout: TEST_TIMEOUT_MS }, async () => {
  const { context, page } = await openPage();
  try {
    await page.goto('/broken');
    await assert.rejects(checkA11y(page, 'broken page'), (err) => {
      assert.match(err.message, /WCAG 2\.1 AA violations on broken page/);
      assert.match(err.message, /image-alt \[critical\]/);
      assert.match(err.message, /label \[critical\]/);
      assert.match(err.message, /html-has-lang \[serious\]/);
      assert.match(err.message, /"img"/, 'names the offending element');
      return true;
    });
  } finally {
    await context.close();
  }
});

test('the CSP really blocks injection unless bypassed', { timeout: TEST_TIMEOUT_MS }, async () => {
  const { context, page } = await openPage({ bypassCSP: false });
  try {
    await page.goto('/clean');
    await page
      .addScriptTag({ content: 'window.injected = true;' })
      .catch(() => {});
    assert.equal(await page.evaluate(() => window.injected === true), false);
  } finally {
    await context.close();
  }
});

test('visitAndCheck follows redirects and checks status and language', { timeout: TEST_TIMEOUT_MS }, async () => {
  const { context, page } = await openPage();
  try {
    await visitAndCheck(page, { path: '/redirect', label: 'redirect' });
    await visitAndCheck(page, { path: '/missing', label: '404', status: 404 });
    await assert.rejects(
      visitAndCheck(page, { path: '/missing', label: 'missing page' }),
      /status 404, expected 200/,
    );
    await assert.rejects(
      visitAndCheck(page, { path: '/clean', label: 'clean in English', lang: 'en' }),
      /<html lang="pl">.*expected "en"/,
    );
  } finally {
    await context.close();
  }
});

test('a page without JavaScript runs no script of its own, yet the WCAG check works on it', { timeout: TEST_TIMEOUT_MS }, async () => {
  const page = await newNoScriptPage(browser, { baseURL: origin });
  try {
    await page.goto('/clean');
    assert.equal(await scriptsRun(page), false, 'scripts are off');
    await checkA11y(page, 'clean page without JavaScript');
    assert.equal(await scriptsRun(page), false, 'scripts are off again after the check');
    await page.goto('/broken');
    await assert.rejects(checkA11y(page, 'broken page without JavaScript'), /image-alt \[critical\]/);
    assert.equal(await scriptsRun(page), false, 'scripts stay off after a failed check');
  } finally {
    await page.context().close();
  }
  const { context, page: normal } = await openPage();
  try {
    await normal.goto('/clean');
    assert.equal(await scriptsRun(normal), true, 'an ordinary page runs scripts (the probe itself works)');
  } finally {
    await context.close();
  }
});
