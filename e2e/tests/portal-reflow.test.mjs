// The residents' portal at 320 CSS px and at 200 % zoom (WCAG 2.1 SC 1.4.10
// Reflow and 1.4.4 Resize text): no sideways scrolling and no text cut off on
// the catalogue, a service card, the forms (one also with its errors), "my matters",
// a matter with its receipt, the status check (also with a result), the
// notifications and their settings. The demo resident submits one application
// first, so that there is a matter to look at.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  baseUrl,
  expectPath,
  expectVisible,
  launchBrowser,
  newAppPage,
  TEST_TIMEOUT_MS,
} from '../lib/browser.mjs';
import { DEMO_RESIDENT } from '../lib/demo.mjs';
import { applyLayout, LAYOUTS, reflowProblems } from '../lib/layout.mjs';
import { residentPages } from '../lib/pages.mjs';
import { detail, fillTreeFelling, signInResident, tinyPdf, TREE_FELLING, UUID } from '../lib/portal.mjs';
import { requiredLabel, t } from '../lib/texts.mjs';

let browser;
let matter; // { url, receiptNumber, trackingCode } of the application submitted first

before(async () => {
  baseUrl();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

const button = (scope, name) => scope.getByRole('button', { name, exact: true });
const field = (scope, label) => scope.getByLabel(label, { exact: true });

/** The demo resident's application, submitted once for all layouts. */
async function submittedMatter(page) {
  if (matter) return matter;
  await page.goto(`/services/${TREE_FELLING.slug}/apply`);
  await fillTreeFelling(page, undefined, {
    sitePlan: { name: 'mapa-drzew-na-dzialce-przy-ulicy-lipowej-szkic-odreczny.pdf', mimeType: 'application/pdf', buffer: tinyPdf('reflow') },
  });
  await button(page, t('apply-submit')).click();
  await expectPath(page, (p) => new RegExp(`^/matters/${UUID}$`).test(p), 'the matter page after "Wyślij wniosek"');
  const receipt = page.getByRole('region', { name: t('receipt-title'), exact: true });
  matter = {
    url: new URL(page.url()).pathname,
    receiptNumber: await detail(page, t('receipt-number'), receipt),
    trackingCode: await detail(page, t('receipt-code'), receipt),
  };
  return matter;
}

/** The pages checked in every layout: a path, and optionally what to do there first. */
const PAGES = [
  { label: 'katalog e-usług', path: '/services' },
  { label: 'wyniki wyszukiwania usług', path: '/services?q=drzewo' },
  { label: 'karta usługi', path: `/services/${TREE_FELLING.slug}` },
  { label: 'formularz wniosku', path: `/services/${TREE_FELLING.slug}/apply` },
  {
    label: 'formularz wniosku z błędami',
    path: `/services/${TREE_FELLING.slug}/apply`,
    async then(page) {
      await button(page, t('apply-submit')).click();
      await expectVisible(page, page.getByRole('alert').filter({ hasText: t('form-has-errors') }), 'the error summary');
    },
  },
  // The forms of the other demo services too (lib/pages.mjs lists them for the WCAG sweep).
  ...residentPages
    .filter((e) => e.path.endsWith('/apply') && !e.path.includes(TREE_FELLING.slug))
    .map((e) => ({ label: e.label, path: e.path })),
  { label: 'moje sprawy', path: '/matters' },
  { label: 'sprawa z UPO', path: () => matter.url },
  { label: 'stan sprawy bez logowania', path: '/status' },
  {
    label: 'stan sprawy: wynik',
    path: '/status',
    async then(page) {
      await field(page, requiredLabel('status-reference')).fill(matter.receiptNumber);
      await field(page, requiredLabel('status-code')).fill(matter.trackingCode);
      await button(page, t('status-check')).click();
      await expectVisible(page, page.getByRole('heading', { name: t('status-result'), exact: true }), `"${t('status-result')}"`);
    },
  },
  { label: 'powiadomienia', path: '/notifications' },
  { label: 'ustawienia powiadomień e-mail', path: '/account/notifications' },
];

for (const layout of LAYOUTS) {
  test(`the portal reflows at ${layout.label}: no sideways scrolling, no text cut off`, { timeout: TEST_TIMEOUT_MS }, async () => {
    const page = await newAppPage(browser);
    try {
      await signInResident(page, DEMO_RESIDENT);
      await submittedMatter(page);
      await page.setViewportSize(layout.viewport);
      const failures = [];
      for (const entry of PAGES) {
        const path = typeof entry.path === 'function' ? entry.path() : entry.path;
        const response = await page.goto(path);
        assert.equal(response.status(), 200, `${entry.label}: GET ${path} ended at ${page.url()} with status ${response.status()}`);
        if (entry.then) await entry.then(page);
        await applyLayout(page, layout);
        const problems = await reflowProblems(page);
        if (problems.length > 0) {
          failures.push(`${entry.label} (${page.url()}):\n${problems.map((p) => `    - ${p}`).join('\n')}`);
        }
      }
      assert.equal(failures.length, 0, `reflow problems at ${layout.label}:\n  ${failures.join('\n  ')}`);
    } finally {
      await page.context().close();
    }
  });
}
