// The residents' portal's acceptance walk in the browser, as the issue states
// it and crates/server/tests/it/portal.rs performs it over HTTP: a new resident
// signs up and confirms the e-mail address from the outbox, submits the
// tree-felling permit with an attachment and gets a receipt (UPO) with the
// file's SHA-256; the GK clerk asks for a missing document, the manager approves
// the request and it is sent through the portal; the resident reads it and
// answers in place; the clerk writes back, resumes the case, issues the
// decision with the method "portal" and closes the case; the resident receives
// the decision and the notices (in the portal and by e-mail, each once) and
// answers the survey. Every page on the way passes axe (WCAG 2.1 AA); every
// portal page also reflows at 320 CSS px (lib/layout.mjs), so the matter page is
// checked in each of its states: with the request and its form, the inbox, the
// thread, the decision and the survey.
//
// Resident, clerk, manager and administrator (who reads the outbox) each have
// their own browser context; the steps are separate tests that run in order and
// hand on what they find. The resident's browser runs no JavaScript: the portal
// must work without it. The resident's e-mail address is random, so a re-run
// against the same server finds its own matter, case and mail.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  baseUrl,
  checkA11y,
  describePage,
  expectPath,
  expectVisible,
  launchBrowser,
  newAppPage,
  newNoScriptPage,
  randomFrom,
  TEST_TIMEOUT_MS,
} from '../lib/browser.mjs';
import { signInStaff } from '../lib/auth.mjs';
import { applyLayout, checkReflow, LAYOUTS } from '../lib/layout.mjs';
import { DEMO_ADMIN, DEMO_GK_CLERK, DEMO_GK_MANAGER, DEMO_RESIDENT, DEMO_TOTP_SECRET } from '../lib/demo.mjs';
import {
  detail,
  fieldLabel,
  fillTreeFelling,
  group,
  outboxMails,
  sha256Hex,
  signInResident,
  tinyPdf,
  TREE_FELLING,
  TREE_FELLING_ANSWERS,
  UUID,
  waitForMail,
  waitForNotice,
  waitUntil,
} from '../lib/portal.mjs';
import { en, requiredLabel, t } from '../lib/texts.mjs';

const ADMIN = { ...DEMO_ADMIN, secret: DEMO_TOTP_SECRET };
const TAG = randomFrom('abcdefghijklmnopqrstuvwxyz0123456789', 10);
const YEAR = new Intl.DateTimeFormat('en', { timeZone: 'Europe/Warsaw', year: 'numeric' }).format(new Date());
const RESIDENT = {
  email: `e2e-portal-${TAG}@example.pl`,
  name: 'Zofia Leśna',
  password: 'Zielony-Rower-Nad-Wisłą-77',
};
const SITE_PLAN = {
  name: `mapa-drzew-${TAG}.pdf`,
  mimeType: 'application/pdf',
  buffer: tinyPdf(`mapa z lokalizacja drzew ${TAG}`),
};
const CONSENT = {
  name: `zgoda-wspolwlasciciela-${TAG}.pdf`,
  mimeType: 'application/pdf',
  buffer: tinyPdf(`zgoda wspolwlasciciela ${TAG}`),
};
const DEFICIENCIES = 'dołączenie zgody współwłaściciela nieruchomości';
const ANSWER = `W załączeniu zgoda współwłaściciela (${TAG}).`;
const OFFICE_MESSAGE = `Dziękujemy, dokumenty są kompletne (${TAG}).`;
const COMMENT = 'Szybko i jasno.';

let browser;
const pages = new Map(); // who → signed-in page
const flow = {};

before(async () => {
  baseUrl();
  browser = await launchBrowser();
});

after(async () => {
  for (const page of pages.values()) await page.context().close();
  await browser?.close();
});

/**
 * A portal page passes axe and reflows at 320 CSS px (no sideways scrolling,
 * no text cut off); the window returns to its size afterwards.
 */
async function checkPortalPage(page, label) {
  await checkA11y(page, label);
  const size = page.viewportSize();
  await applyLayout(page, LAYOUTS[0]);
  try {
    await checkReflow(page, `${label} (${LAYOUTS[0].label})`);
  } finally {
    await page.setViewportSize(size);
  }
}

/** Fails at once when an earlier step did not hand on `keys`. */
function needs(...keys) {
  const missing = keys.filter((k) => flow[k] === undefined);
  if (missing.length > 0) {
    assert.fail(`an earlier step failed: ${missing.join(', ')} not known`);
  }
}

/** The signed-in page of a staff member, in a browser without JavaScript. */
async function staffPage(account) {
  let page = pages.get(account.email);
  if (!page) {
    page = await newNoScriptPage(browser);
    await signInStaff(page, account);
    pages.set(account.email, page);
  }
  return page;
}

