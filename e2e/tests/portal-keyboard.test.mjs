// One full submission with the keyboard alone (WCAG 2.1 SC 2.1.1 Keyboard and
// 2.4.7 Focus visible): the demo resident signs in, goes from the catalogue to
// the tree-felling form with Tab and Enter, sends it half-filled, follows every
// link of the error summary to its field, then fills every field by typing
// (Space for checkboxes, Space and the arrow keys in radio groups, the file
// chooser opened from the keyboard) and sends it with the keyboard. Every
// element that takes focus on the way must show it.
//
// There are no mouse clicks and no locator actions: only page.keyboard, and one
// page.goto for the start page. Locators only read the page.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  baseUrl,
  describePage,
  expectPath,
  launchBrowser,
  newAppPage,
  TEST_TIMEOUT_MS,
} from '../lib/browser.mjs';
import { DEMO_RESIDENT } from '../lib/demo.mjs';
import { sha256Hex, tinyPdf, TREE_FELLING, UUID } from '../lib/portal.mjs';
import { t } from '../lib/texts.mjs';

let browser;

before(async () => {
  baseUrl();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

/** The most Tab presses a search for one element may take (the longest page has ~60 stops). */
const MAX_TABS = 150;

/** What has focus, and whether it shows it (an outline or a box shadow). */
function focused(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body || el === document.documentElement) return { none: true };
    const s = getComputedStyle(el);
    const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
    const shadow = s.boxShadow !== 'none' && s.boxShadow !== '';
    const r = el.getBoundingClientRect();
    return {
      none: false,
      tag: el.tagName.toLowerCase(),
      id: el.id,
      type: el.type ?? '',
      text: (el.textContent || el.value || '').replace(/\s+/g, ' ').trim().slice(0, 60),
      href: el.getAttribute('href') ?? '',
      checked: el.checked ?? null,
      inSummary: !!el.closest('.error-summary'),
      inMainForm: !!el.closest('main form'),
      visible: outline || shadow,
      inView: r.bottom > 0 && r.top < window.innerHeight && r.width > 0 && r.height > 0,
      style: `outline ${s.outlineStyle} ${s.outlineWidth}, box-shadow ${s.boxShadow}`,
    };
  });
}

const label = (f) => (f.none ? '(nothing: focus left the page)' : `<${f.tag}${f.id ? `#${f.id}` : ''}> "${f.text}"`);

/** Fails unless the focused element shows its focus and is scrolled into view. */
async function expectFocusShown(page, f, what) {
  if (f.none) return; // Tab past the last element leaves the page; the next Tab comes back.
  assert.ok(f.visible, `focus must be visible on ${label(f)} (${what}); computed: ${f.style}; ${await describePage(page)}`);
  assert.ok(f.inView, `the focused ${label(f)} must be scrolled into view (${what})`);
}

/**
 * Presses Tab (Shift+Tab when `back`) until `accept(focused)` holds; checks the
 * focus indicator at every stop on the way. Returns what has focus.
 */
async function tabTo(page, accept, what, { back = false } = {}) {
  const seen = [];
  for (let i = 0; i < MAX_TABS; i += 1) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    const f = await focused(page);
    await expectFocusShown(page, f, `on the way to ${what}`);
    if (!f.none && accept(f)) return f;
    seen.push(label(f));
  }
  assert.fail(`${MAX_TABS} presses of ${back ? 'Shift+Tab' : 'Tab'} never reached ${what}; passed: ${seen.slice(0, 40).join(', ')}`);
}

const byId = (id) => (f) => f.id === id;

/** Presses `key` and waits for the new page to load. */
async function pressAndLoad(page, key) {
  const navigated = page.waitForEvent('framenavigated', { predicate: (frame) => frame === page.mainFrame() });
  await page.keyboard.press(key);
  await navigated;
  await page.waitForLoadState('load');
}

/** Tabs to the field `id` and types `value` over whatever it holds. */
async function typeInto(page, id, value) {
  await tabTo(page, byId(id), `the field #${id}`);
  await page.keyboard.press('Control+A');
  await page.keyboard.type(value);
  const got = await page.evaluate(() => document.activeElement.value);
  assert.equal(got.replace(/\r\n/g, '\n'), value, `#${id} holds what was typed`);
}

/** Tabs to the checkbox `id` and ticks it with Space. */
async function tick(page, id) {
  const f = await tabTo(page, byId(id), `the checkbox #${id}`);
  assert.equal(f.checked, false, `#${id} starts unticked`);
  await page.keyboard.press('Space');
  assert.equal((await focused(page)).checked, true, `Space ticks #${id}`);
}

