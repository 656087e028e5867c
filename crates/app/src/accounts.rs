//! Accounts and sign-in: staff with mandatory TOTP, residents with e-mail verification and
//! optional TOTP, sessions, recovery codes, login throttling, password reset, API tokens.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use base64::Engine as _;
use rand::RngCore;
use ratusz_core::password::check_password;
use ratusz_core::roles::{AccountKind, Grant, Role};
use ratusz_store::accounts::{
    self as repo, ApiTokenRow, EmailTokenRow, RoleRow, SessionRow, UserRow,
};
use ratusz_store::{Db, sha256_hex};
use serde::Serialize;
use serde_json::json;
use totp_rs::{Algorithm as TotpAlg, Secret, TOTP};

use crate::audit::{Actor, record};
use crate::{App, AppError, FieldError};

/// Sign-in throttling window and limits (per account and per IP address).
pub const THROTTLE_WINDOW_SECS: i64 = 15 * 60;
pub const MAX_FAILURES_PER_ACCOUNT: i64 = 5;
pub const MAX_FAILURES_PER_IP: i64 = 30;
pub const RECOVERY_CODES: usize = 10;
pub const TOTP_ISSUER: &str = "Ratusz";

/// A random secret as URL-safe base64 (tokens for cookies, links and the API).
pub fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::thread_rng().fill_bytes(&mut buf);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf)
}

/// Trims and checks an e-mail address; returns it with its lower-cased sign-in key.
pub fn normalize_email(input: &str) -> Result<(String, String), FieldError> {
    let email = input.trim();
    let bad = || {
        FieldError::new(
            "email",
            "format",
            "Wpisz poprawny adres e-mail, np. jan.kowalski@example.pl.",
            "Enter a valid e-mail address, e.g. jan.kowalski@example.pl.",
        )
    };
    if email.is_empty() {
        return Err(FieldError::new(
            "email",
            "empty",
            "Wpisz adres e-mail.",
            "Enter your e-mail address.",
        ));
    }
    let (local, domain) = email.rsplit_once('@').ok_or_else(bad)?;
    let ok = email.len() <= 254
        && !local.is_empty()
        && local.len() <= 64
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '<' || c == '>')
        && !local.contains('@');
    if !ok {
        return Err(bad());
    }
    Ok((email.to_owned(), email.to_lowercase()))
}

fn validate_display_name(name: &str) -> Result<String, FieldError> {
    let n = name.trim();
    let len = n.chars().count();
    if !(2..=120).contains(&len) || n.chars().any(char::is_control) {
        return Err(FieldError::new(
            "display_name",
            "format",
            "Wpisz imię i nazwisko (od 2 do 120 znaków).",
            "Enter your full name (2 to 120 characters).",
        ));
    }
    Ok(n.to_owned())
}

fn password_error(field: &str, password: &str, hints: &[&str]) -> Option<FieldError> {
    check_password(password, hints)
        .err()
        .map(|p| FieldError::new(field, p.code(), p.message_pl(), p.message_en()))
}

/// The state of a session: signed in fully, or waiting for the second factor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionState {
    Full,
    /// Password accepted; the TOTP code (or a recovery code) is still due.
    NeedsTotp,
    /// Staff without TOTP: must enrol before doing anything else.
    NeedsEnrolment,
}

/// How a request is authenticated.
#[derive(Debug, Clone)]
pub enum Via {
    Session {
        session_id: String,
        csrf: String,
        state: SessionState,
    },
    Token {
        token_id: String,
        scopes: Vec<String>,
    },
}

/// The signed-in user of a request, with their grants.
#[derive(Debug, Clone)]
pub struct Principal {
    pub tenant_id: String,
    pub user: UserRow,
    pub grants: Vec<Grant>,
    pub via: Via,
}

impl Principal {
    pub fn kind(&self) -> AccountKind {
        self.user.kind.parse().unwrap_or(AccountKind::Resident)
    }

    pub fn actor(&self) -> Actor {
        Actor::User {
            id: self.user.id.clone(),
            label: self.user.email.clone(),
        }
    }

    pub fn allowed(&self, p: ratusz_core::roles::Permission, unit: Option<uuid::Uuid>) -> bool {
        let scope_ok = match &self.via {
            Via::Token { scopes, .. } => {
                // Scopes are levels: read < write < admin; a higher one includes the lower.
                let level = |s: &str| match s {
                    "read" => 1,
                    "write" => 2,
                    "admin" => 3,
                    _ => 0,
                };
                let need = match p {
                    ratusz_core::roles::Permission::AdminTenant => 3,
                    _ => 1,
                };
                scopes.iter().map(|s| level(s)).max().unwrap_or(0) >= need
            }
            Via::Session { state, .. } => *state == SessionState::Full,
        };
        scope_ok && ratusz_core::roles::allowed(&self.grants, p, unit)
    }

    pub fn session_state(&self) -> Option<SessionState> {
        match &self.via {
            Via::Session { state, .. } => Some(*state),
            Via::Token { .. } => None,
        }
    }
}

/// Bearer tokens verified in the last [`TokenCache::TTL_US`], so that an API client's burst of
/// requests costs one database lookup per second instead of one per request. Revoking a token
/// clears this node's cache at once; other nodes notice within the TTL. Token expiry is checked
/// on every hit.
#[derive(Default)]
pub struct TokenCache {
    entries: std::sync::Mutex<std::collections::HashMap<String, CachedToken>>,
}

