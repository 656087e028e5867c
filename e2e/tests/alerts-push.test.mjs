// Browser notifications on the alert subscription form, an enhancement: with
// scripts on, the form shows the "notifications in this browser" part (it passes
// axe); a resident who refuses the permission is told so in plain words; with the
// permission given, the service worker (/sw.js) installs for the whole site and
// the page either fills in the subscription or, where the browser's push service
// cannot be reached (as in CI, without Google's), says that notifications could
// not be turned on. With scripts off the part stays hidden and the form works.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  baseUrl,
  checkA11y,
  expectVisible,
  launchBrowser,
  newAppPage,
  newNoScriptPage,
  TEST_TIMEOUT_MS,
} from '../lib/browser.mjs';
import { t } from '../lib/texts.mjs';

let browser;

before(async () => {
  baseUrl();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

/** Waits until the push part's status says one of `texts`; returns it. */
async function statusOneOf(page, texts) {
  const status = page.locator('#push-status');
  await page.waitForFunction(
    (wanted) => wanted.includes(document.getElementById('push-status')?.textContent ?? ''),
    texts,
    { timeout: 60_000 },
  );
  return status.textContent();
}

test('a refused permission is explained', { timeout: TEST_TIMEOUT_MS }, async () => {
  const page = await newAppPage(browser);
  try {
    await page.goto('/ostrzezenia/subskrypcja');
    const part = page.locator('#push-field');
    await expectVisible(page, part, 'the notifications part');
    await checkA11y(page, 'zapis na ostrzeżenia z powiadomieniami');
    // Headless Chromium answers a permission request it is not told about with "denied".
    await page.getByRole('button', { name: t('alerts-push-enable') }).click();
    const said = await statusOneOf(page, [t('alerts-push-denied')]);
    assert.equal(said, t('alerts-push-denied'));
    assert.equal(await page.locator('#push_endpoint').inputValue(), '');
  } finally {
    await page.context().close();
  }
});

test('with the permission the service worker installs for the whole site', { timeout: TEST_TIMEOUT_MS }, async () => {
  const page = await newAppPage(browser);
  try {
    await page.context().grantPermissions(['notifications'], { origin: baseUrl() });
    await page.goto('/ostrzezenia/subskrypcja');
    await page.getByRole('button', { name: t('alerts-push-enable') }).click();
    const said = await statusOneOf(page, [t('alerts-push-ready'), t('alerts-push-failed')]);
    const worker = await page.evaluate(async () => {
      const reg = await navigator.serviceWorker.getRegistration('/');
      const sw = reg && (reg.active || reg.waiting || reg.installing);
      return reg ? { scope: reg.scope, script: sw && sw.scriptURL } : null;
    });
    assert.ok(worker, 'the service worker is registered');
    assert.equal(worker.scope, `${baseUrl()}/`);
    assert.equal(worker.script, `${baseUrl()}/sw.js`);
    const endpoint = await page.locator('#push_endpoint').inputValue();
    if (said === t('alerts-push-ready')) {
      assert.match(endpoint, /^https:\/\//, 'the push service endpoint is filled in');
      assert.notEqual(await page.locator('#push_p256dh').inputValue(), '');
    } else {
      assert.equal(endpoint, '', 'nothing half filled in');
    }
  } finally {
    await page.context().close();
  }
});

test('without scripts the notifications part stays hidden', { timeout: TEST_TIMEOUT_MS }, async () => {
  const page = await newNoScriptPage(browser);
  try {
    await page.goto('/ostrzezenia/subskrypcja');
    assert.equal(await page.locator('#push-field').isVisible(), false);
    await expectVisible(page, page.locator('#email'), 'the e-mail field');
  } finally {
    await page.context().close();
  }
});