/** The resident's page (a browser without JavaScript); signed in by step 1. */
function residentPage() {
  const page = pages.get(RESIDENT.email);
  assert.ok(page, 'an earlier step failed: the resident is not signed in');
  return page;
}

const formNamed = (scope, name) => scope.getByRole('form', { name, exact: true });
const field = (scope, label) => scope.getByLabel(label, { exact: true });
const button = (scope, name) => scope.getByRole('button', { name, exact: true });
const region = (scope, name) => scope.getByRole('region', { name, exact: true });
const squash = (s) => s.replace(/\s+/g, ' ').trim();

/** Waits for the status message (role="status") saying `message`. */
async function expectNotice(page, message, afterWhat) {
  await expectVisible(page, page.getByRole('status').filter({ hasText: message }), `the message "${message}" after ${afterWhat}`);
}

/** Fetches `href` with the page's cookies; checks the status and media type; returns the bytes. */
async function fetchFile(page, href, mediaType, what) {
  const response = await page.request.get(href);
  assert.equal(response.status(), 200, `${what} (${href}) should download`);
  const type = response.headers()['content-type'] ?? '';
  assert.ok(type.startsWith(mediaType), `${what} (${href}) should be ${mediaType}, got ${type}`);
  return Buffer.from(await response.body());
}

/** Selects the first option of `select` whose text satisfies `accept`. */
async function selectOptionWhere(page, select, accept, what) {
  await expectVisible(page, select, what);
  const options = await select
    .locator('option')
    .evaluateAll((els) => els.map((o) => ({ value: o.value, text: o.textContent.trim() })));
  const match = options.find((o) => accept(o.text));
  assert.ok(match, `no option for ${what}; options: ${options.map((o) => JSON.stringify(o.text)).join(', ')}`);
  await select.selectOption(match.value);
}

/**
 * The clerk's draft goes to the GK manager, who approves it; the clerk then
 * dispatches it with the method "portal mieszkańca".
 */
async function approveAndSendThroughPortal(docUrl, what) {
  const clerk = await staffPage(DEMO_GK_CLERK);
  await clerk.goto(docUrl);
  const submit = formNamed(clerk, t('document-submit'));
  await selectOptionWhere(
    clerk,
    field(submit, t('field-approver-1')),
    (o) => o.includes(DEMO_GK_MANAGER.name),
    `the approver ${DEMO_GK_MANAGER.name} of ${what}`,
  );
  await button(submit, t('document-submit-button')).click();
  await expectNotice(clerk, t('document-done-submit'), `sending ${what} for approval`);

  const manager = await staffPage(DEMO_GK_MANAGER);
  await manager.goto(docUrl);
  const decide = formNamed(manager, t('document-decide'));
  await expectVisible(manager, decide, `the form "${t('document-decide')}" on ${what} for the manager`);
  await button(decide, t('document-approve')).click();
  await expectNotice(manager, t('document-done-approve'), `approving ${what}`);

  await clerk.goto(docUrl);
  const dispatch = formNamed(clerk, t('document-dispatch'));
  await expectVisible(clerk, dispatch, `the form "${t('document-dispatch')}" on ${what}`);
  await field(dispatch, t('field-dispatch-method')).selectOption({ label: t('dispatch-portal') });
  await checkA11y(clerk, `pismo do wysłania przez portal (${what})`);
  await button(dispatch, t('document-dispatch-button')).click();
  await expectNotice(clerk, t('document-done-dispatch-portal'), `dispatching ${what} through the portal`);
  assert.equal(await detail(clerk, t('col-state')), t('doc-status-dispatched'), `${what} is dispatched`);
}

/**
 * After a refused form: the error summary is shown, and each of its links leads
 * to a field that exists (in `form`, a locator, when given), is marked invalid
 * and is described by its error.
 */
async function expectErrorsLinked(page, what, form = null) {
  const summary = page.getByRole('alert').filter({ hasText: t('form-has-errors') });
  await expectVisible(page, summary, `the error summary after ${what}`);
  const within = form ? await form.elementHandle() : null;
  const targets = await summary.locator('a').evaluateAll((links, scope) =>
    links.map((a) => {
      const id = decodeURIComponent(a.getAttribute('href').slice(1));
      const el = document.getElementById(id);
      return {
        id,
        tag: el?.tagName ?? null,
        inForm: !scope || (!!el && scope.contains(el)),
        invalid: el?.getAttribute('aria-invalid') ?? null,
        // A radio group is described by its error as a whole (on its fieldset).
        describedBy: `${el?.getAttribute('aria-describedby') ?? ''} ${
          el?.type === 'radio' ? el.closest('fieldset')?.getAttribute('aria-describedby') ?? '' : ''
        }`,
      };
    }),
  within);
  assert.ok(targets.length > 0, `the error summary after ${what} links to the fields`);
  // A summary link moves focus to a field only when one has the link's id.
  for (const target of targets) {
    assert.ok(target.tag, `the error summary after ${what} links to #${target.id}, which is not on the page`);
    assert.ok(target.inForm, `the error summary after ${what} links to #${target.id}, a field of another form`);
    assert.equal(target.invalid, 'true', `#${target.id} is marked aria-invalid after ${what}`);
    assert.ok(target.describedBy.split(/\s+/).includes(`${target.id}-error`), `#${target.id} is described by its error after ${what}`);
  }
}

