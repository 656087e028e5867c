// The message catalogue the tests read labels from (lib/texts.mjs); needs no app.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { en, parseFtl, requiredLabel, t, text } from '../lib/texts.mjs';

test('one-line Fluent messages are read, comments and blank lines skipped', () => {
  const m = parseFtl('# comment\n\nnav-work = Moja praca\nsearch-results = Wyniki: { $count }\r\n');
  assert.equal(m.get('nav-work'), 'Moja praca');
  assert.equal(m.get('search-results'), 'Wyniki: { $count }');
  assert.equal(m.size, 2);
});

test('messages come from the application in Polish and English, with arguments filled', () => {
  assert.equal(t('nav-work'), 'Moja praca');
  assert.equal(en('case-log'), 'Case log');
  assert.equal(t('search-results', { count: 3 }), 'Wyniki: 3');
  assert.equal(requiredLabel('field-sender-name'), 'Nadawca (wymagane)');
  assert.throws(() => t('no-such-message'), /no message "no-such-message"/);
  assert.throws(() => t('search-results'), /needs the argument \$count/);
});

test('the Polish and English catalogues have the same message ids', async () => {
  const { readFileSync } = await import('node:fs');
  const ids = (lang) =>
    [...parseFtl(readFileSync(new URL(`../../crates/web/locales/${lang}/main.ftl`, import.meta.url), 'utf8')).keys()].sort();
  const pl = ids('pl');
  const english = ids('en');
  assert.deepEqual(
    pl.filter((id) => !english.includes(id)),
    [],
    'ids only in pl/main.ftl',
  );
  assert.deepEqual(
    english.filter((id) => !pl.includes(id)),
    [],
    'ids only in en/main.ftl',
  );
  assert.equal(text('required', {}, 'en').length > 0, true);
});
