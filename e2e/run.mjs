// Runs the browser tests with node's test runner, one file at a time.
//
//   node run.mjs               all tests; needs RATUSZ_E2E_BASE_URL (a running app)
//   node run.mjs --selfcheck   only the helpers' own tests; no app needed
//   node run.mjs staff         only test files whose name contains "staff"
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Tests that need neither the application nor RATUSZ_E2E_BASE_URL.
const SELF_CONTAINED = ['selfcheck.test.mjs', 'texts.test.mjs', 'totp.test.mjs'];

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const selfcheckOnly = args.includes('--selfcheck');
const filters = args.filter((a) => !a.startsWith('--'));

let files = readdirSync(join(here, 'tests'))
  .filter((name) => name.endsWith('.test.mjs'))
  .sort();
if (selfcheckOnly) files = files.filter((name) => SELF_CONTAINED.includes(name));
if (filters.length > 0) files = files.filter((name) => filters.some((f) => name.includes(f)));

if (files.length === 0) {
  console.error(`e2e: no test file matches ${JSON.stringify(filters)}`);
  process.exit(2);
}

const needsApp = files.some((name) => !SELF_CONTAINED.includes(name));
if (needsApp && !process.env.RATUSZ_E2E_BASE_URL) {
  console.error(
    'e2e: RATUSZ_E2E_BASE_URL is not set. Start the server (`ratusz demo`, then `ratusz serve`) and ' +
      'set it to the server address, e.g. RATUSZ_E2E_BASE_URL=http://127.0.0.1:8080 — the project ' +
      'test script does both. To check only the test helpers: node run.mjs --selfcheck',
  );
  process.exit(2);
}

const result = spawnSync(
  process.execPath,
  ['--test', '--test-concurrency=1', ...files.map((name) => join('tests', name))],
  { cwd: here, stdio: 'inherit' },
);
if (result.error) {
  console.error(`e2e: could not run node: ${result.error.message}`);
  process.exit(2);
}
process.exit(result.status ?? 1);