struct CachedToken {
    fetched_at: i64,
    expires_at: Option<i64>,
    principal: Principal,
}

impl TokenCache {
    pub const TTL_US: i64 = 1_000_000;
    const MAX_ENTRIES: usize = 10_000;

    fn get(&self, hash: &str, now: i64) -> Option<Principal> {
        let map = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        let e = map.get(hash)?;
        let fresh = now - e.fetched_at < Self::TTL_US && now >= e.fetched_at;
        let unexpired = e.expires_at.is_none_or(|x| x > now);
        (fresh && unexpired).then(|| e.principal.clone())
    }

    fn put(&self, hash: String, now: i64, expires_at: Option<i64>, principal: Principal) {
        let mut map = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() >= Self::MAX_ENTRIES {
            map.retain(|_, e| now - e.fetched_at < Self::TTL_US);
            if map.len() >= Self::MAX_ENTRIES {
                map.clear();
            }
        }
        map.insert(
            hash,
            CachedToken {
                fetched_at: now,
                expires_at,
                principal,
            },
        );
    }

    fn clear(&self) {
        self.entries
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
    }
}

/// A session just created: the raw token goes into the cookie and nowhere else.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub token: String,
    pub state: SessionState,
    pub staff: bool,
}

/// What the enrolment page shows.
#[derive(Debug, Clone)]
pub struct Enrolment {
    pub secret_base32: String,
    pub otpauth_url: String,
}

/// A staff account to create.
#[derive(Debug, Clone)]
pub struct NewStaff {
    pub email: String,
    pub display_name: String,
    pub password: String,
    pub role: Role,
    pub unit_id: Option<String>,
    /// Demo only: a known, pre-enrolled TOTP secret (base32).
    pub totp_secret: Option<String>,
}

fn grants_of(rows: &[RoleRow]) -> Vec<Grant> {
    rows.iter()
        .filter_map(|r| {
            Some(Grant {
                role: r.role.parse().ok()?,
                unit: match &r.unit_id {
                    Some(u) => Some(u.parse().ok()?),
                    None => None,
                },
            })
        })
        .collect()
}

fn totp_for(secret_b32: &str, account: &str) -> Result<TOTP, AppError> {
    let bytes = Secret::Encoded(secret_b32.to_owned())
        .to_bytes()
        .map_err(|_| AppError::Internal("stored TOTP secret is not base32".into()))?;
    TOTP::new(
        TotpAlg::SHA1,
        6,
        1,
        30,
        bytes,
        Some(TOTP_ISSUER.to_owned()),
        account.to_owned(),
    )
    .map_err(|e| AppError::Internal(format!("TOTP: {e}")))
}

/// The 30-second step (current, previous or next, for clock drift) whose code equals `code`.
fn matching_step(totp: &TOTP, code: &str, now_secs: i64) -> Option<i64> {
    if code.len() != 6 || !code.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let current = now_secs.max(0) / 30;
    [current, current - 1, current + 1]
        .into_iter()
        .find(|&step| {
            step >= 0
                && constant_time_eq(
                    totp.generate((step * 30) as u64).as_bytes(),
                    code.as_bytes(),
                )
        })
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Recovery codes look like `ab12-cd34-ef56-gh78` (80 bits); stored as SHA-256.
fn new_recovery_code() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut rng = rand::thread_rng();
    let mut out = String::with_capacity(19);
    for i in 0..16 {
        if i > 0 && i % 4 == 0 {
            out.push('-');
        }
        let idx = (rng.next_u32() as usize) % ALPHABET.len();
        out.push(char::from(ALPHABET[idx]));
    }
    out
}

