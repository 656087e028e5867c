// The registry and case handling (EZD) end to end, as the office works it, in
// browsers that run no JavaScript: the registry office registers a paper
// letter with a scan and assigns it to GK, the GK clerk opens a case from it
// and drafts a reply, the GK manager approves it, the clerk dispatches it by
// post and closes the case; the case log lists every step and search finds the
// case by inflected and unaccented words. Every page on the way passes axe.
//
// Labels come from the application's messages (lib/texts.mjs: t('nav-work') is
// "Moja praca"), so the test follows a change of wording but fails when a
// message or a field disappears.
//
// The steps are separate tests that run in order and share the pages of the
// three people (each signed in once in its own browser context). The letter's
// title carries a random tag, so a re-run against the same server finds its
// own letter, case and document among those of earlier runs.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  baseUrl,
  checkA11y,
  describePage,
  expectPath,
  expectVisible,
  launchBrowser,
  newNoScriptPage,
  randomFrom,
  scriptsRun,
  TEST_TIMEOUT_MS,
} from '../lib/browser.mjs';
import { signInStaff } from '../lib/auth.mjs';
import { DEMO_GK_CLERK, DEMO_GK_MANAGER, DEMO_REGISTRAR } from '../lib/demo.mjs';
import { en, requiredLabel, t } from '../lib/texts.mjs';

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const TAG = randomFrom('ABCDEFGHJKLMNPQRSTUVWXYZ', 6);
const YEAR = new Intl.DateTimeFormat('en', { timeZone: 'Europe/Warsaw', year: 'numeric' }).format(new Date());
// The distinctive words: searched later as "Kwiatowej" (inflected), "zajecie" (no Polish letters).
const TITLE = `Wniosek o zajęcie pasa drogowego przy ulicy Kwiatowa (${TAG})`;
const SENDER = { name: 'Tomasz Przykładowy', address: 'ul. Kwiatowa 7\n12-345 Przykładowo' };
const REPLY = `Uprzejmie informuję, że zajęcie pasa drogowego przy ulicy Kwiatowej jest możliwe (${TAG}).`;
// From the demo data (crates/app/src/demo.rs and the demo JRWA).
const TEMPLATE = 'Odpowiedź na pismo';
const TEMPLATE_TITLE = 'Odpowiedź na pismo w sprawie: ';
const TEMPLATE_GAP = '[Tu wpisz treść odpowiedzi.]';
const CLASS = '7203'; // Zajęcie pasa drogowego (B5)

/** A 1×1 PNG: the "scan" of the paper letter. */
const SCAN = {
  name: `skan-wniosku-${TAG}.png`,
  mimeType: 'image/png',
  buffer: Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
    'base64',
  ),
};

/** The case log entries, in order, that the flow must leave. */
const EXPECTED_LOG_IDS = [
  'log-case-opened',
  'log-item-joined',
  'log-draft-created',
  'log-draft-edited',
  'log-draft-submitted',
  'log-draft-approved',
  'log-document-dispatched',
  'log-case-closed',
];
const EXPECTED_LOG = EXPECTED_LOG_IDS.map((id) => t(id));

let browser;
const people = new Map(); // account e-mail → its signed-in page
// What the steps find out and hand on.
const flow = {};

