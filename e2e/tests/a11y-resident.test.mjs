// WCAG 2.1 AA on every signed-in page of the residents' portal
// (lib/pages.mjs: residentPages), each in a fresh browser context in which the
// demo resident signs in (so a page in English leaves the others in Polish).
import { after, before, test } from 'node:test';
import {
  baseUrl,
  launchBrowser,
  newAppPage,
  TEST_TIMEOUT_MS,
  visitAndCheck,
} from '../lib/browser.mjs';
import { DEMO_RESIDENT } from '../lib/demo.mjs';
import { residentPages } from '../lib/pages.mjs';
import { signInResident } from '../lib/portal.mjs';

let browser;

before(async () => {
  baseUrl();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

for (const entry of residentPages) {
  test(`WCAG 2.1 AA (resident signed in): ${entry.label} (${entry.path})`, { timeout: TEST_TIMEOUT_MS }, async () => {
    const page = await newAppPage(browser);
    try {
      await signInResident(page, DEMO_RESIDENT);
      await visitAndCheck(page, entry);
    } finally {
      await page.context().close();
    }
  });
}