/** The row of the resident's inbox (table "Pisma z urzędu") whose letter title contains `title`. */
function inboxRow(page, title) {
  return region(page, t('inbox-title')).getByRole('row').filter({ hasText: title });
}

test('1. a new resident signs up and confirms the e-mail address from the outbox', { timeout: TEST_TIMEOUT_MS }, async () => {
  const page = await newNoScriptPage(browser);
  pages.set(RESIDENT.email, page);
  await page.goto('/signup');
  await field(page, t('field-email')).fill(RESIDENT.email);
  await field(page, t('field-display-name')).fill(RESIDENT.name);
  await field(page, t('field-password')).fill(RESIDENT.password);
  await field(page, t('field-password-confirm')).fill(RESIDENT.password);
  await button(page, t('signup-button')).click();
  await expectVisible(
    page,
    page.getByRole('heading', { level: 1, name: t('signup-done-title') }),
    `the heading "${t('signup-done-title')}" after "${t('signup-button')}"`,
  );

  // The administrator reads the verification link in the outbox (no SMTP in the demo).
  const admin = await newAppPage(browser);
  pages.set(DEMO_ADMIN.email, admin);
  await signInStaff(admin, ADMIN);
  const [mail] = await waitForMail(admin, RESIDENT.email, 'Potwierdź adres e-mail');
  await checkA11y(admin, 'poczta wychodząca z linkiem weryfikacyjnym');
  const link = mail.body.match(/\/verify-email\?token=([A-Za-z0-9_-]+)/);
  assert.ok(link, `the verification e-mail should hold a /verify-email?token= link; it says: ${mail.body}`);

  const response = await page.goto(`/verify-email?token=${link[1]}`);
  assert.equal(response.status(), 200, `the verification link should work; ${await describePage(page)}`);
  await expectVisible(
    page,
    page.getByRole('heading', { level: 1, name: t('verify-done-title') }),
    `the heading "${t('verify-done-title')}"`,
  );
  await checkPortalPage(page, 'adres e-mail potwierdzony');

  await signInResident(page, RESIDENT);
  await expectVisible(
    page,
    page.getByRole('navigation').getByRole('link', { name: t('nav-matters'), exact: true }),
    `the menu link "${t('nav-matters')}" for a signed-in resident`,
  );
  flow.signedIn = true;
});