fn normalize_recovery_code(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// A hash to verify against when the account does not exist, so that the answer takes as long
/// as for a real account and does not reveal which e-mails are registered.
fn dummy_hash(app: &App) -> String {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY
        .get_or_init(|| {
            app.hash_password("dummy password for timing")
                .unwrap_or_default()
        })
        .clone()
}

impl App {
    fn argon2(&self) -> Result<Argon2<'static>, AppError> {
        let params = Params::new(self.settings.argon2_memory_kib, 2, 1, None)
            .map_err(|e| AppError::Internal(format!("argon2 params: {e}")))?;
        Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
    }

    /// Argon2id hash in PHC string format.
    pub fn hash_password(&self, password: &str) -> Result<String, AppError> {
        let salt = SaltString::generate(&mut rand::rngs::OsRng);
        self.argon2()?
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| AppError::Internal(format!("argon2: {e}")))
    }

    pub fn verify_password(&self, hash: &str, password: &str) -> bool {
        let Ok(parsed) = PasswordHash::new(hash) else {
            return false;
        };
        // Verification reads the parameters from the hash itself.
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    }

    // ---------------------------------------------------------------- staff and roles

    /// Creates a staff account with one role (CLI, admin panel, demo).
    pub fn create_staff(
        &self,
        tenant_id: &str,
        new: &NewStaff,
        actor: &Actor,
    ) -> Result<UserRow, AppError> {
        let mut errors = Vec::new();
        let email = normalize_email(&new.email).map_err(|e| errors.push(e)).ok();
        let name = validate_display_name(&new.display_name)
            .map_err(|e| errors.push(e))
            .ok();
        let local = new.email.split('@').next().unwrap_or_default();
        if let Some(e) = password_error("password", &new.password, &[local, &new.display_name]) {
            errors.push(e);
        }
        if new.role == Role::Resident {
            errors.push(FieldError::new(
                "role",
                "format",
                "Konto mieszkańca zakłada sam mieszkaniec w portalu. Wybierz rolę pracownika.",
                "Residents sign up themselves in the portal. Choose a staff role.",
            ));
        }
        if crate::tenants::role_needs_unit(new.role) && new.unit_id.is_none() {
            errors.push(FieldError::new(
                "unit",
                "required",
                "Referent i kierownik pracują w komórce: wybierz komórkę.",
                "A clerk or manager works in a unit: choose the unit.",
            ));
        }
        let (Some((email, key)), Some(name), true) = (email, name, errors.is_empty()) else {
            return Err(AppError::Invalid(errors));
        };
        let hash = self.hash_password(&new.password)?;
        let now = self.now_ts();
        self.store.write(|conn| {
            if let Some(unit) = &new.unit_id
                && ratusz_store::tenants::unit(conn, tenant_id, unit)?.is_none()
            {
                return Err(AppError::field(
                    "unit",
                    "unknown",
                    "Wybrana komórka nie istnieje w tej gminie.",
                    "The chosen unit does not exist in this municipality.",
                ));
            }
            if repo::user_by_email(conn, tenant_id, &key)?.is_some() {
                return Err(email_taken());
            }
            let user = UserRow {
                id: ratusz_store::new_id(),
                tenant_id: tenant_id.to_owned(),
                kind: AccountKind::Staff.as_str().into(),
                email: email.clone(),
                email_key: key.clone(),
                display_name: name.clone(),
                password_hash: Some(hash),
                email_verified_at: Some(now),
                totp_secret: new.totp_secret.clone(),
                totp_enabled_at: new.totp_secret.as_ref().map(|_| now),
                totp_last_step: None,
                disabled_at: None,
                created_at: now,
                updated_at: now,
            };
            repo::insert_user(conn, &user)?;
            record(
                conn,
                tenant_id,
                actor,
                "user.create",
                ("user", Some(&user.id)),
                json!({ "email": email, "kind": "staff" }),
                now,
            )?;
            grant_role_tx(
                conn,
                tenant_id,
                &user.id,
                new.role,
                new.unit_id.as_deref(),
                actor,
                now,
            )?;
            Ok(user)
        })
    }

    pub fn grant_role(
        &self,
        tenant_id: &str,
        user_id: &str,
        role: Role,
        unit_id: Option<&str>,
        actor: &Actor,
    ) -> Result<(), AppError> {
        let now = self.now_ts();
        // A permission change takes effect at once for this node's cached API tokens.
        self.token_cache.clear();
        self.store.write(|conn| {
            if repo::user(conn, tenant_id, user_id)?.is_none() {
                return Err(AppError::NotFound);
            }
            grant_role_tx(conn, tenant_id, user_id, role, unit_id, actor, now)
        })
    }

    pub fn staff(&self, tenant_id: &str) -> Result<Vec<(UserRow, Vec<RoleRow>)>, AppError> {
        self.store.read(|conn| {
            let users = repo::users_of_kind(conn, tenant_id, AccountKind::Staff.as_str())?;
            let roles = repo::all_roles(conn, tenant_id)?;
            Ok(users
                .into_iter()
                .map(|u| {
                    let r = roles
                        .iter()
                        .filter(|r| r.user_id == u.id)
                        .cloned()
                        .collect();
                    (u, r)
                })
                .collect())
        })
    }

    pub fn user(&self, tenant_id: &str, id: &str) -> Result<Option<UserRow>, AppError> {
        self.store.read(|c| Ok(repo::user(c, tenant_id, id)?))
    }

    pub fn user_by_email(&self, tenant_id: &str, email: &str) -> Result<Option<UserRow>, AppError> {
        let key = email.trim().to_lowercase();
        self.store
            .read(|c| Ok(repo::user_by_email(c, tenant_id, &key)?))
    }

    /// Removes a user's TOTP and recovery codes and signs them out everywhere; a staff user must
    /// enrol again at the next sign-in (lost phone).
    pub fn reset_mfa(&self, tenant_id: &str, user_id: &str, actor: &Actor) -> Result<(), AppError> {
        let now = self.now_ts();
        self.store.write(|conn| {
            repo::set_totp(conn, tenant_id, user_id, None, None, now)?;
            repo::replace_recovery_codes(conn, tenant_id, user_id, &[], now)?;
            repo::delete_user_sessions(conn, tenant_id, user_id)?;
            record(
                conn,
                tenant_id,
                actor,
                "user.mfa_reset",
                ("user", Some(user_id)),
                json!({}),
                now,
            )
        })
    }

    // ---------------------------------------------------------------- residents

    /// Registers a resident and sends the verification e-mail. When the address is taken, the
    /// owner gets a notice instead and the caller sees the same answer (no account enumeration).
    pub fn signup_resident(
        &self,
        tenant_id: &str,
        email: &str,
        display_name: &str,
        password: &str,
        password_confirm: &str,
    ) -> Result<(), AppError> {
        let mut errors = Vec::new();
        let email = normalize_email(email).map_err(|e| errors.push(e)).ok();
        let name = validate_display_name(display_name)
            .map_err(|e| errors.push(e))
            .ok();
        let local = email
            .as_ref()
            .map(|(e, _)| e.split('@').next().unwrap_or_default().to_owned());
        if let Some(e) = password_error(
            "password",
            password,
            &[local.as_deref().unwrap_or_default(), display_name],
        ) {
            errors.push(e);
        } else if password != password_confirm {
            errors.push(FieldError::new(
                "password_confirm",
                "mismatch",
                "Hasła się różnią. Wpisz to samo hasło w obu polach.",
                "The passwords differ. Type the same password in both fields.",
            ));
        }
        let (Some((email, key)), Some(name), true) = (email, name, errors.is_empty()) else {
            return Err(AppError::Invalid(errors));
        };
        let hash = self.hash_password(password)?;
        let now = self.now_ts();
        let token = random_token(32);
        self.store.write(|conn| {
            if let Some(existing) = repo::user_by_email(conn, tenant_id, &key)? {
                crate::mail::enqueue(
                    conn,
                    tenant_id,
                    &existing.email,
                    "Próba założenia konta / Sign-up attempt",
                    &format!(
                        "Ktoś próbował założyć konto na ten adres w portalu urzędu. Masz już konto: \
                         zaloguj się na {url}/login albo ustaw nowe hasło na {url}/password/forgot.\n\n\
                         Someone tried to sign up with this address. You already have an account: \
                         sign in at {url}/login or reset your password at {url}/password/forgot.\n",
                        url = self.settings.public_url
                    ),
                    now,
                )?;
                return Ok(());
            }
            let user = UserRow {
                id: ratusz_store::new_id(),
                tenant_id: tenant_id.to_owned(),
                kind: AccountKind::Resident.as_str().into(),
                email: email.clone(),
                email_key: key.clone(),
                display_name: name.clone(),
                password_hash: Some(hash),
                email_verified_at: None,
                totp_secret: None,
                totp_enabled_at: None,
                totp_last_step: None,
                disabled_at: None,
                created_at: now,
                updated_at: now,
            };
            repo::insert_user(conn, &user)?;
            repo::insert_role(
                conn,
                &RoleRow {
                    id: ratusz_store::new_id(),
                    tenant_id: tenant_id.to_owned(),
                    user_id: user.id.clone(),
                    role: Role::Resident.as_str().into(),
                    unit_id: None,
                    granted_by: None,
                    granted_at: now,
                },
            )?;
            insert_email_token(conn, tenant_id, &user.id, "verify", &token, now, 48)?;
            crate::mail::enqueue(
                conn,
                tenant_id,
                &email,
                "Potwierdź adres e-mail / Confirm your e-mail",
                &format!(
                    "Dzień dobry,\n\naby dokończyć zakładanie konta w portalu urzędu, otwórz link:\n\
                     {url}/verify-email?token={token}\n\nLink jest ważny 48 godzin.\n\n\
                     To finish creating your account, open the link above (valid for 48 hours).\n",
                    url = self.settings.public_url
                ),
                now,
            )?;
            record(
                conn,
                tenant_id,
                &Actor::User { id: user.id.clone(), label: email.clone() },
                "user.signup",
                ("user", Some(&user.id)),
                json!({ "kind": "resident" }),
                now,
            )
        })
    }

    pub fn verify_email(&self, tenant_id: &str, token: &str) -> Result<UserRow, AppError> {
        let now = self.now_ts();
        let hash = sha256_hex(token.trim().as_bytes());
        self.store.write(|conn| {
            let user_id = repo::consume_email_token(conn, tenant_id, "verify", &hash, now)?
                .ok_or(AppError::TokenInvalid)?;
            repo::mark_email_verified(conn, tenant_id, &user_id, now)?;
            let user = repo::user(conn, tenant_id, &user_id)?.ok_or(AppError::NotFound)?;
            record(
                conn,
                tenant_id,
                &Actor::User {
                    id: user.id.clone(),
                    label: user.email.clone(),
                },
                "user.email_verified",
                ("user", Some(&user.id)),
                json!({}),
                now,
            )?;
            Ok(user)
        })
    }

    /// Sends a reset link if the account exists; answers the same either way.
    pub fn request_password_reset(&self, tenant_id: &str, email: &str) -> Result<(), AppError> {
        let (_, key) = normalize_email(email).map_err(|e| AppError::Invalid(vec![e]))?;
        let now = self.now_ts();
        let token = random_token(32);
        self.store.write(|conn| {
            let Some(user) = repo::user_by_email(conn, tenant_id, &key)? else {
                return Ok(());
            };
            if user.disabled_at.is_some() {
                return Ok(());
            }
            insert_email_token(conn, tenant_id, &user.id, "reset", &token, now, 1)?;
            crate::mail::enqueue(
                conn,
                tenant_id,
                &user.email,
                "Ustawienie nowego hasła / Password reset",
                &format!(
                    "Aby ustawić nowe hasło, otwórz link (ważny 1 godzinę):\n{url}/password/reset?token={token}\n\n\
                     Jeśli to nie Ty, zignoruj tę wiadomość.\n\n\
                     To set a new password, open the link above (valid for 1 hour). If it was not you, ignore this message.\n",
                    url = self.settings.public_url
                ),
                now,
            )?;
            record(
                conn,
                tenant_id,
                &Actor::User { id: user.id.clone(), label: user.email.clone() },
                "user.password_reset_requested",
                ("user", Some(&user.id)),
                json!({}),
                now,
            )
        })
    }

    /// Sets a new password from a reset link and signs the user out everywhere.
    pub fn reset_password(
        &self,
        tenant_id: &str,
        token: &str,
        password: &str,
        password_confirm: &str,
    ) -> Result<(), AppError> {
        if let Some(e) = password_error("password", password, &[]) {
            return Err(AppError::Invalid(vec![e]));
        }
        if password != password_confirm {
            return Err(AppError::field(
                "password_confirm",
                "mismatch",
                "Hasła się różnią. Wpisz to samo hasło w obu polach.",
                "The passwords differ. Type the same password in both fields.",
            ));
        }
        let hash = self.hash_password(password)?;
        let now = self.now_ts();
        let token_hash = sha256_hex(token.trim().as_bytes());
        self.store.write(|conn| {
            let user_id = repo::consume_email_token(conn, tenant_id, "reset", &token_hash, now)?
                .ok_or(AppError::TokenInvalid)?;
            let user = repo::user(conn, tenant_id, &user_id)?.ok_or(AppError::NotFound)?;
            let hints = [
                user.email.split('@').next().unwrap_or_default(),
                user.display_name.as_str(),
            ];
            if let Some(e) = password_error("password", password, &hints) {
                return Err(AppError::Invalid(vec![e]));
            }
            repo::set_password(conn, tenant_id, &user_id, &hash, now)?;
            // A reset link proves control of the mailbox, which verifies it too.
            if user.email_verified_at.is_none() {
                repo::mark_email_verified(conn, tenant_id, &user_id, now)?;
            }
            repo::delete_user_sessions(conn, tenant_id, &user_id)?;
            // Proving control of the mailbox lifts a sign-in lock-out of the account.
            repo::clear_login_failures(conn, tenant_id, &user.email_key)?;
            record(
                conn,
                tenant_id,
                &Actor::User {
                    id: user.id.clone(),
                    label: user.email.clone(),
                },
                "user.password_reset",
                ("user", Some(&user.id)),
                json!({}),
                now,
            )
        })
    }

    // ---------------------------------------------------------------- sign-in

    /// First step of sign-in: e-mail and password. Throttled per account and per IP.
    pub fn sign_in(
        &self,
        tenant_id: &str,
        email: &str,
        password: &str,
        ip: &str,
        user_agent: Option<&str>,
    ) -> Result<NewSession, AppError> {
        let key = email.trim().to_lowercase();
        let now = self.now_ts();
        let since = now - THROTTLE_WINDOW_SECS * 1_000_000;
        let (by_account, by_ip) = self.store.read(|c| {
            repo::login_failures_since(c, tenant_id, &key, ip, since).map_err(AppError::from)
        })?;
        if by_account >= MAX_FAILURES_PER_ACCOUNT || by_ip >= MAX_FAILURES_PER_IP {
            return Err(AppError::Throttled {
                retry_after_secs: THROTTLE_WINDOW_SECS,
            });
        }
        let user = self
            .store
            .read(|c| repo::user_by_email(c, tenant_id, &key).map_err(AppError::from))?;
        let ok = match &user {
            Some(u) => {
                let hash = u.password_hash.clone().unwrap_or_default();
                self.verify_password(&hash, password) && u.disabled_at.is_none()
            }
            None => {
                let _ = self.verify_password(&dummy_hash(self), password);
                false
            }
        };
        let Some(user) = user.filter(|_| ok) else {
            self.store.write(|conn| {
                repo::record_login_failure(conn, tenant_id, &key, ip, now)?;
                record(
                    conn,
                    tenant_id,
                    &Actor::Anonymous { ip: ip.to_owned() },
                    "auth.sign_in_failed",
                    ("account", None),
                    json!({ "email": key }),
                    now,
                )
            })?;
            return Err(AppError::BadCredentials);
        };
        if user.kind == AccountKind::Resident.as_str() && user.email_verified_at.is_none() {
            return Err(AppError::Conflict("email_not_verified".into()));
        }
        let state = if user.totp_enabled_at.is_some() {
            SessionState::NeedsTotp
        } else if user.kind == AccountKind::Staff.as_str() {
            SessionState::NeedsEnrolment
        } else {
            SessionState::Full
        };
        let token = random_token(32);
        let idle = self.settings.session_idle.whole_microseconds() as i64;
        self.store.write(|conn| {
            repo::clear_login_failures(conn, tenant_id, &key)?;
            repo::insert_session(
                conn,
                &SessionRow {
                    id: ratusz_store::new_id(),
                    tenant_id: tenant_id.to_owned(),
                    user_id: user.id.clone(),
                    token_hash: sha256_hex(token.as_bytes()),
                    csrf_token: random_token(24),
                    mfa_verified: state == SessionState::Full,
                    created_at: now,
                    last_seen_at: now,
                    expires_at: now + idle,
                    ip: Some(ip.to_owned()),
                    user_agent: user_agent.map(|s| s.chars().take(300).collect()),
                },
            )?;
            let action = if state == SessionState::Full {
                "auth.sign_in"
            } else {
                "auth.password_accepted"
            };
            record(
                conn,
                tenant_id,
                &Actor::User {
                    id: user.id.clone(),
                    label: user.email.clone(),
                },
                action,
                ("user", Some(&user.id)),
                json!({ "ip": ip }),
                now,
            )
        })?;
        Ok(NewSession {
            token,
            state,
            staff: user.kind == AccountKind::Staff.as_str(),
        })
    }

    /// Second step: a TOTP code or a recovery code. Failures count towards the account's limit.
    pub fn verify_second_factor(
        &self,
        principal: &Principal,
        code: &str,
        ip: &str,
    ) -> Result<(), AppError> {
        let Via::Session {
            session_id,
            state: SessionState::NeedsTotp,
            ..
        } = &principal.via
        else {
            return Err(AppError::Forbidden);
        };
        let user = &principal.user;
        let tenant_id = &principal.tenant_id;
        let now = self.now_ts();
        let since = now - THROTTLE_WINDOW_SECS * 1_000_000;
        let (by_account, _) = self.store.read(|c| {
            repo::login_failures_since(c, tenant_id, &user.email_key, ip, since)
                .map_err(AppError::from)
        })?;
        if by_account >= MAX_FAILURES_PER_ACCOUNT {
            return Err(AppError::Throttled {
                retry_after_secs: THROTTLE_WINDOW_SECS,
            });
        }
        let digits: String = code.chars().filter(|c| !c.is_whitespace()).collect();
        let step = match &user.totp_secret {
            Some(secret) => matching_step(
                &totp_for(secret, &user.email)?,
                &digits,
                self.clock.now().unix_timestamp(),
            ),
            None => None,
        };
        let accepted = self.store.write(|conn| {
            // A code is accepted once: a replayed one (same or older step) counts as wrong.
            let totp_ok = match step {
                Some(step) => repo::consume_totp_step(conn, tenant_id, &user.id, step)?,
                None => false,
            };
            let recovery_used = !totp_ok && {
                let normalized = normalize_recovery_code(code);
                normalized.len() == 16
                    && repo::use_recovery_code(
                        conn,
                        tenant_id,
                        &user.id,
                        &sha256_hex(normalized.as_bytes()),
                        now,
                    )?
            };
            if !totp_ok && !recovery_used {
                // Committed (the closure returns Ok): failures count towards the lock-out
                // and stay in the audit log.
                repo::record_login_failure(conn, tenant_id, &user.email_key, ip, now)?;
                record(
                    conn,
                    tenant_id,
                    &principal.actor(),
                    "auth.second_factor_failed",
                    ("user", Some(&user.id)),
                    json!({ "ip": ip }),
                    now,
                )?;
                return Ok::<_, AppError>(false);
            }
            repo::mark_session_mfa(conn, tenant_id, session_id)?;
            repo::clear_login_failures(conn, tenant_id, &user.email_key)?;
            record(
                conn,
                tenant_id,
                &principal.actor(),
                "auth.sign_in",
                ("user", Some(&user.id)),
                json!({ "ip": ip, "factor": if recovery_used { "recovery_code" } else { "totp" } }),
                now,
            )?;
            Ok(true)
        })?;
        if accepted {
            Ok(())
        } else {
            Err(AppError::BadTotp)
        }
    }

    /// Starts (or restarts) TOTP enrolment: a fresh secret, not yet active.
    pub fn begin_enrolment(&self, principal: &Principal) -> Result<Enrolment, AppError> {
        if principal.user.totp_enabled_at.is_some() {
            return Err(AppError::Conflict("totp_already_enabled".into()));
        }
        let secret = match &principal.user.totp_secret {
            Some(s) => s.clone(),
            None => {
                let mut bytes = [0u8; 20];
                rand::thread_rng().fill_bytes(&mut bytes);
                let s = Secret::Raw(bytes.to_vec()).to_encoded().to_string();
                let now = self.now_ts();
                self.store.write(|c| {
                    repo::set_totp(
                        c,
                        &principal.tenant_id,
                        &principal.user.id,
                        Some(&s),
                        None,
                        now,
                    )
                    .map_err(AppError::from)
                })?;
                s
            }
        };
        let t = totp_for(&secret, &principal.user.email)?;
        Ok(Enrolment {
            secret_base32: secret,
            otpauth_url: t.get_url(),
        })
    }

    /// Confirms enrolment with a first code; returns the recovery codes (shown once).
    pub fn confirm_enrolment(
        &self,
        principal: &Principal,
        code: &str,
    ) -> Result<Vec<String>, AppError> {
        let Via::Session { session_id, .. } = &principal.via else {
            return Err(AppError::Forbidden);
        };
        let user = &principal.user;
        if user.totp_enabled_at.is_some() {
            return Err(AppError::Conflict("totp_already_enabled".into()));
        }
        let secret = user
            .totp_secret
            .clone()
            .ok_or(AppError::Conflict("enrolment_not_started".into()))?;
        let digits: String = code.chars().filter(|c| !c.is_whitespace()).collect();
        let ok = digits.len() == 6
            && totp_for(&secret, &user.email)?
                .check(&digits, self.clock.now().unix_timestamp().max(0) as u64);
        if !ok {
            return Err(AppError::field(
                "code",
                "bad-code",
                "Kod się nie zgadza. Sprawdź, czy zegar telefonu jest dokładny, i wpisz aktualny 6-cyfrowy kod.",
                "The code does not match. Check that your phone's clock is right and enter the current 6-digit code.",
            ));
        };
        let codes: Vec<String> = (0..RECOVERY_CODES).map(|_| new_recovery_code()).collect();
        let hashes: Vec<String> = codes
            .iter()
            .map(|c| sha256_hex(normalize_recovery_code(c).as_bytes()))
            .collect();
        let now = self.now_ts();
        self.store.write(|conn| {
            repo::set_totp(
                conn,
                &principal.tenant_id,
                &user.id,
                Some(&secret),
                Some(now),
                now,
            )?;
            repo::replace_recovery_codes(conn, &principal.tenant_id, &user.id, &hashes, now)?;
            repo::mark_session_mfa(conn, &principal.tenant_id, session_id)?;
            record(
                conn,
                &principal.tenant_id,
                &principal.actor(),
                "user.totp_enabled",
                ("user", Some(&user.id)),
                json!({}),
                now,
            )
        })?;
        Ok(codes)
    }

    /// The principal of a session cookie, if the session is alive. Slides the expiry.
    pub fn resolve_session(
        &self,
        tenant_id: &str,
        token: &str,
    ) -> Result<Option<Principal>, AppError> {
        let now = self.now_ts();
        let hash = sha256_hex(token.as_bytes());
        let found = self.store.read(|conn| -> Result<_, AppError> {
            let Some(s) = repo::session_by_token(conn, tenant_id, &hash)? else {
                return Ok(None);
            };
            if s.expires_at <= now {
                return Ok(None);
            }
            let Some(user) = repo::user(conn, tenant_id, &s.user_id)? else {
                return Ok(None);
            };
            if user.disabled_at.is_some() {
                return Ok(None);
            }
            let grants = grants_of(&repo::roles(conn, tenant_id, &user.id)?);
            Ok(Some((s, user, grants)))
        })?;
        let Some((s, user, grants)) = found else {
            return Ok(None);
        };
        // Touch at most once a minute: one write per minute per session, not per request.
        if now - s.last_seen_at > 60_000_000 {
            let idle = self.settings.session_idle.whole_microseconds() as i64;
            self.store.write(|c| {
                repo::touch_session(c, tenant_id, &s.id, now, now + idle).map_err(AppError::from)
            })?;
        }
        let state = if s.mfa_verified {
            SessionState::Full
        } else if user.totp_enabled_at.is_some() {
            SessionState::NeedsTotp
        } else if user.kind == AccountKind::Staff.as_str() {
            SessionState::NeedsEnrolment
        } else {
            SessionState::Full
        };
        Ok(Some(Principal {
            tenant_id: tenant_id.to_owned(),
            user,
            grants,
            via: Via::Session {
                session_id: s.id,
                csrf: s.csrf_token,
                state,
            },
        }))
    }

    pub fn sign_out(&self, principal: &Principal) -> Result<(), AppError> {
        let Via::Session { session_id, .. } = &principal.via else {
            return Ok(());
        };
        let now = self.now_ts();
        self.store.write(|conn| {
            repo::delete_session(conn, &principal.tenant_id, session_id)?;
            record(
                conn,
                &principal.tenant_id,
                &principal.actor(),
                "auth.sign_out",
                ("user", Some(&principal.user.id)),
                json!({}),
                now,
            )
        })
    }

    /// Ends every session of the user (all browsers and devices).
    pub fn sign_out_everywhere(&self, principal: &Principal) -> Result<usize, AppError> {
        let now = self.now_ts();
        self.store.write(|conn| {
            let n = repo::delete_user_sessions(conn, &principal.tenant_id, &principal.user.id)?;
            record(
                conn,
                &principal.tenant_id,
                &principal.actor(),
                "auth.sign_out_everywhere",
                ("user", Some(&principal.user.id)),
                json!({ "sessions": n }),
                now,
            )?;
            Ok(n)
        })
    }

    // ---------------------------------------------------------------- API tokens

    /// Creates an API token for a user; returns the raw token (shown once) and its record.
    pub fn create_api_token(
        &self,
        tenant_id: &str,
        user_id: &str,
        name: &str,
        scopes: &[String],
        valid_days: Option<i64>,
        actor: &Actor,
    ) -> Result<(String, ApiTokenRow), AppError> {
        const KNOWN: [&str; 3] = ["read", "write", "admin"];
        if scopes.is_empty() || scopes.iter().any(|s| !KNOWN.contains(&s.as_str())) {
            return Err(AppError::field(
                "scopes",
                "format",
                "Zakresy tokenu: read, write, admin (co najmniej jeden).",
                "Token scopes: read, write, admin (at least one).",
            ));
        }
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(AppError::field(
                "name",
                "format",
                "Nazwij token (do 100 znaków).",
                "Name the token (up to 100 characters).",
            ));
        }
        let now = self.now_ts();
        let token = format!("rtz_{}", random_token(32));
        self.store.write(|conn| {
            let user = repo::user(conn, tenant_id, user_id)?.ok_or(AppError::NotFound)?;
            let row = ApiTokenRow {
                id: ratusz_store::new_id(),
                tenant_id: tenant_id.to_owned(),
                user_id: user.id.clone(),
                name: name.to_owned(),
                token_hash: sha256_hex(token.as_bytes()),
                scopes: scopes.join(" "),
                created_at: now,
                expires_at: valid_days.map(|d| now + d * 86_400_000_000),
                revoked_at: None,
                last_used_at: None,
            };
            repo::insert_api_token(conn, &row)?;
            record(
                conn,
                tenant_id,
                actor,
                "api_token.create",
                ("api_token", Some(&row.id)),
                json!({ "user": user.email, "name": name, "scopes": scopes }),
                now,
            )?;
            Ok((token, row))
        })
    }

    /// A tenant's API tokens (hashes only; the secret is never stored).
    pub fn api_tokens(&self, tenant_id: &str) -> Result<Vec<ApiTokenRow>, AppError> {
        self.store
            .read(|c| Ok(repo::api_tokens_of_tenant(c, tenant_id)?))
    }

    pub fn revoke_api_token(
        &self,
        tenant_id: &str,
        token_id: &str,
        actor: &Actor,
    ) -> Result<(), AppError> {
        let now = self.now_ts();
        self.token_cache.clear();
        self.store.write(|conn| {
            repo::revoke_api_token(conn, tenant_id, token_id, now)?;
            record(
                conn,
                tenant_id,
                actor,
                "api_token.revoke",
                ("api_token", Some(token_id)),
                json!({}),
                now,
            )
        })
    }

    /// The principal of a bearer token, if it is valid, unrevoked and unexpired.
    pub fn authenticate_token(&self, token: &str) -> Result<Option<Principal>, AppError> {
        if !token.starts_with("rtz_") || token.len() > 200 {
            return Ok(None);
        }
        let now = self.now_ts();
        let hash = sha256_hex(token.as_bytes());
        if let Some(p) = self.token_cache.get(&hash, now) {
            return Ok(Some(p));
        }
        let found = self.store.read(|conn| {
            let Some((t, user)) = repo::live_token_user(conn, &hash, now)? else {
                return Ok::<_, AppError>(None);
            };
            let grants = grants_of(&repo::roles(conn, &t.tenant_id, &user.id)?);
            let expires_at = t.expires_at;
            Ok(Some((
                expires_at,
                Principal {
                    tenant_id: t.tenant_id.clone(),
                    user,
                    grants,
                    via: Via::Token {
                        token_id: t.id,
                        scopes: t.scopes.split_whitespace().map(str::to_owned).collect(),
                    },
                },
            )))
        })?;
        Ok(found.map(|(expires_at, p)| {
            self.token_cache.put(hash, now, expires_at, p.clone());
            p
        }))
    }
}

