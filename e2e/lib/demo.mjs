// Demo data created by `ratusz demo` (documented there; never valid in production).

export const DEMO_ADMIN = {
  email: 'admin@przykladowo.gov.pl',
  password: 'Demo-Ratusz-2026!',
};

/** The TOTP secret (base32) pre-enrolled for every demo staff account. */
export const DEMO_TOTP_SECRET = 'RATUSZDEMOPRZYKLADOWOSECRET23456';

/** Unit symbols the demo data already uses. */
export const DEMO_UNIT_SYMBOLS = ['OR', 'FN', 'GK', 'USC', 'OŚ'];