test('2. the resident submits the tree-felling permit with an attachment and gets a receipt with its SHA-256', { timeout: TEST_TIMEOUT_MS }, async () => {
  needs('signedIn');
  const page = residentPage();

  // From the menu to the catalogue, the card and the form, as a person goes.
  await page.goto('/');
  await page.getByRole('navigation').getByRole('link', { name: t('nav-services'), exact: true }).click();
  await expectPath(page, '/services', `the catalogue from the menu "${t('nav-services')}"`);
  await page.getByRole('link', { name: TREE_FELLING.name, exact: true }).first().click();
  await expectPath(page, `/services/${TREE_FELLING.slug}`, `the card of "${TREE_FELLING.name}"`);
  await page.getByRole('link', { name: t('card-apply'), exact: true }).first().click();
  const applyPath = `/services/${TREE_FELLING.slug}/apply`;
  await expectPath(page, applyPath, `the form after "${t('card-apply')}"`);
  await checkPortalPage(page, 'formularz wniosku (wycinka drzew)');

  // Sent half-filled: every error is listed at the top and shown next to its field.
  const L = TREE_FELLING.labels;
  const fullName = field(page, fieldLabel(L.fullName, true));
  await fullName.fill(TREE_FELLING_ANSWERS.fullName);
  await button(page, t('apply-submit')).click();
  await page.waitForLoadState('load');
  const summary = page.getByRole('alert').filter({ hasText: t('form-has-errors') });
  await expectVisible(page, summary, 'the error summary after sending a half-filled form');
  for (const id of ['plot_number', 'site_plan', 'legal_title', 'title_statement', 'removal_date']) {
    await expectVisible(page, page.locator(`[id="${id}-error"]`), `the error #${id}-error next to the field`);
    await expectVisible(page, summary.locator(`a[href="#${id}"]`), `a link to #${id} in the error summary`);
  }
  assert.equal(
    await field(page, fieldLabel(L.plotNumber, true)).getAttribute('aria-invalid'),
    'true',
    'the empty plot number is marked invalid',
  );
  assert.equal(await fullName.inputValue(), TREE_FELLING_ANSWERS.fullName, 'what was typed is kept');
  await expectErrorsLinked(page, 'sending a half-filled form');
  await checkPortalPage(page, 'formularz wniosku z błędami');

  // Filled in full, with the site plan: sent and received at once.
  await fillTreeFelling(page, TREE_FELLING_ANSWERS, { sitePlan: SITE_PLAN });
  await button(page, t('apply-submit')).click();
  await expectPath(page, (p) => new RegExp(`^/matters/${UUID}$`).test(p), 'the matter page after "Wyślij wniosek"');
  await expectNotice(page, t('matter-submitted'), `"${t('apply-submit')}"`);
  flow.matterUrl = new URL(page.url()).pathname;

  // The receipt (UPO): number, code and the file with its size and SHA-256.
  const receipt = region(page, t('receipt-title'));
  await expectVisible(page, receipt, `the section "${t('receipt-title')}"`);
  flow.receiptNumber = await detail(page, t('receipt-number'), receipt);
  assert.match(flow.receiptNumber, new RegExp(`^UPO/${YEAR}/\\d{6}$`), 'the receipt number');
  flow.trackingCode = await detail(page, t('receipt-code'), receipt);
  assert.ok(flow.trackingCode.length >= 6, `a code to check the status: ${flow.trackingCode}`);
  const files = receipt.getByRole('table', { name: t('receipt-files'), exact: true });
  const fileRow = files.getByRole('row').filter({ has: page.getByRole('rowheader', { name: SITE_PLAN.name, exact: true }) });
  await expectVisible(page, fileRow, `the file ${SITE_PLAN.name} in "${t('receipt-files')}"`);
  const cells = (await fileRow.locator('td').allTextContents()).map(squash);
  assert.equal(cells[0], `${SITE_PLAN.buffer.length} B`, 'the receipt gives the size of the file');
  assert.equal(cells[1], sha256Hex(SITE_PLAN.buffer), 'the receipt gives the SHA-256 of the uploaded bytes');
  const pdf = await fetchFile(
    page,
    await receipt.getByRole('link', { name: t('receipt-pdf'), exact: true }).getAttribute('href'),
    'application/pdf',
    'the receipt PDF',
  );
  assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-', 'the receipt is a PDF');

  // The case is opened at once in GK with the class of the service.
  flow.sign = await detail(page, t('matters-col-sign'));
  assert.match(flow.sign, new RegExp(`^GK\\.${TREE_FELLING.caseClass}\\.\\d+\\.${YEAR}$`), `the case sign; ${await describePage(page)}`);
  const history = await page.locator('ol.history li').allTextContents();
  assert.ok(history.some((h) => h.includes(t('matter-event-received'))), `the history says "${t('matter-event-received')}": ${history.join(' | ')}`);
  await checkPortalPage(page, 'sprawa po złożeniu wniosku (UPO)');

  // "Moje sprawy" lists it.
  await page.getByRole('navigation').getByRole('link', { name: t('nav-matters'), exact: true }).click();
  await expectPath(page, '/matters', `"${t('matters-title')}" from the menu`);
  const row = page.getByRole('row').filter({ has: page.locator(`a[href="${flow.matterUrl}"]`) });
  await expectVisible(page, row, `the matter ${flow.matterUrl} in "${t('matters-title')}"`);
  assert.ok((await row.textContent()).includes(flow.sign), 'the list gives the case sign');
  assert.ok((await row.textContent()).includes(flow.receiptNumber), 'the list gives the receipt number');
  await checkPortalPage(page, 'moje sprawy');

  // The receipt went by e-mail too.
  const admin = pages.get(DEMO_ADMIN.email);
  const mails = await waitForMail(admin, RESIDENT.email, 'UPO/');
  assert.equal(mails.length, 1, 'one receipt e-mail');
  assert.ok(mails[0].subject.includes(flow.receiptNumber) || mails[0].body.includes(flow.receiptNumber), 'the e-mail names the receipt number');
});

