//! The one error type of the use cases. The web layer maps each variant to a page and to the
//! API's `{code, message}`; internal details never reach a response.

use ratusz_store::StoreError;
use serde::Serialize;

/// A problem with one input field, in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    pub code: String,
    pub message_pl: String,
    pub message_en: String,
}

impl FieldError {
    pub fn new(field: &str, code: &str, pl: impl Into<String>, en: impl Into<String>) -> Self {
        Self {
            field: field.to_owned(),
            code: code.to_owned(),
            message_pl: pl.into(),
            message_en: en.into(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    #[error("not signed in")]
    Unauthenticated,
    /// Wrong e-mail or password (deliberately not saying which).
    #[error("bad credentials")]
    BadCredentials,
    #[error("bad second factor")]
    BadTotp,
    #[error("too many attempts")]
    Throttled { retry_after_secs: i64 },
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("link expired or already used")]
    TokenInvalid,
    #[error("unavailable: {0}")]
    Unavailable(String),
    /// Virus scanning is configured but clamd cannot scan now; nothing was stored. A variant of
    /// its own so that people are told why (and that trying again later helps).
    #[error("antivirus unavailable: {0}")]
    AntivirusUnavailable(String),
    #[error("internal: {0}")]
    Internal(String),
}

impl AppError {
    pub fn field(field: &str, code: &str, pl: impl Into<String>, en: impl Into<String>) -> Self {
        AppError::Invalid(vec![FieldError::new(field, code, pl, en)])
    }

    /// Stable machine-readable code for the API.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Invalid(_) => "invalid_input",
            AppError::Unauthenticated => "unauthenticated",
            AppError::BadCredentials => "bad_credentials",
            AppError::BadTotp => "bad_totp",
            AppError::Throttled { .. } => "too_many_attempts",
            AppError::Forbidden => "forbidden",
            AppError::NotFound => "not_found",
            AppError::Conflict(_) => "conflict",
            AppError::TokenInvalid => "token_invalid",
            AppError::Unavailable(_) => "unavailable",
            AppError::AntivirusUnavailable(_) => "antivirus_unavailable",
            AppError::Internal(_) => "internal",
        }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => AppError::NotFound,
            StoreError::Conflict(what) => AppError::Conflict(what),
            StoreError::Unavailable(s) => AppError::Unavailable(s),
            other => AppError::Internal(other.to_string()),
        }
    }
}
