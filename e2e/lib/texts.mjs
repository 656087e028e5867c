// The application's own Polish texts (crates/web/locales/pl/main.ftl), so a test
// finds a label by its message id and keeps working when the wording changes.
// Only simple one-line messages (`id = text`, optionally with `{ $name }`) are read.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** Parses one-line Fluent messages into a Map of id → text. */
export function parseFtl(source) {
  const messages = new Map();
  for (const line of source.split(/\r?\n/)) {
    const m = line.match(/^([a-zA-Z][\w-]*)\s*=\s*(.*)$/);
    if (m) messages.set(m[1], m[2].trim());
  }
  return messages;
}

function load(lang) {
  const path = join(here, '..', '..', 'crates', 'web', 'locales', lang, 'main.ftl');
  return parseFtl(readFileSync(path, 'utf8'));
}

const catalogs = new Map();

/**
 * The text of message `id` in `lang` (default Polish), with `{ $name }` filled
 * from `args`. Throws, naming the id, when the message does not exist.
 */
export function text(id, args = {}, lang = 'pl') {
  if (!catalogs.has(lang)) catalogs.set(lang, load(lang));
  const message = catalogs.get(lang).get(id);
  if (message === undefined) {
    throw new Error(`no message "${id}" in crates/web/locales/${lang}/main.ftl`);
  }
  return message.replace(/\{\s*\$(\w+)\s*\}/g, (_, name) => {
    if (!(name in args)) throw new Error(`message "${id}" needs the argument $${name}`);
    return String(args[name]);
  });
}

/** Shorthand for Polish texts: t('nav-work') → "Moja praca". */
export const t = (id, args) => text(id, args, 'pl');

/** English texts. */
export const en = (id, args) => text(id, args, 'en');

/** The label of a required field as the forms render it: "Tytuł (wymagane)". */
export const requiredLabel = (id, lang = 'pl') => `${text(id, {}, lang)} (${text('required', {}, lang)})`;