test('3. anyone can check the status with the receipt number and code, without an account', { timeout: TEST_TIMEOUT_MS }, async () => {
  needs('receiptNumber', 'trackingCode', 'sign');
  const page = await newNoScriptPage(browser);
  try {
    await page.goto('/status');
    await field(page, requiredLabel('status-reference')).fill(flow.receiptNumber);
    await field(page, requiredLabel('status-code')).fill(flow.trackingCode);
    await button(page, t('status-check')).click();
    const result = page.getByRole('status').filter({ has: page.getByRole('heading', { name: t('status-result') }) });
    await expectVisible(page, result, `the section "${t('status-result')}"`);
    assert.ok((await result.textContent()).includes(flow.sign), 'the status names the case sign');
    await checkPortalPage(page, 'stan sprawy bez logowania: wynik');
  } finally {
    await page.context().close();
  }
});

test('4. the clerk finds the case by its sign and asks for the missing document through the portal', { timeout: TEST_TIMEOUT_MS }, async () => {
  needs('sign', 'receiptNumber');
  const page = await staffPage(DEMO_GK_CLERK);

  // The panel's search finds the case by its sign (the index follows in the background).
  const hit = await waitUntil(async () => {
    await page.goto('/panel');
    await page.getByRole('link', { name: t('nav-search'), exact: true }).click();
    const form = page.getByRole('search', { name: t('search-title'), exact: true });
    await field(form, t('search-label')).fill(flow.sign);
    await button(form, t('search-button')).click();
    await expectPath(page, '/panel/search', `the results of "${flow.sign}"`);
    const link = page.locator('ol.hits a[href^="/panel/cases/"]').filter({ hasText: flow.sign });
    return (await link.count()) > 0 ? link.first() : null;
  }, async () => `the case ${flow.sign} in the panel's search; ${await describePage(page)}`);
  await hit.click();
  await expectPath(page, (p) => new RegExp(`^/panel/cases/${UUID}$`).test(p), `the case ${flow.sign} from the search`);
  flow.caseUrl = new URL(page.url()).pathname;
  assert.equal(squash(await page.locator('h1 .sign').textContent()), flow.sign);
  const portal = region(page, t('case-portal-title', { receipt: flow.receiptNumber }));
  await expectVisible(page, portal, `the section "${t('case-portal-title', { receipt: flow.receiptNumber })}"`);
  await checkA11y(page, 'sprawa z sekcją portalu');

  // The request to remedy deficiencies (KPA art. 64 § 2): a draft for approval.
  await page.locator('summary').filter({ hasText: t('case-deficiency') }).click();
  const form = formNamed(page, t('case-deficiency'));
  await field(form, requiredLabel('field-days')).fill('7');
  await field(form, t('field-deficiencies')).fill(DEFICIENCIES);
  await button(form, t('case-deficiency-button')).click();
  await expectPath(page, (p) => new RegExp(`^/panel/documents/${UUID}$`).test(p), 'the draft of the request');
  flow.noticeUrl = new URL(page.url()).pathname;
  await checkA11y(page, 'projekt wezwania do usunięcia braków');

  await approveAndSendThroughPortal(flow.noticeUrl, 'the request to remedy deficiencies');
});

