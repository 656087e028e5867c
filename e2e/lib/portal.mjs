// The residents' portal in the browser tests: the demo tree-felling service and
// its form filled the way a person fills it, signing residents in, and waiting
// for what the server's job worker does in the background (notifications and
// e-mails, which go to the outbox because the demo has no SMTP server).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describePage, expectPath, expectVisible } from './browser.mjs';
import { submitLogin } from './auth.mjs';
import { t } from './texts.mjs';

export const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

/** How long to wait for the job worker (it looks for work every half second). */
export const JOB_WAIT_MS = 60_000;

/** The label of a field as the portal's forms render it, "(wymagane)" appended when required. */
export const fieldLabel = (label, required = false) => (required ? `${label} (${t('required')})` : label);

/**
 * The demo e-service of the acceptance walk, with the labels of its form as its
 * definition gives them (crates/core/src/eservices/demo/wycinka-drzew.toml):
 * they come from the definition, not from the message catalogue.
 */
export const TREE_FELLING = {
  slug: 'wycinka-drzew',
  name: 'Zezwolenie na usunięcie drzew lub krzewów',
  nameEn: 'Permit to remove trees or shrubs',
  caseClass: '6131',
  decisionTemplate: 'Zezwolenie na usunięcie drzew',
  decisionTitle: 'Decyzja w sprawie zezwolenia',
  labels: {
    fullName: 'Imię i nazwisko albo nazwa',
    pesel: 'PESEL',
    applicantAddress: 'Adres zamieszkania albo siedziby',
    propertyAddress: 'Adres nieruchomości, na której rosną drzewa',
    plotNumber: 'Numer działki ewidencyjnej i obręb',
    legalTitle: 'Twoje prawo do nieruchomości',
    titleStatement:
      'Oświadczam, że przysługuje mi wskazane wyżej prawo do nieruchomości. ' +
      'Jestem świadomy odpowiedzialności karnej za złożenie fałszywego oświadczenia.',
    treeCount: 'Liczba drzew do usunięcia',
    treeSpecies: 'Gatunek drzewa',
    trunk: 'Obwód pnia na wysokości 5 cm (cm)',
    moreTrees: 'Pozostałe drzewa: gatunek i obwód pnia każdego',
    shrubs: 'Wniosek dotyczy także krzewów',
    shrubArea: 'Powierzchnia krzewów do usunięcia (m²)',
    reason: 'Przyczyna usunięcia',
    business: 'Czy usunięcie wiąże się z prowadzeniem działalności gospodarczej?',
    removalDate: 'Planowany termin usunięcia',
    replacementPlanting: 'Planuję posadzić w zamian nowe drzewa lub krzewy albo przesadzić drzewo',
    plantingPlan: 'Opis nasadzeń: ile, jakie gatunki, gdzie i kiedy',
    plantingPlanFile: 'Projekt nasadzeń lub przesadzenia (jeśli masz)',
    sitePlan: 'Rysunek lub mapa z lokalizacją drzew',
    photos: 'Zdjęcia drzew lub inne dokumenty (np. opinia dendrologa, pełnomocnictwo)',
    email: 'Adres e-mail',
    phone: 'Telefon',
  },
  options: {
    owner: 'Jestem jedynym właścicielem',
    perpetualUsufruct: 'Jestem użytkownikiem wieczystym',
    no: 'Nie',
    yes: 'Tak',
  },
};

/** What the acceptance walk answers (as in crates/server/tests/it/portal.rs). */
export const TREE_FELLING_ANSWERS = {
  fullName: 'Zofia Leśna',
  street: 'ul. Lipowa 3',
  postalCode: '12-345',
  city: 'Przykładowo',
  plotNumber: 'działka 123/4, obręb Przykładowo',
  treeCount: '1',
  treeSpecies: 'brzoza brodawkowata',
  trunk: '120',
  reason: 'Drzewo pochyla się nad dachem domu.',
  removalDate: '2099-03-01',
};

/** A small valid PDF whose bytes differ with `text` (the server checks the content, not the name). */
export function tinyPdf(text) {
  return Buffer.from(
    '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n' +
      `% ${text}\ntrailer<</Root 1 0 R>>\n%%EOF\n`,
    'latin1',
  );
}

/** The SHA-256 of `bytes` in lower-case hex, as receipts print it. */
export const sha256Hex = (bytes) => createHash('sha256').update(bytes).digest('hex');

