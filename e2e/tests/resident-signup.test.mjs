// A resident creates an account; the form's errors are shown next to the field.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  baseUrl,
  checkA11y,
  describePage,
  expectVisible,
  launchBrowser,
  newAppPage,
  randomFrom,
  TEST_TIMEOUT_MS,
} from '../lib/browser.mjs';

let browser;

before(async () => {
  baseUrl();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

const uniqueEmail = () => `e2e-${randomFrom('abcdefghijklmnopqrstuvwxyz0123456789', 12)}@example.pl`;

async function fillSignup(page, { email, name, password }) {
  await page.goto('/signup');
  await page.getByLabel('Adres e-mail', { exact: true }).fill(email);
  await page.getByLabel('Imię i nazwisko', { exact: true }).fill(name);
  await page.getByLabel('Hasło', { exact: true }).fill(password);
  await page.getByLabel('Powtórz hasło', { exact: true }).fill(password);
}

test('a resident signs up and is asked to confirm the e-mail address', { timeout: TEST_TIMEOUT_MS }, async () => {
  const page = await newAppPage(browser);
  try {
    await fillSignup(page, {
      email: uniqueEmail(),
      name: 'Anna Mieszkańska',
      password: 'Zielony-Ratusz-nad-Wisłą-2026',
    });
    await page.getByRole('button', { name: 'Załóż konto', exact: true }).click();
    await expectVisible(
      page,
      page.getByRole('heading', { level: 1 }).filter({ hasText: 'Sprawdź skrzynkę' }),
      'a main heading "Sprawdź skrzynkę…" after "Załóż konto"',
    );
    await checkA11y(page, 'rejestracja: sprawdź skrzynkę');
  } finally {
    await page.context().close();
  }
});

test('a too short password is refused next to the field and the e-mail is kept', { timeout: TEST_TIMEOUT_MS }, async () => {
  const page = await newAppPage(browser);
  const email = uniqueEmail();
  try {
    await fillSignup(page, { email, name: 'Anna Mieszkańska', password: 'krótkie' });
    // The server's validation is under test: switch off the browser's own
    // constraint checks (minlength, required) so the form is really posted.
    await page.locator('form:has(input[type="password"])').evaluate((form) => {
      form.noValidate = true;
    });
    await page.getByRole('button', { name: 'Załóż konto', exact: true }).click();
    await page.waitForLoadState('load');
    await expectVisible(page, page.locator('#password-error'), 'the error #password-error next to the password field');
    const kept = await page.getByLabel('Adres e-mail', { exact: true }).inputValue();
    assert.equal(kept, email, `the e-mail field should keep what was typed; ${await describePage(page)}`);
    await checkA11y(page, 'rejestracja: błąd hasła');
  } finally {
    await page.context().close();
  }
});