test('5. the resident is told in the portal and by e-mail, reads the request and answers it in place', { timeout: TEST_TIMEOUT_MS }, async () => {
  needs('matterUrl', 'sign', 'noticeUrl');
  const page = residentPage();

  const deficiencyNotice = t('notice-deficiency', { sign: flow.sign });
  await waitForNotice(page, deficiencyNotice);
  await checkPortalPage(page, 'powiadomienia');
  const admin = pages.get(DEMO_ADMIN.email);
  const mails = await waitForMail(admin, RESIDENT.email, `Wezwanie do uzupełnienia braków — sprawa ${flow.sign}`);
  assert.equal(mails.length, 1, 'one e-mail about the request');

  // The notice leads to the matter: the request with its answer form, and the inbox.
  await page.getByRole('link', { name: deficiencyNotice, exact: true }).first().click();
  await expectPath(page, flow.matterUrl, 'the matter page from the notice');
  const deficiency = region(page, t('deficiency-title'));
  await expectVisible(page, deficiency, `the section "${t('deficiency-title')}"`);
  assert.ok((await deficiency.textContent()).includes(t('deficiency-term')), 'before it is opened the term is explained');
  await expectVisible(page, region(page, t('inbox-title')), `the section "${t('inbox-title')}"`);
  await checkPortalPage(page, 'sprawa: wezwanie do uzupełnienia i skrzynka pism');

  // Opening the letter is its delivery; the term to answer runs from then.
  const letter = deficiency.locator(`a[href^="${flow.matterUrl}/deliveries/"]`);
  await expectVisible(page, letter, 'the link to the request in its section');
  const letterPdf = await fetchFile(page, await letter.first().getAttribute('href'), 'application/pdf', 'the request');
  assert.equal(letterPdf.subarray(0, 5).toString('latin1'), '%PDF-', 'the request is a PDF');
  await page.reload();
  const replyBy = t('deficiency-by', { date: '\u0000' }).split('\u0000')[0];
  const term = squash(await region(page, t('deficiency-title')).textContent());
  assert.ok(term.includes(replyBy), `after opening, the request gives the date to answer by ("${replyBy}…"): ${term}`);
  const openedState = t('inbox-opened', { when: '' }).trim();
  const row = region(page, t('inbox-title')).locator('tbody tr').first();
  assert.ok(squash(await row.textContent()).includes(openedState), `the inbox says "${openedState} …": ${squash(await row.textContent())}`);

  // An empty message is refused next to its field.
  const thread = region(page, t('messages-title'));
  await button(thread, t('messages-send')).click();
  await page.waitForLoadState('load');
  await expectErrorsLinked(page, `an empty "${t('messages-send')}"`);
  await checkPortalPage(page, 'sprawa: pusta wiadomość odrzucona');

  // An empty answer is refused next to the answer's own fields.
  await button(region(page, t('deficiency-title')), t('deficiency-send')).click();
  await page.waitForLoadState('load');
  await expectErrorsLinked(page, `an empty "${t('deficiency-send')}"`, region(page, t('deficiency-title')));
  await checkPortalPage(page, 'sprawa: puste uzupełnienie odrzucone');

  // The answer with the missing document.
  const answer = region(page, t('deficiency-title'));
  await field(answer, t('deficiency-answer')).fill(ANSWER);
  await field(answer, t('deficiency-files')).setInputFiles(CONSENT);
  await button(answer, t('deficiency-send')).click();
  await expectPath(page, flow.matterUrl, 'the matter page after sending the answer');
  await expectNotice(page, t('messages-sent'), `"${t('deficiency-send')}"`);
  assert.equal(await region(page, t('deficiency-title')).count(), 0, 'an answered request asks no more');
  const mine = region(page, t('messages-title')).getByRole('listitem').filter({ hasText: ANSWER });
  await expectVisible(page, mine, `the answer in "${t('messages-title')}"`);
  assert.ok((await mine.first().textContent()).includes(t('messages-supplement')), 'the answer is marked as the supplement');
  const file = await fetchFile(
    page,
    await mine.getByRole('link', { name: CONSENT.name, exact: true }).getAttribute('href'),
    'application/pdf',
    'the consent sent with the answer',
  );
  assert.deepEqual(file, CONSENT.buffer, 'the file in the thread is the one sent');
  await checkPortalPage(page, 'sprawa: wątek wiadomości po uzupełnieniu');
});

test('6. the clerk reads the answer, writes back, resumes, sends the decision through the portal and closes the case', { timeout: TEST_TIMEOUT_MS }, async () => {
  needs('caseUrl', 'receiptNumber');
  const page = await staffPage(DEMO_GK_CLERK);
  await page.goto(flow.caseUrl);
  const portal = region(page, t('case-portal-title', { receipt: flow.receiptNumber }));
  const answer = portal.getByRole('listitem').filter({ hasText: ANSWER });
  await expectVisible(page, answer, 'the resident\'s answer in the case\'s portal section');
  await expectVisible(page, answer.getByRole('link', { name: CONSENT.name, exact: true }), `the file ${CONSENT.name} with the answer`);
  const log = await page.getByRole('table', { name: t('case-log'), exact: true }).locator('tbody tr td:nth-child(4)').allTextContents();
  for (const id of ['log-item-joined']) {
    assert.ok(log.includes(t(id)), `the case log lists "${t(id)}": ${log.join(' | ')}`);
  }

  // An empty message is refused next to its field; then a message to the resident.
  await button(portal, t('case-portal-send')).click();
  await page.waitForLoadState('load');
  await expectErrorsLinked(page, `an empty "${t('case-portal-send')}"`);
  await checkA11y(page, 'sprawa: pusta wiadomość do wnioskodawcy odrzucona');
  await field(region(page, t('case-portal-title', { receipt: flow.receiptNumber })), t('case-portal-new')).fill(OFFICE_MESSAGE);
  await button(region(page, t('case-portal-title', { receipt: flow.receiptNumber })), t('case-portal-send')).click();
  await expectNotice(page, t('case-done-portal-message'), `"${t('case-portal-send')}"`);
  await expectVisible(
    page,
    region(page, t('case-portal-title', { receipt: flow.receiptNumber })).getByRole('listitem').filter({ hasText: OFFICE_MESSAGE }),
    'the office\'s message in the portal section',
  );
  await checkA11y(page, 'sprawa: sekcja portalu z wątkiem');

  // The term runs again from today.
  const resume = formNamed(page, t('case-resume'));
  await expectVisible(page, resume, `the form "${t('case-resume')}" of the paused case`);
  await button(resume, t('case-resume')).click();
  await expectNotice(page, t('case-done-resume'), `"${t('case-resume')}"`);

  // The decision from the demo template, approved and sent through the portal.
  const draft = formNamed(page, t('case-new-draft'));
  await field(draft, t('field-template')).selectOption({ label: TREE_FELLING.decisionTemplate });
  await button(draft, t('case-new-draft-button')).click();
  await expectPath(page, (p) => new RegExp(`^/panel/documents/${UUID}$`).test(p), 'the draft decision');
  flow.decisionUrl = new URL(page.url()).pathname;
  flow.decisionTitle = squash(await page.getByRole('heading', { level: 1 }).textContent());
  assert.ok(flow.decisionTitle.startsWith(TREE_FELLING.decisionTitle), `the decision's title: ${flow.decisionTitle}`);
  await approveAndSendThroughPortal(flow.decisionUrl, 'the decision');

  await page.goto(flow.caseUrl);
  const close = formNamed(page, t('case-close'));
  await field(close, t('field-final-document')).selectOption({ label: flow.decisionTitle });
  await button(close, t('case-close-button')).click();
  await expectNotice(page, t('case-done-close'), `"${t('case-close-button')}"`);
  await checkA11y(page, 'sprawa zakończona z sekcją portalu');
});

