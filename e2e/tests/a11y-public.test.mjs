// WCAG 2.1 AA on every public page (lib/pages.mjs), each in a fresh browser context.
import { after, before, test } from 'node:test';
import {
  baseUrl,
  launchBrowser,
  newAppPage,
  TEST_TIMEOUT_MS,
  visitAndCheck,
} from '../lib/browser.mjs';
import { publicPages } from '../lib/pages.mjs';

let browser;

before(async () => {
  baseUrl(); // fails the file at once, with an explanation, when the address is missing
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

for (const entry of publicPages) {
  test(`WCAG 2.1 AA: ${entry.label} (${entry.path})`, { timeout: TEST_TIMEOUT_MS }, async () => {
    const page = await newAppPage(browser);
    try {
      await visitAndCheck(page, entry);
    } finally {
      await page.context().close();
    }
  });
}
