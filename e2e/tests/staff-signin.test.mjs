// The staff flow: the demo administrator signs in with password and TOTP, the
// panel passes the WCAG check, and a new clerk is created and enrols TOTP.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  baseUrl,
  checkA11y,
  expectPath,
  expectVisible,
  launchBrowser,
  newAppPage,
  randomFrom,
  TEST_TIMEOUT_MS,
  visitAndCheck,
} from '../lib/browser.mjs';
import { isPanel, signInStaff, signOut, submitLogin, submitTotp } from '../lib/auth.mjs';
import { DEMO_ADMIN, DEMO_TOTP_SECRET, DEMO_UNIT_SYMBOLS } from '../lib/demo.mjs';
import { staffPages } from '../lib/pages.mjs';

const ADMIN = { ...DEMO_ADMIN, secret: DEMO_TOTP_SECRET };
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

let browser;

before(async () => {
  baseUrl();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

/** A unit symbol of four capital letters that the demo data does not use. */
function newUnitSymbol() {
  for (;;) {
    const symbol = randomFrom(UPPER, 4);
    if (!DEMO_UNIT_SYMBOLS.includes(symbol)) return symbol;
  }
}

test('the demo administrator signs in with TOTP and the panel passes WCAG 2.1 AA', { timeout: TEST_TIMEOUT_MS }, async () => {
  const page = await newAppPage(browser);
  try {
    await signInStaff(page, ADMIN, (mfaPage) => checkA11y(mfaPage, 'logowanie: kod z aplikacji'));
    for (const entry of staffPages) {
      await visitAndCheck(page, entry);
    }
  } finally {
    await page.context().close();
  }
});

test('an administrator adds a unit and a clerk, who then enrols TOTP at first sign-in', { timeout: TEST_TIMEOUT_MS }, async () => {
  const page = await newAppPage(browser);
  const symbol = newUnitSymbol();
  const clerk = {
    email: `e2e-${randomFrom('abcdefghijklmnopqrstuvwxyz0123456789', 10)}@example.pl`,
    name: 'Jan Testowy',
    password: `Tymczasowe-Haslo-${randomFrom(UPPER, 6)}-2026`,
  };
  try {
    await signInStaff(page, ADMIN);

    // A new organisational unit.
    await page.goto('/panel/admin/units');
    await page.getByLabel('Symbol', { exact: true }).fill(symbol);
    await page.getByLabel('Nazwa', { exact: true }).fill('Wydział testowy E2E');
    await page.getByRole('button', { name: 'Dodaj komórkę', exact: true }).click();
    await expectVisible(
      page,
      page.getByRole('cell', { name: symbol, exact: true }),
      `the new unit ${symbol} in the units table after "Dodaj komórkę"`,
    );

    // A clerk in that unit.
    await page.goto('/panel/admin/users');
    // The page has two forms (new account, grant a role): work inside the first.
    const form = page.getByRole('form', { name: 'Nowe konto pracownika', exact: true });
    await form.getByLabel('Adres e-mail', { exact: true }).fill(clerk.email);
    await form.getByLabel('Imię i nazwisko', { exact: true }).fill(clerk.name);
    await form.getByLabel('Hasło tymczasowe', { exact: true }).fill(clerk.password);
    await form.getByLabel('Rola', { exact: true }).selectOption({ label: 'Referent' });
    const unitSelect = form.getByLabel('Komórka', { exact: true });
    const options = await unitSelect
      .locator('option')
      .evaluateAll((els) => els.map((o) => ({ value: o.value, text: o.textContent.trim() })));
    const symbolAsWord = new RegExp(`(^|[^\\p{Lu}])${symbol}([^\\p{Lu}]|$)`, 'u');
    const matching = options.filter((o) => symbolAsWord.test(o.text));
    assert.equal(
      matching.length,
      1,
      `expected one "Komórka" option naming ${symbol}; options: ${options.map((o) => JSON.stringify(o.text)).join(', ')}`,
    );
    await unitSelect.selectOption(matching[0].value);
    await form.getByRole('button', { name: 'Utwórz konto', exact: true }).click();
    await expectVisible(
      page,
      page.getByText(clerk.email, { exact: true }),
      `the new account ${clerk.email} listed after "Utwórz konto"`,
    );

    await signOut(page);

    // The clerk's first sign-in: the temporary password, then TOTP enrolment.
    await submitLogin(page, clerk.email, clerk.password);
    await expectPath(page, '/mfa/setup', `TOTP enrolment at /mfa/setup on ${clerk.email}'s first sign-in`);
    await expectVisible(page, page.locator('#totp-secret'), 'the TOTP secret in #totp-secret');
    const secret = (await page.locator('#totp-secret').textContent()).replace(/\s+/g, '');
    assert.match(secret, /^[A-Z2-7]{16,}=*$/i, `#totp-secret should hold a base32 secret, got ${JSON.stringify(secret)}`);
    await checkA11y(page, 'włączanie weryfikacji dwuetapowej');
    await submitTotp(page, secret, 'Włącz weryfikację dwuetapową');

    const codes = page.locator('#recovery-codes li');
    await expectVisible(page, codes, 'recovery codes in #recovery-codes li after enabling TOTP');
    assert.equal(await codes.count(), 10, 'expected 10 recovery codes in #recovery-codes');
    await checkA11y(page, 'kody odzyskiwania');
    await page.getByRole('link', { name: 'Przejdź dalej', exact: true }).click();
    await expectPath(page, isPanel, 'the staff panel (/panel…) after "Przejdź dalej"');
  } finally {
    await page.context().close();
  }
});