test('7. the resident receives the decision and the notices, each once, and answers the survey', { timeout: TEST_TIMEOUT_MS }, async () => {
  needs('matterUrl', 'sign', 'decisionTitle');
  const page = residentPage();
  const sign = flow.sign;

  // In the portal: the message, the letter waiting, the closing and the survey.
  await waitForNotice(page, t('notice-survey', { sign }));
  const notices = (await page.locator('ul.notices li').allTextContents()).map(squash);
  for (const expected of [
    t('notice-message', { sign }),
    t('notice-delivery', { sign, title: flow.decisionTitle }),
    t('notice-deficiency', { sign }),
    t('notice-survey', { sign }),
  ]) {
    assert.equal(
      notices.filter((n) => n.includes(expected)).length,
      1,
      `the notice "${expected}" once on /notifications; there are: ${notices.join(' | ')}`,
    );
  }
  await checkPortalPage(page, 'powiadomienia po decyzji');

  // By e-mail, each event once.
  const admin = pages.get(DEMO_ADMIN.email);
  for (const subject of [
    `Nowa wiadomość z urzędu — sprawa ${sign}`,
    `Czeka na Ciebie pismo urzędu — sprawa ${sign}`,
    `Sprawa ${sign}: sprawa została zakończona`,
    `Jak oceniasz załatwienie sprawy ${sign}?`,
  ]) {
    await waitForMail(admin, RESIDENT.email, subject);
  }
  const all = await outboxMails(admin, RESIDENT.email);
  for (const subject of ['Wezwanie do uzupełnienia braków', 'Nowa wiadomość z urzędu', 'Czeka na Ciebie pismo urzędu', 'Jak oceniasz']) {
    const n = all.filter((m) => m.subject.includes(subject)).length;
    assert.equal(n, 1, `one e-mail "${subject}…" to the resident, found ${n}: ${all.map((m) => m.subject).join(' | ')}`);
  }
  const survey = all.find((m) => m.subject.includes('Jak oceniasz'));
  assert.ok(survey.body.includes(`${flow.matterUrl}/survey`), 'the survey e-mail links to the survey');

  // The matter: the decision in the inbox, the office's message, the survey callout.
  await page.goto(flow.matterUrl);
  const decisionRow = inboxRow(page, flow.decisionTitle);
  await expectVisible(page, decisionRow, `the decision "${flow.decisionTitle}" in "${t('inbox-title')}"`);
  const waiting = t('inbox-waiting', { when: '' }).split(';')[0];
  assert.ok(squash(await decisionRow.textContent()).includes(waiting), `the decision waits to be received: ${squash(await decisionRow.textContent())}`);
  await expectVisible(page, region(page, t('messages-title')).getByRole('listitem').filter({ hasText: OFFICE_MESSAGE }), 'the office\'s message in the thread');
  assert.equal(await detail(page, t('matters-col-status')), t('matter-status-closed'));
  await expectVisible(page, region(page, t('survey-title')), `the section "${t('survey-title')}"`);
  await checkPortalPage(page, 'sprawa załatwiona: decyzja w skrzynce i ankieta');
  const decision = await fetchFile(
    page,
    await decisionRow.getByRole('link').first().getAttribute('href'),
    'application/pdf',
    'the decision',
  );
  assert.equal(decision.subarray(0, 5).toString('latin1'), '%PDF-', 'the decision is a PDF');
  await page.reload();
  const opened = t('inbox-opened', { when: '' }).trim();
  assert.ok(squash(await inboxRow(page, flow.decisionTitle).textContent()).includes(opened), 'opening the decision is its delivery');

  // The survey: without a choice it asks again, next to the field.
  await region(page, t('survey-title')).getByRole('link', { name: t('survey-go'), exact: true }).click();
  await expectPath(page, `${flow.matterUrl}/survey`, `the survey after "${t('survey-go')}"`);
  await checkPortalPage(page, 'ankieta');
  await button(page, t('survey-send')).click();
  await page.waitForLoadState('load');
  await expectVisible(page, page.getByRole('alert').filter({ hasText: t('form-has-errors') }), 'the error summary of the survey');
  await expectVisible(page, page.locator('#rating-error'), 'the error #rating-error next to the rating');
  await checkPortalPage(page, 'ankieta z błędem');
  const scale = group(page, t('survey-legend', { sign }));
  await scale.getByRole('radio', { name: t('survey-rating-5'), exact: true }).check();
  await field(page, t('survey-comment')).fill(COMMENT);
  await button(page, t('survey-send')).click();
  await expectPath(page, flow.matterUrl, 'the matter after sending the survey');
  await expectNotice(page, t('survey-thanks'), `"${t('survey-send')}"`);
  await expectVisible(page, page.getByText(t('survey-your-rating', { rating: 5 }), { exact: true }), 'the rating given');
  assert.equal(await region(page, t('survey-title')).count(), 0, 'one answer per matter');
  await checkPortalPage(page, 'sprawa po ocenie');

  // Another resident sees none of it.
  const other = await newNoScriptPage(browser);
  try {
    await signInResident(other, DEMO_RESIDENT);
    const response = await other.goto(flow.matterUrl);
    assert.equal(response.status(), 404, `another resident must not open ${flow.matterUrl}`);
  } finally {
    await other.context().close();
  }
});