before(async () => {
  baseUrl();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

/** The page of `account`, signed in on first use, in a context without JavaScript. */
async function pageOf(account) {
  let page = people.get(account.email);
  if (!page) {
    page = await newNoScriptPage(browser);
    await page.goto('/login');
    assert.equal(await scriptsRun(page), false, 'the registry tests must run with JavaScript switched off');
    await signInStaff(page, account);
    people.set(account.email, page);
  }
  return page;
}

/** Fails at once when an earlier step did not hand on `keys`. */
function needs(...keys) {
  const missing = keys.filter((k) => flow[k] === undefined);
  if (missing.length > 0) {
    assert.fail(`an earlier step failed: ${missing.join(', ')} not known`);
  }
}

const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** A form found by its accessible name (aria-label or the heading it is labelled by). */
const formNamed = (page, name) => page.getByRole('form', { name, exact: true });

/** A field found by its label, exactly. */
const field = (scope, label) => scope.getByLabel(label, { exact: true });

/** A button found by its name, exactly. */
const button = (scope, name) => scope.getByRole('button', { name, exact: true });

/** Selects the first option of `select` whose text satisfies `accept`; returns its text. */
async function selectOptionWhere(page, select, accept, what) {
  await expectVisible(page, select, what);
  const options = await select
    .locator('option')
    .evaluateAll((els) => els.map((o) => ({ value: o.value, text: o.textContent.trim() })));
  const matching = options.filter((o) => accept(o.text));
  assert.ok(
    matching.length >= 1,
    `no option for ${what}; options: ${options.map((o) => JSON.stringify(o.text)).join(', ')}`,
  );
  await select.selectOption(matching[0].value);
  return matching[0].text;
}

/** Waits for the status message (role="status") saying `message`. */
async function expectNotice(page, message, afterWhat) {
  await expectVisible(
    page,
    page.getByRole('status').filter({ hasText: message }),
    `the message "${message}" after ${afterWhat}`,
  );
}

/** The text of the <dd> that follows the <dt> saying exactly `term`. */
async function detail(page, term) {
  const dd = page.locator(`dl.meta dt:text-is("${term}") + dd`);
  await expectVisible(page, dd, `the detail "${term}"`);
  return (await dd.first().textContent()).trim();
}

/** The texts of the action column of the case log table named `name`, in order. */
async function caseLog(page, name = t('case-log')) {
  const table = page.getByRole('table', { name, exact: true });
  await expectVisible(page, table, `the case log table "${name}"`);
  return table.locator('tbody tr td:nth-child(4)').allTextContents();
}

/** The state line of the deadline section, whitespace collapsed. */
async function deadlineSection(page) {
  const section = page.getByRole('region', { name: t('case-deadline'), exact: true });
  await expectVisible(page, section, `the deadline section "${t('case-deadline')}"`);
  return (await section.textContent()).replace(/\s+/g, ' ');
}

/** Fetches `href` with the page's cookies; checks the status and media type; returns the bytes. */
async function fetchFile(page, href, mediaType, what) {
  const response = await page.request.get(href);
  assert.equal(response.status(), 200, `${what} (${href}) should download`);
  const type = response.headers()['content-type'] ?? '';
  assert.ok(type.startsWith(mediaType), `${what} (${href}) should be ${mediaType}, got ${type}`);
  return Buffer.from(await response.body());
}

/** Opens "Moja praca"; returns the row of our letter's title whose kind is `kind`. */
async function myWorkRow(page, kind, who) {
  await page.goto('/panel/work');
  await checkA11y(page, `moja praca (${who})`);
  const row = page
    .getByRole('row')
    .filter({ hasText: TITLE })
    .filter({ has: page.getByRole('cell', { name: kind, exact: true }) });
  await expectVisible(page, row, `a row "${kind}" for "${TITLE}" in "${t('work-title')}" of ${who}`);
  return row.first();
}

test('1. the registry office registers a paper letter with a scan and assigns it to GK', { timeout: TEST_TIMEOUT_MS }, async () => {
  const page = await pageOf(DEMO_REGISTRAR);

  await page.goto('/panel');
  await page.getByRole('link', { name: t('nav-incoming'), exact: true }).click();
  await expectPath(page, '/panel/incoming', `the incoming register from the menu "${t('nav-incoming')}"`);
  await page.getByRole('link', { name: t('incoming-new-title'), exact: true }).click();
  await expectPath(page, '/panel/incoming/new', `the registration form after "${t('incoming-new-title')}"`);
  await checkA11y(page, 'rejestracja przesyłki');

  const form = formNamed(page, t('incoming-new-title'));
  await field(form, t('field-channel')).selectOption({ label: t('channel-paper') });
  await field(form, t('field-item-kind')).selectOption({ label: t('item-kind-letter') });
  await field(form, requiredLabel('field-title')).fill(TITLE);
  await field(form, requiredLabel('field-sender-name')).fill(SENDER.name);
  await field(form, t('field-sender-address')).fill(SENDER.address);
  await field(form, t('field-attachments-count')).fill('1');
  assert.ok(
    await field(form, t('field-paper-original')).isChecked(),
    'a paper letter goes to the paper store by default',
  );
  await field(form, t('field-files')).setInputFiles(SCAN);
  await button(form, t('incoming-register-button')).click();

  await expectPath(page, (p) => new RegExp(`^/panel/incoming/${UUID}$`).test(p), 'the new item page after registering');
  await expectNotice(page, t('item-registered'), 'registering');
  const heading = (await page.getByRole('heading', { level: 1 }).textContent()).trim();
  const ref = heading.match(new RegExp(`RPW/${YEAR}/\\d{6}`))?.[0];
  assert.ok(ref, `the item page's heading should give an RPW/${YEAR}/NNNNNN number; ${await describePage(page)}`);
  assert.equal(await detail(page, t('field-title')), TITLE);
  assert.equal(await detail(page, t('field-sender-name')), SENDER.name);
  assert.match(await detail(page, t('col-paper-store')), /^\d+$/, 'a paper-store number');
  flow.itemUrl = new URL(page.url()).pathname;
  flow.itemRef = ref;

  // The scan is listed and downloads byte for byte.
  const scanLink = page.getByRole('link', { name: SCAN.name, exact: true });
  await expectVisible(page, scanLink, `the scan "${SCAN.name}" under "${t('item-files')}"`);
  const scan = await fetchFile(page, await scanLink.getAttribute('href'), 'image/png', 'the scan');
  assert.deepEqual(scan, SCAN.buffer, 'the downloaded scan is the uploaded file');
  await checkA11y(page, 'przesyłka po rejestracji');

  // Dekretacja: GK, the GK clerk, to be handled.
  const assign = formNamed(page, t('item-assign'));
  await selectOptionWhere(page, field(assign, t('field-unit')), (o) => o.startsWith('GK '), 'the unit GK');
  await selectOptionWhere(
    page,
    field(assign, t('field-handler')),
    (o) => o.startsWith(DEMO_GK_CLERK.name) && o.endsWith('GK'),
    `the handler ${DEMO_GK_CLERK.name} (GK)`,
  );
  await field(assign, t('field-manner')).selectOption({ label: t('manner-handle') });
  await button(assign, t('item-assign-button')).click();
  await expectNotice(page, t('item-assigned'), `"${t('item-assign-button')}"`);
  const current = page
    .getByRole('table', { name: t('item-assignments'), exact: true })
    .getByRole('row')
    .filter({ hasText: DEMO_GK_CLERK.name });
  await expectVisible(page, current, `the assignment to ${DEMO_GK_CLERK.name} in "${t('item-assignments')}"`);
  await checkA11y(page, 'przesyłka po dekretacji');

  // The register lists it, found by the filter.
  await page.goto('/panel/incoming');
  const filters = formNamed(page, t('filters'));
  await field(filters, t('filter-text')).fill(TAG);
  await button(filters, t('filter-apply')).click();
  await expectVisible(page, page.getByRole('link', { name: ref, exact: true }), `${ref} in the filtered register`);
  const row = page.getByRole('row').filter({ hasText: ref });
  assert.match(await row.textContent(), new RegExp(escapeRe(t('item-state-assigned'))), 'the register shows the item as assigned');
  await checkA11y(page, 'rejestr wpływów (filtr)');

  // The intake robot's queue (it reads every registered item) passes axe too.
  await page.goto('/panel/intake');
  await expectPath(page, '/panel/intake', 'the intake queue');
  await checkA11y(page, 'kolejka wpływu');
});

test('2. the GK clerk opens a case from the letter, drafts a reply and sends it for approval', { timeout: TEST_TIMEOUT_MS }, async () => {
  needs('itemRef', 'itemUrl');
  const page = await pageOf(DEMO_GK_CLERK);

  const itemRow = await myWorkRow(page, t('work-kind-item'), DEMO_GK_CLERK.name);
  await itemRow.getByRole('link', { name: flow.itemRef, exact: true }).click();
  await expectPath(page, flow.itemUrl, `the item ${flow.itemRef} from "${t('work-title')}"`);
  await checkA11y(page, 'przesyłka u prowadzącego');

  const open = formNamed(page, t('item-open-case'));
  const klass = await selectOptionWhere(
    page,
    field(open, t('field-class')),
    (o) => o.startsWith(`${CLASS} `),
    `the JRWA class ${CLASS} (zajęcie pasa drogowego)`,
  );
  assert.match(klass, /pasa drogowego/i, `class ${CLASS} should be the road-lane class, got ${klass}`);
  await field(open, t('field-procedure')).selectOption({ label: t('procedure-administrative') });
  await button(open, t('case-open-button')).click();

  await expectPath(page, (p) => new RegExp(`^/panel/cases/${UUID}$`).test(p), 'the case page after opening the case');
  await expectNotice(page, t('case-opened'), 'opening the case');
  const sign = (await page.locator('h1 .sign').textContent()).trim();
  assert.match(sign, new RegExp(`^GK\\.${CLASS}\\.\\d+\\.${YEAR}$`), `the case sign; ${await describePage(page)}`);
  flow.sign = sign;
  flow.caseUrl = new URL(page.url()).pathname;
  flow.caseId = flow.caseUrl.split('/').pop();

  const deadline = await deadlineSection(page);
  assert.ok(
    deadline.includes(`${t('col-state')}: ${t('case-status-open')}`),
    `the new case is open; the deadline section says: ${deadline}`,
  );
  assert.match(deadline, new RegExp(`${escapeRe(t('col-due'))}: \\d`), `the section gives the due date; it says: ${deadline}`);
  assert.match(await detail(page, t('case-item')), new RegExp(escapeRe(flow.itemRef)));
  assert.match(await detail(page, t('field-handler')), new RegExp(DEMO_GK_CLERK.name));
  assert.deepEqual((await caseLog(page)).slice(0, 2), EXPECTED_LOG.slice(0, 2), 'the log of a new case');
  await checkA11y(page, 'nowa sprawa');

  // "Moja praca" now holds the case instead of the letter.
  const caseRow = await myWorkRow(page, t('work-kind-case'), DEMO_GK_CLERK.name);
  assert.equal(
    await page.getByRole('link', { name: flow.itemRef, exact: true }).count(),
    0,
    `the letter ${flow.itemRef}, now in a case, should leave "${t('work-title')}"`,
  );
  await caseRow.getByRole('link', { name: sign, exact: true }).click();
  await expectPath(page, flow.caseUrl, `the case ${sign} from "${t('work-title')}"`);

  // A draft from the template "Odpowiedź na pismo".
  const draft = formNamed(page, t('case-new-draft'));
  await field(draft, t('field-template')).selectOption({ label: TEMPLATE });
  await button(draft, t('case-new-draft-button')).click();
  await expectPath(page, (p) => new RegExp(`^/panel/documents/${UUID}$`).test(p), 'the draft page after creating the draft');
  flow.docUrl = new URL(page.url()).pathname;
  flow.docTitle = (await page.getByRole('heading', { level: 1 }).textContent()).trim();
  assert.ok(flow.docTitle.startsWith(TEMPLATE_TITLE), `the draft is titled from the template: ${flow.docTitle}`);
  assert.equal(await detail(page, t('col-state')), t('doc-status-draft'));
  const preview = page.getByRole('link', { name: t('document-preview'), exact: true });
  const pdf = await fetchFile(page, await preview.getAttribute('href'), 'application/pdf', 'the letter preview');
  assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-', 'the preview is a PDF');
  await checkA11y(page, 'projekt pisma');

  // A new version with the reply written in.
  const edit = formNamed(page, t('document-edit'));
  const body = field(edit, t('field-body'));
  const text = await body.inputValue();
  assert.match(text, /Wniosek o zajęcie pasa drogowego/, 'the template filled in the case title');
  assert.ok(text.includes(TEMPLATE_GAP), 'the template leaves a place for the reply');
  await body.fill(text.replace(TEMPLATE_GAP, REPLY));
  await button(edit, t('document-save')).click();
  await expectNotice(page, t('document-done-edit'), `"${t('document-save')}"`);
  assert.ok(
    (await field(formNamed(page, t('document-edit')), t('field-body')).inputValue()).includes(REPLY),
    'the saved version holds the reply',
  );
  const versions = page.getByRole('table', { name: t('document-versions'), exact: true }).locator('tbody tr');
  assert.equal(await versions.count(), 2, 'two versions after one edit');
  await checkA11y(page, 'projekt pisma po poprawce');

  // To the manager for approval.
  const submit = formNamed(page, t('document-submit'));
  await selectOptionWhere(
    page,
    field(submit, t('field-approver-1')),
    (o) => o.includes(DEMO_GK_MANAGER.name),
    `the approver ${DEMO_GK_MANAGER.name}`,
  );
  await button(submit, t('document-submit-button')).click();
  await expectNotice(page, t('document-done-submit'), `"${t('document-submit-button')}"`);
  assert.equal(await detail(page, t('col-state')), t('doc-status-pending_approval'));
  const step = page
    .getByRole('table', { name: t('document-approval'), exact: true })
    .getByRole('row')
    .filter({ hasText: DEMO_GK_MANAGER.name });
  await expectVisible(page, step, `${DEMO_GK_MANAGER.name} on the approval path`);
  assert.match(await step.first().textContent(), new RegExp(escapeRe(t('step-pending'))));
  assert.equal(await formNamed(page, t('document-edit')).count(), 0, 'a draft in approval can no longer be edited');
  await checkA11y(page, 'projekt w akceptacji');
});

test('3. the GK manager finds the draft in "Moja praca" and approves it', { timeout: TEST_TIMEOUT_MS }, async () => {
  needs('sign', 'docUrl');
  const page = await pageOf(DEMO_GK_MANAGER);

  await page.goto('/panel');
  await page.getByRole('link', { name: t('nav-work'), exact: true }).click();
  await expectPath(page, '/panel/work', `"${t('work-title')}" from the menu`);
  await checkA11y(page, `moja praca (${DEMO_GK_MANAGER.name})`);
  const link = page.locator(`a[href="${flow.docUrl}"]`);
  await expectVisible(page, link, `a link to the draft ${flow.docUrl} in "${t('work-title')}" of the manager`);
  const row = page.getByRole('row').filter({ has: link });
  assert.match(await row.first().textContent(), new RegExp(escapeRe(t('work-kind-approval'))), 'the entry is a draft to approve');
  assert.equal((await link.first().textContent()).trim(), flow.sign, 'the entry names the case sign');
  await link.first().click();
  await expectPath(page, flow.docUrl, `the draft page from "${t('work-title')}"`);
  await checkA11y(page, 'projekt do akceptacji');

  const decide = formNamed(page, t('document-decide'));
  await field(decide, t('field-comment')).fill('Bez uwag.');
  await button(decide, t('document-approve')).click();
  await expectNotice(page, t('document-done-approve'), `"${t('document-approve')}"`);
  assert.equal(await detail(page, t('col-state')), t('doc-status-approved'));
  assert.equal(await formNamed(page, t('document-decide')).count(), 0, 'no second decision');
  await checkA11y(page, 'projekt zaakceptowany');
});

test('4. the clerk dispatches the letter by post and closes the case; the case log lists every step', { timeout: TEST_TIMEOUT_MS }, async () => {
  needs('docUrl', 'caseUrl', 'sign', 'docTitle');
  const page = await pageOf(DEMO_GK_CLERK);

  await page.goto(flow.docUrl);
  const dispatch = formNamed(page, t('document-dispatch'));
  await expectVisible(page, dispatch, `the form "${t('document-dispatch')}" on the approved letter`);
  await field(dispatch, t('field-dispatch-method')).selectOption({ label: t('dispatch-post') });
  assert.equal(
    await field(dispatch, t('field-addressee-name')).inputValue(),
    SENDER.name,
    'the reply goes to the sender by default',
  );
  assert.match(
    await field(dispatch, t('field-addressee-address')).inputValue(),
    /Kwiatowa 7/,
    "the sender's address is filled in",
  );
  await checkA11y(page, 'pismo do wysłania');
  await button(dispatch, t('document-dispatch-button')).click();
  await expectNotice(page, t('document-done-dispatch'), `"${t('document-dispatch-button')}"`);
  assert.equal(await detail(page, t('col-state')), t('doc-status-dispatched'));
  await checkA11y(page, 'pismo wysłane');

  // The outgoing register: a WYCH/ number for the letter.
  await page.goto('/panel/outgoing');
  const out = page.getByRole('row').filter({ has: page.locator(`a[href="${flow.docUrl}"]`) });
  await expectVisible(page, out, `the letter ${flow.docUrl} in the outgoing register`);
  const outText = (await out.first().textContent()).replace(/\s+/g, ' ');
  assert.match(outText, new RegExp(`WYCH/${YEAR}/\\d{6}`), `a WYCH/${YEAR}/NNNNNN number; the row says: ${outText}`);
  assert.ok(outText.includes(SENDER.name), `the register names the addressee; the row says: ${outText}`);
  assert.ok(outText.includes(t('dispatch-post')), `the register names the dispatch method; the row says: ${outText}`);
  const outRef = outText.match(new RegExp(`WYCH/${YEAR}/\\d{6}`))[0];
  // Each row's link says which letter it opens, not only "pismo" (WCAG 2.4.4).
  await expectVisible(
    page,
    out.getByRole('link', { name: `${t('outgoing-open-document')} ${outRef}`, exact: true }),
    `the link "${t('outgoing-open-document')} ${outRef}" in the register row`,
  );
  await checkA11y(page, 'rejestr wysyłek');

  // Closing the case with the reply as the final document.
  await page.goto(flow.caseUrl);
  const close = formNamed(page, t('case-close'));
  await field(close, t('field-final-document')).selectOption({ label: flow.docTitle });
  await button(close, t('case-close-button')).click();
  await expectNotice(page, t('case-done-close'), `"${t('case-close-button')}"`);
  const deadline = await deadlineSection(page);
  assert.ok(
    deadline.includes(`${t('col-state')}: ${t('case-status-closed')}`),
    `the case is closed; the deadline section says: ${deadline}`,
  );
  await detail(page, t('case-closed-on'));

  const log = await caseLog(page);
  // Every expected entry, in this order (other entries may come between).
  let at = -1;
  for (const entry of EXPECTED_LOG) {
    const found = log.indexOf(entry, at + 1);
    assert.ok(found > at, `the case log should list "${entry}" after the entries before it; it lists: ${log.join(' | ')}`);
    at = found;
  }
  await expectVisible(page, page.locator('li').filter({ hasText: /WYCH\// }), 'the outgoing letter on the case page');
  // The log's document links name the document, not only "Dokument" (WCAG 2.4.4).
  const dispatchedEntry = page
    .getByRole('table', { name: t('case-log'), exact: true })
    .getByRole('row')
    .filter({ has: page.getByRole('cell', { name: t('log-document-dispatched'), exact: true }) });
  await expectVisible(
    page,
    dispatchedEntry.getByRole('link', {
      name: new RegExp(`^${escapeRe(t('col-document'))}\\s*:\\s*${escapeRe(flow.docTitle)}$`),
    }),
    `the link "${t('col-document')}: ${flow.docTitle}" in the log entry "${t('log-document-dispatched')}"`,
  );
  assert.equal(await formNamed(page, t('case-new-draft')).count(), 0, 'no new drafts in a closed case');
  const csv = await fetchFile(
    page,
    await page.getByRole('link', { name: t('case-log-export'), exact: true }).getAttribute('href'),
    'text/csv',
    'the case log export',
  );
  const csvLines = csv.toString('utf8').trim().split('\n');
  assert.ok(csvLines.length > EXPECTED_LOG.length, `the CSV has a header and the log rows; it has ${csvLines.length} lines`);
  await checkA11y(page, 'sprawa zakończona');

  // A closed case waits for no one.
  await page.goto('/panel/work');
  assert.equal(
    await page.getByRole('link', { name: flow.sign, exact: true }).count(),
    0,
    `the closed case ${flow.sign} should leave "${t('work-title')}"`,
  );

  // The case index of GK, class 7203, lists the case.
  await page.goto('/panel/case-index');
  const index = formNamed(page, t('index-title'));
  await selectOptionWhere(page, field(index, t('field-unit')), (o) => o.startsWith('GK '), 'the unit GK');
  await selectOptionWhere(page, field(index, t('field-class')), (o) => o.startsWith(`${CLASS} `), `the class ${CLASS}`);
  await field(index, t('filter-year')).fill(YEAR);
  await button(index, t('index-show')).click();
  const indexRow = page.getByRole('row').filter({ has: page.getByRole('cell', { name: flow.sign, exact: true }) });
  await expectVisible(page, indexRow, `the case ${flow.sign} in the case index`);
  assert.ok((await indexRow.first().textContent()).includes(SENDER.name), 'the index names the sender');
  const csvHref = await page.getByRole('link', { name: t('index-csv'), exact: true }).getAttribute('href');
  await fetchFile(page, csvHref, 'text/csv', 'the case index CSV');
  const pdfHref = await page.getByRole('link', { name: t('index-pdf'), exact: true }).getAttribute('href');
  await fetchFile(page, pdfHref, 'application/pdf', 'the case index PDF');
  await checkA11y(page, `spis spraw GK ${CLASS}`);
});

test('5. search finds the case by an inflected and by an unaccented word', { timeout: TEST_TIMEOUT_MS }, async () => {
  needs('caseId', 'sign');
  const page = await pageOf(DEMO_GK_CLERK);
  const resultsHeading = t('search-results', { count: '' }).trim();

  for (const words of ['Kwiatowej', 'zajecie', 'pasa drogowego', TAG.toLowerCase()]) {
    await page.goto('/panel');
    await page.getByRole('link', { name: t('nav-search'), exact: true }).click();
    const form = page.getByRole('search', { name: t('search-title'), exact: true });
    await field(form, t('search-label')).fill(words);
    await button(form, t('search-button')).click();
    await expectPath(page, '/panel/search', `the results of "${words}"`);
    await expectVisible(
      page,
      page.getByRole('heading', { level: 2 }).filter({ hasText: resultsHeading }),
      `the heading "${resultsHeading} …"`,
    );
    const hit = page.locator(`ol.hits a[href="/panel/cases/${flow.caseId}"]`);
    if ((await hit.count()) === 0) {
      const hits = (await page.locator('ol.hits li').allTextContents()).map((h) => h.replace(/\s+/g, ' ').trim());
      assert.fail(`searching "${words}" should find the case ${flow.sign}; hits: ${hits.join(' | ') || '(none)'}`);
    }
    assert.ok((await hit.first().textContent()).includes(flow.sign), 'the hit names the case sign');
  }
  await checkA11y(page, 'wyniki wyszukiwania');
});

test('6. the closed case reads the same in English', { timeout: TEST_TIMEOUT_MS }, async () => {
  needs('caseUrl', 'sign');
  const page = await pageOf(DEMO_GK_CLERK);
  try {
    await page.goto(`/lang/en?back=${encodeURIComponent(flow.caseUrl)}`);
    await expectPath(page, flow.caseUrl, 'the case page again after switching to English');
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
    const heading = (await page.getByRole('heading', { level: 1 }).textContent()).replace(/\s+/g, ' ').trim();
    assert.equal(heading, `${en('case-title')} ${flow.sign}`);
    const log = await caseLog(page, en('case-log'));
    for (const id of EXPECTED_LOG_IDS) {
      assert.ok(log.includes(en(id)), `the English case log should list "${en(id)}"; it lists: ${log.join(' | ')}`);
    }
    await checkA11y(page, 'case page in English');
  } finally {
    await page.goto('/lang/pl?back=/panel');
  }
});

test('a registration without title and sender is refused next to the fields, keeping what was typed', { timeout: TEST_TIMEOUT_MS }, async () => {
  const page = await pageOf(DEMO_REGISTRAR);
  await page.goto('/panel/incoming/new');
  const form = formNamed(page, t('incoming-new-title'));
  await field(form, t('field-sender-address')).fill(SENDER.address);
  await button(form, t('incoming-register-button')).click();
  await page.waitForLoadState('load');
  await expectVisible(page, page.getByRole('alert').filter({ hasText: t('form-has-errors') }), 'the error summary');
  for (const id of ['title', 'sender_name']) {
    await expectVisible(page, page.locator(`#${id}-error`), `the error #${id}-error next to the field`);
    assert.equal(await page.locator(`#${id}`).getAttribute('aria-invalid'), 'true', `#${id} is marked invalid`);
  }
  assert.equal(
    await field(formNamed(page, t('incoming-new-title')), t('field-sender-address')).inputValue(),
    SENDER.address,
    'the address typed is kept',
  );
  await checkA11y(page, 'rejestracja przesyłki: błędy');
});

test('a case without a title is refused next to the field', { timeout: TEST_TIMEOUT_MS }, async () => {
  const page = await pageOf(DEMO_GK_CLERK);
  await page.goto('/panel/cases/new');
  await checkA11y(page, 'nowa sprawa: formularz');
  const form = formNamed(page, t('case-new-title'));
  await selectOptionWhere(page, field(form, t('field-unit')), (o) => o.startsWith('GK '), 'the unit GK');
  await button(form, t('case-open-button')).click();
  await page.waitForLoadState('load');
  await expectVisible(page, page.getByRole('alert').filter({ hasText: t('form-has-errors') }), 'the error summary');
  await expectVisible(page, page.locator('#title-error'), 'the error #title-error next to the case title');
  await checkA11y(page, 'nowa sprawa: błędy');
});
