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

mod residents;
mod signin;
mod staff;
mod tokens;

pub use signin::{DeviceSession, constant_time_eq};
pub use staff::integration_key;
pub use tokens::TokenCache;

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
                    "read" => 1u8,
                    "write" => 2,
                    "admin" => 3,
                    _ => 0,
                };
                let need = p.token_level();
                scopes.iter().map(|s| level(s)).max().unwrap_or(0) >= need
            }
            Via::Session { state, .. } => *state == SessionState::Full,
        };
        scope_ok && ratusz_core::roles::allowed(&self.grants, p, unit)
    }

    /// Whether the principal may change things: a full session, or a token with scope
    /// `write` or `admin` (a `read` token only reads, whatever the permission).
    pub fn can_write(&self) -> bool {
        match &self.via {
            Via::Token { scopes, .. } => scopes.iter().any(|s| s == "write" || s == "admin"),
            Via::Session { state, .. } => *state == SessionState::Full,
        }
    }

    pub fn session_state(&self) -> Option<SessionState> {
        match &self.via {
            Via::Session { state, .. } => Some(*state),
            Via::Token { .. } => None,
        }
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

pub fn grants_of(rows: &[RoleRow]) -> Vec<Grant> {
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
}

/// A new account with the fields every kind shares; the caller fills what differs.
pub(crate) fn new_user(
    tenant_id: &str,
    kind: AccountKind,
    email: &str,
    email_key: &str,
    display_name: &str,
    password_hash: Option<String>,
    now: i64,
) -> UserRow {
    UserRow {
        id: ratusz_store::new_id(),
        tenant_id: tenant_id.to_owned(),
        kind: kind.as_str().into(),
        email: email.to_owned(),
        email_key: email_key.to_owned(),
        display_name: display_name.to_owned(),
        password_hash,
        email_verified_at: None,
        totp_secret: None,
        totp_enabled_at: None,
        totp_last_step: None,
        disabled_at: None,
        created_at: now,
        updated_at: now,
    }
}

/// Stores a resident's account with the resident role (sign-up and the demo).
pub(crate) fn insert_resident(conn: &mut Db, user: &UserRow, now: i64) -> Result<(), AppError> {
    repo::insert_user(conn, user)?;
    repo::insert_role(
        conn,
        &RoleRow {
            id: ratusz_store::new_id(),
            tenant_id: user.tenant_id.clone(),
            user_id: user.id.clone(),
            role: Role::Resident.as_str().into(),
            unit_id: None,
            granted_by: None,
            granted_at: now,
        },
    )?;
    Ok(())
}

fn email_taken() -> AppError {
    AppError::field(
        "email",
        "taken",
        "Konto z tym adresem e-mail już istnieje.",
        "An account with this e-mail address already exists.",
    )
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
}