test('8. the resident chooses which e-mails to get', { timeout: TEST_TIMEOUT_MS }, async () => {
  needs('signedIn');
  const page = residentPage();
  await page.goto('/notifications');
  await page.getByRole('link', { name: t('notices-settings'), exact: true }).click();
  await expectPath(page, '/account/notifications', `the preferences after "${t('notices-settings')}"`);
  await checkPortalPage(page, 'ustawienia powiadomień e-mail');
  const prefs = group(page, t('prefs-legend'));
  const messages = field(prefs, t('prefs-messages'));
  assert.ok(await messages.isChecked(), 'e-mails about messages are on by default');
  await messages.uncheck();
  await button(page, t('prefs-save')).click();
  await expectNotice(page, t('prefs-saved'), `"${t('prefs-save')}"`);
  assert.equal(await field(group(page, t('prefs-legend')), t('prefs-messages')).isChecked(), false, 'the choice is kept');
  assert.ok(await field(group(page, t('prefs-legend')), t('prefs-status')).isChecked(), 'the other choices stay');
  await checkPortalPage(page, 'ustawienia powiadomień po zapisie');
});

test('9. the matter, the survey and the notifications read the same in English', { timeout: TEST_TIMEOUT_MS }, async () => {
  needs('matterUrl', 'receiptNumber', 'sign');
  const page = residentPage();
  try {
    await page.goto(`/lang/en?back=${encodeURIComponent(flow.matterUrl)}`);
    await expectPath(page, flow.matterUrl, 'the matter page again after switching to English');
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
    assert.equal(squash(await page.getByRole('heading', { level: 1 }).textContent()), `${en('matter-title')} ${flow.receiptNumber}`);
    await expectVisible(page, region(page, en('receipt-title')), `the section "${en('receipt-title')}"`);
    await expectVisible(page, region(page, en('inbox-title')), `the section "${en('inbox-title')}"`);
    assert.equal(await detail(page, en('matters-col-status')), en('matter-status-closed'));
    await checkPortalPage(page, 'matter page in English');

    await page.goto(`${flow.matterUrl}/survey`);
    await expectVisible(page, page.getByText(en('survey-your-rating', { rating: 5 }), { exact: true }), 'the rating given, in English');
    await checkPortalPage(page, 'survey page in English');

    await page.goto('/notifications');
    await expectVisible(page, page.getByRole('link', { name: en('notice-survey', { sign: flow.sign }), exact: true }), 'the survey notice in English');
    await checkPortalPage(page, 'notifications in English');
  } finally {
    await page.goto('/lang/pl?back=/');
  }
});