/** Signs a resident in with the password form; waits to leave /login. */
export async function signInResident(page, { email, password }) {
  await submitLogin(page, email, password);
  await expectPath(page, (p) => p !== '/login', `to leave /login after signing in as ${email}`);
}

/** The group (fieldset) whose legend is `legend`. */
export const group = (scope, legend) => scope.getByRole('group', { name: legend, exact: true });

/**
 * Fills the tree-felling form (already open) by its labels, as a person would.
 * `files.sitePlan` is a playwright file payload ({ name, mimeType, buffer }).
 */
export async function fillTreeFelling(page, answers = TREE_FELLING_ANSWERS, files = {}) {
  const L = TREE_FELLING.labels;
  const field = (label, required) => page.getByLabel(fieldLabel(label, required), { exact: true });
  await field(L.fullName, true).fill(answers.fullName);
  for (const legend of [L.applicantAddress, L.propertyAddress]) {
    const address = group(page, fieldLabel(legend, true));
    await address.getByLabel(t('form-address-street'), { exact: true }).fill(answers.street);
    await address.getByLabel(t('form-address-postal-code'), { exact: true }).fill(answers.postalCode);
    await address.getByLabel(t('form-address-city'), { exact: true }).fill(answers.city);
  }
  await field(L.plotNumber, true).fill(answers.plotNumber);
  await group(page, fieldLabel(L.legalTitle, true))
    .getByRole('radio', { name: TREE_FELLING.options.owner, exact: true })
    .check();
  await field(L.titleStatement, true).check();
  await field(L.treeCount, true).fill(answers.treeCount);
  await field(L.treeSpecies, true).fill(answers.treeSpecies);
  await field(L.trunk, true).fill(answers.trunk);
  await field(L.reason, true).fill(answers.reason);
  await group(page, fieldLabel(L.business, true))
    .getByRole('radio', { name: TREE_FELLING.options.no, exact: true })
    .check();
  await field(L.removalDate, true).fill(answers.removalDate);
  if (files.sitePlan) await field(L.sitePlan, true).setInputFiles(files.sitePlan);
}

/** The text of the <dd> that follows the <dt> saying exactly `term` (first match). */
export async function detail(page, term, scope = page) {
  const dd = scope.locator(`dl.meta dt:text-is("${term}") + dd`);
  await expectVisible(page, dd, `the detail "${term}"`);
  return (await dd.first().textContent()).replace(/\s+/g, ' ').trim();
}

/**
 * Repeats `probe()` (which may reload pages) until it returns a truthy value,
 * then returns that value; fails after `timeoutMs` saying what was awaited
 * (`what`: a string, or a function giving one at the time of failure).
 * For work the server's job worker does in the background: never a fixed sleep.
 */
export async function waitUntil(probe, what, timeoutMs = JOB_WAIT_MS) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    last = await probe();
    if (last) return last;
    if (Date.now() > deadline) {
      const said = typeof what === 'function' ? await what() : what;
      assert.fail(`waited ${timeoutMs / 1000} s for ${said}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** The e-mails of the outbox page (/panel/admin/outbox, newest first) sent to `to`. */
export async function outboxMails(adminPage, to) {
  await adminPage.goto('/panel/admin/outbox');
  const rows = await adminPage.locator('table tbody tr').evaluateAll((trs) =>
    trs.map((tr) => {
      const cells = tr.querySelectorAll('td');
      return {
        to: cells[1]?.textContent.trim() ?? '',
        subject: tr.querySelector('summary')?.textContent.trim() ?? '',
        body: tr.querySelector('pre')?.textContent ?? '',
      };
    }),
  );
  return rows.filter((m) => m.to === to);
}

/**
 * Waits until the outbox holds an e-mail to `to` whose subject contains
 * `subjectPart`; returns every such e-mail.
 */
export async function waitForMail(adminPage, to, subjectPart) {
  return waitUntil(async () => {
    const found = (await outboxMails(adminPage, to)).filter((m) => m.subject.includes(subjectPart));
    return found.length > 0 ? found : null;
  }, `an e-mail to ${to} with "${subjectPart}" in the subject on /panel/admin/outbox`);
}

/** Waits until /notifications of the signed-in resident lists a notice saying `text`. */
export async function waitForNotice(page, text) {
  await waitUntil(async () => {
    await page.goto('/notifications');
    const items = await page.locator('ul.notices li').allTextContents();
    return items.some((i) => i.replace(/\s+/g, ' ').includes(text));
  }, async () => `the notice "${text}" on /notifications; ${await describePage(page)}`);
}
