// Unit tests for the TOTP and base32 helpers; they need neither the app nor a browser.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { base32Decode, totp } from '../lib/browser.mjs';
import { DEMO_TOTP_SECRET } from '../lib/demo.mjs';

// RFC 6238 appendix B, SHA-1 column; the seed is the ASCII "12345678901234567890".
const RFC6238_SEED = Buffer.from('12345678901234567890', 'ascii');
const RFC6238_SEED_BASE32 = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
const RFC6238_SHA1 = [
  [59, '94287082'],
  [1111111109, '07081804'],
  [1111111111, '14050471'],
  [1234567890, '89005924'],
  [2000000000, '69279037'],
  [20000000000, '65353130'],
];

test('base32 decodes the RFC 4648 test vectors', () => {
  const vectors = [
    ['', ''],
    ['MY======', 'f'],
    ['MZXQ====', 'fo'],
    ['MZXW6===', 'foo'],
    ['MZXW6YQ=', 'foob'],
    ['MZXW6YTB', 'fooba'],
    ['MZXW6YTBOI======', 'foobar'],
  ];
  for (const [encoded, plain] of vectors) {
    assert.equal(base32Decode(encoded).toString('ascii'), plain, `base32 ${encoded}`);
  }
});

test('base32 ignores case, spaces and hyphens, and rejects other characters', () => {
  assert.deepEqual(base32Decode('gezd gnbv-gy3t qojq gezd gnbv gy3t qojq'), RFC6238_SEED);
  assert.throws(() => base32Decode('MZXW1'), /not a base32 character/);
});

test('the RFC 6238 seed encodes as the base32 the tests use', () => {
  assert.deepEqual(base32Decode(RFC6238_SEED_BASE32), RFC6238_SEED);
});

test('totp matches the RFC 6238 SHA-1 test vectors (8 digits)', () => {
  for (const [time, expected] of RFC6238_SHA1) {
    assert.equal(totp(RFC6238_SEED_BASE32, time, 8), expected, `T = ${time}`);
  }
});

test('totp gives 6 digits by default, the last 6 of the 8-digit code', () => {
  for (const [time, expected] of RFC6238_SHA1) {
    assert.equal(totp(RFC6238_SEED_BASE32, time), expected.slice(2), `T = ${time}`);
  }
});

test('totp accepts a Date and keeps one code for a whole 30-second step', () => {
  assert.equal(totp(RFC6238_SEED_BASE32, new Date(59_000), 8), '94287082');
  assert.equal(totp(RFC6238_SEED_BASE32, 30), totp(RFC6238_SEED_BASE32, 59.999));
  assert.notEqual(totp(RFC6238_SEED_BASE32, 59), totp(RFC6238_SEED_BASE32, 60));
});

test('the demo TOTP secret is valid base32 for a 160-bit key', () => {
  assert.equal(base32Decode(DEMO_TOTP_SECRET).length, 20);
  assert.match(totp(DEMO_TOTP_SECRET), /^\d{6}$/);
});
