// Signing in and out through the real forms, as a person would.
import assert from 'node:assert/strict';
import { describePage, expectPath, freshTotp } from './browser.mjs';

/** True for /panel and every page under it. */
export const isPanel = (path) => path === '/panel' || path.startsWith('/panel/');

/** Fills the e-mail and password form at /login and submits it. */
export async function submitLogin(page, email, password) {
  await page.goto('/login');
  await page.getByLabel('Adres e-mail', { exact: true }).fill(email);
  await page.getByLabel('Hasło', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Zaloguj się', exact: true }).click();
}

/**
 * Enters a fresh TOTP code on the page's "Kod z aplikacji" field and presses `button`.
 * `account` (e.g. the e-mail) keeps codes apart for accounts that share a secret.
 */
export async function submitTotp(page, secret, button, account = '') {
  await page.getByLabel('Kod z aplikacji', { exact: true }).fill(await freshTotp(secret, 5, account));
  await page.getByRole('button', { name: button, exact: true }).click();
}

/**
 * Signs a staff member with enrolled TOTP in: password, then the code.
 * Calls `onMfaPage(page)` on the second-factor page (e.g. for the WCAG check).
 *
 * A code is refused when the same account already used it (RFC 6238 § 5.2),
 * which happens when the tests are re-run against one server within a minute;
 * then it tries again with the next 30-second step, at most three times.
 */
export async function signInStaff(page, { email, password, secret }, onMfaPage) {
  await submitLogin(page, email, password);
  await expectPath(page, '/login/mfa', `the second-factor page /login/mfa after the password of ${email}`);
  if (onMfaPage) await onMfaPage(page);
  for (let attempt = 1; ; attempt += 1) {
    const navigated = page.waitForEvent('framenavigated', {
      predicate: (frame) => frame === page.mainFrame(),
    });
    await submitTotp(page, secret, 'Potwierdź', email);
    await navigated;
    await page.waitForLoadState('load');
    const path = new URL(page.url()).pathname;
    if (isPanel(path)) return;
    if (path !== '/login/mfa' || attempt === 3) {
      assert.fail(
        `expected the staff panel (/panel…) after the TOTP code of ${email} ` +
          `(attempt ${attempt}); ${await describePage(page)}`,
      );
    }
  }
}

/** Presses "Wyloguj" and waits to leave the panel. */
export async function signOut(page) {
  await page.getByRole('button', { name: 'Wyloguj', exact: true }).click();
  await expectPath(page, (p) => !isPanel(p), 'to leave the panel after "Wyloguj"');
}