fn email_taken() -> AppError {
    AppError::field(
        "email",
        "taken",
        "Konto z tym adresem e-mail już istnieje.",
        "An account with this e-mail address already exists.",
    )
}

fn grant_role_tx(
    conn: &mut Db,
    tenant_id: &str,
    user_id: &str,
    role: Role,
    unit_id: Option<&str>,
    actor: &Actor,
    now: i64,
) -> Result<(), AppError> {
    let existing = repo::roles(conn, tenant_id, user_id)?;
    if existing
        .iter()
        .any(|r| r.role == role.as_str() && r.unit_id.as_deref() == unit_id)
    {
        return Ok(());
    }
    repo::insert_role(
        conn,
        &RoleRow {
            id: ratusz_store::new_id(),
            tenant_id: tenant_id.to_owned(),
            user_id: user_id.to_owned(),
            role: role.as_str().into(),
            unit_id: unit_id.map(str::to_owned),
            granted_by: actor.id().map(str::to_owned),
            granted_at: now,
        },
    )?;
    record(
        conn,
        tenant_id,
        actor,
        "role.grant",
        ("user", Some(user_id)),
        json!({ "role": role.as_str(), "unit": unit_id }),
        now,
    )
}

fn insert_email_token(
    conn: &mut Db,
    tenant_id: &str,
    user_id: &str,
    purpose: &str,
    token: &str,
    now: i64,
    valid_hours: i64,
) -> Result<(), AppError> {
    repo::insert_email_token(
        conn,
        &EmailTokenRow {
            id: ratusz_store::new_id(),
            tenant_id: tenant_id.to_owned(),
            user_id: user_id.to_owned(),
            purpose: purpose.to_owned(),
            token_hash: sha256_hex(token.as_bytes()),
            created_at: now,
            expires_at: now + valid_hours * 3_600_000_000,
            used_at: None,
        },
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            normalize_email("  Jan.Kowalski@Example.PL ").unwrap(),
            (
                "Jan.Kowalski@Example.PL".into(),
                "jan.kowalski@example.pl".into()
            )
        );
        for bad in [
            "",
            "jan",
            "jan@",
            "@x.pl",
            "jan@pl",
            "jan kowalski@x.pl",
            "a@b@c.pl",
            "jan@.pl",
        ] {
            assert!(normalize_email(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn recovery_codes_are_long_and_normalise() {
        let c = new_recovery_code();
        assert_eq!(c.len(), 19);
        assert_eq!(normalize_recovery_code(&c).len(), 16);
        assert_eq!(
            normalize_recovery_code(&c.to_uppercase()),
            normalize_recovery_code(&c)
        );
        assert_ne!(new_recovery_code(), c);
    }
}