/** Tabs to the file input `id`, opens its chooser with Space and picks `files`. */
async function chooseFile(page, id, files) {
  await tabTo(page, byId(id), `the file input #${id}`);
  const [chooser] = await Promise.all([page.waitForEvent('filechooser', { timeout: 10_000 }), page.keyboard.press('Space')]);
  await chooser.setFiles(files);
  const names = await page.evaluate(() => [...document.activeElement.files].map((f) => f.name));
  assert.deepEqual(names, [files].flat().map((f) => f.name), `#${id} holds the chosen files`);
}

/** The name of the checked radio of group `name`, or null. */
const checkedRadio = (page, name) =>
  page.evaluate((n) => document.querySelector(`input[type=radio][name="${n}"]:checked`)?.value ?? null, name);

const SITE_PLAN = { name: 'mapa-klawiatura.pdf', mimeType: 'application/pdf', buffer: tinyPdf('mapa z klawiatury') };
const PHOTO = { name: 'zdjecie-brzozy.pdf', mimeType: 'application/pdf', buffer: tinyPdf('zdjecie brzozy') };
const PLANTING = { name: 'projekt-nasadzen.pdf', mimeType: 'application/pdf', buffer: tinyPdf('projekt nasadzen') };

test('a resident submits the tree-felling permit with the keyboard alone, focus always visible', { timeout: TEST_TIMEOUT_MS }, async () => {
  const page = await newAppPage(browser);
  // Playwright turns file-chooser interception on and off (without waiting for the browser)
  // as listeners come and go: between two choosers a key press could beat the switch and open
  // a real, never-closed chooser that blocks every later one. A listener held for the page's
  // life keeps interception on throughout.
  page.on('filechooser', () => {});
  try {
    // Sign in: the only goto; the form returns to the catalogue.
    await page.goto('/login?next=/services');
    await typeInto(page, 'email', DEMO_RESIDENT.email);
    await tabTo(page, byId('password'), 'the password field');
    await page.keyboard.type(DEMO_RESIDENT.password);
    await pressAndLoad(page, 'Enter');
    await expectPath(page, '/services', 'the catalogue after signing in with Enter');

    // Catalogue → card → form, with Tab and Enter.
    const applyPath = `/services/${TREE_FELLING.slug}/apply`;
    await tabTo(page, (f) => f.tag === 'a' && f.text === TREE_FELLING.name, `the link "${TREE_FELLING.name}"`);
    await pressAndLoad(page, 'Enter');
    await expectPath(page, `/services/${TREE_FELLING.slug}`, 'the service card after Enter');
    await tabTo(page, (f) => f.tag === 'a' && f.text === t('card-apply'), `the link "${t('card-apply')}"`);
    await pressAndLoad(page, 'Enter');
    await expectPath(page, applyPath, 'the form after Enter');

    // Sent half-filled with Enter on the submit button.
    await typeInto(page, 'full_name', 'Jan Kowalski');
    await tabTo(page, (f) => f.tag === 'button' && f.text === t('apply-submit'), `the button "${t('apply-submit')}"`);
    await pressAndLoad(page, 'Enter');
    await expectPath(page, applyPath, 'the form again, with its errors');
    const links = await page
      .locator('.error-summary a')
      .evaluateAll((as) => as.map((a) => decodeURIComponent(a.getAttribute('href').slice(1))));
    assert.ok(links.length >= 10, `the error summary lists the missing fields; it lists ${links.join(', ')}`);

    // The summary has focus, or is the first thing Tab reaches after the menu.
    let f = await focused(page);
    if (!f.inSummary) {
      f = await tabTo(page, (x) => x.inSummary || x.inMainForm, 'the error summary');
      assert.ok(f.inSummary, `Tab must reach the error summary before any field; it reached ${label(f)} first`);
    }
    // Each link moves focus to its field; Shift+Tab goes back up to the next link.
    for (const [i, id] of links.entries()) {
      if (i > 0) {
        await tabTo(page, (x) => x.inSummary && x.href === `#${id}`, `the summary link to #${id}`, { back: true });
      } else {
        assert.equal(f.href, `#${id}`, 'Tab reaches the first link of the summary first');
      }
      await page.keyboard.press('Enter');
      await page.waitForFunction((target) => document.activeElement?.id === target, id, { timeout: 5_000 }).catch(() => {});
      const at = await focused(page);
      assert.equal(at.id, id, `the summary link to #${id} moves focus to that field; focus is on ${label(at)}`);
      await expectFocusShown(page, at, `after following the summary link to #${id}`);
    }

    // Now every field, top to bottom. Tab searches forwards and comes round
    // again at the end of the page, so it starts from wherever focus is.
    await typeInto(page, 'full_name', 'Jan Kowalski');
    await typeInto(page, 'pesel', '44051401359');
    await typeInto(page, 'applicant_address.street', 'ul. Polna 12');
    await typeInto(page, 'applicant_address.postal_code', '12-345');
    await typeInto(page, 'applicant_address.city', 'Przykładowo');
    await typeInto(page, 'property_address.street', 'ul. Polna 12');
    await typeInto(page, 'property_address.postal_code', '12-345');
    await typeInto(page, 'property_address.city', 'Przykładowo');
    await typeInto(page, 'plot_number', 'działka 45/6, obręb Przykładowo');

    // A radio group is one Tab stop: Space chooses, the arrow keys move the choice.
    await tabTo(page, (x) => x.type === 'radio' && x.id.startsWith('legal_title'), 'the radio group of the legal title');
    await page.keyboard.press('Space');
    assert.equal(await checkedRadio(page, 'legal_title'), 'owner', 'Space chooses the focused (first) option');
    await page.keyboard.press('ArrowDown');
    assert.equal(await checkedRadio(page, 'legal_title'), 'perpetual_usufruct', 'ArrowDown chooses the next option');
    await expectFocusShown(page, await focused(page), 'on the next radio');
    await page.keyboard.press('ArrowUp');
    assert.equal(await checkedRadio(page, 'legal_title'), 'owner', 'ArrowUp chooses the previous option');
    // The consents of an owner or co-owners are for possessors and co-owners: not asked of an owner.
    await tick(page, 'title_statement');

    await typeInto(page, 'tree_count', '2');
    await typeInto(page, 'tree_species', 'brzoza brodawkowata');
    await typeInto(page, 'trunk_circumference', '140');
    await typeInto(page, 'more_trees', 'klon zwyczajny – 95 cm');
    await tick(page, 'shrubs');
    await typeInto(page, 'shrub_area', '12');
    await typeInto(page, 'reason', 'Drzewa są suche i pochylają się nad drogą.\nZagrażają przechodniom.');
    await tabTo(page, (x) => x.type === 'radio' && x.id.startsWith('business_purpose'), 'the radio group "business purpose"');
    await page.keyboard.press('Space');
    assert.equal(await checkedRadio(page, 'business_purpose'), 'no', 'Space chooses "Nie"');
    await page.keyboard.press('ArrowRight');
    assert.equal(await checkedRadio(page, 'business_purpose'), 'yes', 'ArrowRight chooses "Tak"');
    await page.keyboard.press('ArrowLeft');
    assert.equal(await checkedRadio(page, 'business_purpose'), 'no', 'ArrowLeft goes back to "Nie"');

    // A date field takes day, month and year typed in a row. Their order follows the
    // browser's own language (dd.mm in Polish, mm/dd in English): 12 December reads the same.
    await tabTo(page, byId('removal_date'), 'the date field');
    await page.keyboard.type('12122099');
    assert.equal(await page.evaluate(() => document.activeElement.value), '2099-12-12', 'the date typed is 12 December 2099');

    await tick(page, 'replacement_planting');
    await typeInto(page, 'planting_plan', 'Dwie lipy drobnolistne przy ogrodzeniu, jesienią.');
    await chooseFile(page, 'planting_plan_file', PLANTING);
    await chooseFile(page, 'site_plan', SITE_PLAN);
    await chooseFile(page, 'photos', PHOTO);
    await typeInto(page, 'email', DEMO_RESIDENT.email);
    await typeInto(page, 'phone', '+48 600 100 200');

    // Sent with Space on the button.
    await tabTo(page, (x) => x.tag === 'button' && x.text === t('apply-submit'), `the button "${t('apply-submit')}"`);
    await pressAndLoad(page, 'Space');
    await expectPath(page, (p) => new RegExp(`^/matters/${UUID}$`).test(p), 'the matter page after sending the form with Space');
    const notice = await page.getByRole('status').filter({ hasText: t('matter-submitted') }).count();
    assert.equal(notice, 1, `the message "${t('matter-submitted')}"; ${await describePage(page)}`);

    // The receipt lists the three files with the SHA-256 of what was chosen.
    const files = page.getByRole('table', { name: t('receipt-files'), exact: true });
    for (const file of [SITE_PLAN, PHOTO, PLANTING]) {
      const row = files.getByRole('row').filter({ has: page.getByRole('rowheader', { name: file.name, exact: true }) });
      assert.equal(await row.count(), 1, `the receipt lists ${file.name}`);
      assert.equal((await row.locator('code.hash').textContent()).trim(), sha256Hex(file.buffer), `the SHA-256 of ${file.name}`);
    }

    // Every link and button of the matter page shows focus too.
    await page.keyboard.press('Tab');
    for (let i = 0; i < 40; i += 1) {
      const at = await focused(page);
      await expectFocusShown(page, at, 'on the matter page');
      if (at.none) break;
      await page.keyboard.press('Tab');
    }
  } finally {
    await page.context().close();
  }
});
