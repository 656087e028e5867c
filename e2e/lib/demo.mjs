// Demo data created by `ratusz demo` (documented there; never valid in production).

export const DEMO_ADMIN = {
  email: 'admin@przykladowo.gov.pl',
  password: 'Demo-Ratusz-2026!',
};

/** The TOTP secret (base32) pre-enrolled for every demo staff account. */
export const DEMO_TOTP_SECRET = 'RATUSZDEMOPRZYKLADOWOSECRET23456';

/** Unit symbols the demo data already uses. */
export const DEMO_UNIT_SYMBOLS = ['OR', 'FN', 'GK', 'USC', 'OŚ'];

/** Demo staff of the registry flow (same password and TOTP secret as the administrator). */
export const DEMO_REGISTRAR = {
  email: 'kancelaria@przykladowo.gov.pl',
  name: 'Krystyna Kancelaryjna',
  password: DEMO_ADMIN.password,
  secret: DEMO_TOTP_SECRET,
};
export const DEMO_GK_MANAGER = {
  email: 'kierownik.gk@przykladowo.gov.pl',
  name: 'Marek Kierownik',
  password: DEMO_ADMIN.password,
  secret: DEMO_TOTP_SECRET,
};
export const DEMO_GK_CLERK = {
  email: 'referent.gk@przykladowo.gov.pl',
  name: 'Ewa Referent',
  password: DEMO_ADMIN.password,
  secret: DEMO_TOTP_SECRET,
};

/** Password of the demo residents (crates/app/src/demo.rs: RESIDENT_PASSWORD). */
export const DEMO_RESIDENT_PASSWORD = 'Demo-Mieszkaniec-2026!';

/** A demo resident with a verified e-mail address (no TOTP: residents sign in with a password). */
export const DEMO_RESIDENT = {
  email: 'jan.kowalski@example.pl',
  name: 'Jan Kowalski',
  password: DEMO_RESIDENT_PASSWORD,
};
