// The alert form's map, the one place the staff panel uses JavaScript: with
// scripts on, the registry desk clicks four corners on the map of the address
// points and the polygon field gets the closed polygon in CAP notation, with the
// count of addresses inside; "undo" takes a corner back; the page passes axe
// with the map shown. With scripts off the map stays hidden and the field is
// there as before.
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
import { signInStaff } from '../lib/auth.mjs';
import { DEMO_REGISTRAR } from '../lib/demo.mjs';
import { t } from '../lib/texts.mjs';

let browser;

before(async () => {
  baseUrl();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

/** The pairs of a CAP polygon ("lat,lon lat,lon …"). */
function pairs(text) {
  return text.trim().split(/\s+/).filter(Boolean);
}

test('clicks on the map fill the polygon field and count the addresses inside', { timeout: TEST_TIMEOUT_MS }, async () => {
  const page = await newAppPage(browser);
  try {
    await signInStaff(page, DEMO_REGISTRAR);
    await page.goto('/panel/alerts/new?template=storm');
    const map = page.locator('#alert-map svg');
    await expectVisible(page, map, 'the map of address points');
    const box = await map.boundingBox();
    assert.ok(box && box.width > 100 && box.height > 100, `the map has a size: ${JSON.stringify(box)}`);
    // Four corners around the middle of the municipality.
    const corners = [[0.2, 0.2], [0.8, 0.2], [0.8, 0.8], [0.2, 0.8]];
    for (const [fx, fy] of corners) {
      // Relative to the map (the locator scrolls it into view first).
      await map.click({ position: { x: box.width * fx, y: box.height * fy } });
    }
    const polygon = await page.locator('#polygon').inputValue();
    const ps = pairs(polygon);
    assert.equal(ps.length, 5, `four corners and the first again: ${polygon}`);
    assert.equal(ps[0], ps[4], 'the polygon is closed');
    for (const p of ps) {
      const [lat, lon] = p.split(',').map(Number);
      assert.ok(lat > 49 && lat < 51 && lon > 19 && lon < 21, `a point in the municipality: ${p}`);
    }
    const status = await page.locator('#alert-map-status').textContent();
    const inside = Number((status.match(/(\d+)\D*$/) || [])[1]);
    assert.ok(inside > 0, `addresses inside are counted: ${status}`);
    // Undo takes the last corner back: three corners are still a polygon.
    await page.getByRole('button', { name: t('alerts-map-undo') }).click();
    assert.equal(pairs(await page.locator('#polygon').inputValue()).length, 4);
    await checkA11y(page, 'panel: nowe ostrzeżenie z mapą');
  } finally {
    await page.context().close();
  }
});

test('without scripts the map stays hidden and the polygon field works', { timeout: TEST_TIMEOUT_MS }, async () => {
  const page = await newNoScriptPage(browser);
  try {
    await signInStaff(page, DEMO_REGISTRAR);
    await page.goto('/panel/alerts/new?template=storm');
    assert.equal(await page.locator('#alert-map').isVisible(), false);
    await expectVisible(page, page.locator('#polygon'), 'the polygon field');
  } finally {
    await page.context().close();
  }
});
