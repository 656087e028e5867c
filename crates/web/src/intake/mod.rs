//! AI intake on the web: the facts API (`/api/v1/intake/facts`, the facts Ratusz reads from
//! a letter's text, for the registry desk's tools and scanners' software) and the staff
//! panel's queue, decisions and rules ([`panel`]).

pub mod panel;

use axum::Json;
use axum::response::{IntoResponse, Response};
use ratusz_app::AppError;
use ratusz_core::roles::Permission;
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;

use crate::api::{Api, ApiJson};
use crate::errors::ApiError;

/// The longest text read at once (about 100 pages).
pub const MAX_TEXT_CHARS: usize = 200_000;

#[derive(Deserialize, ToSchema)]
pub struct FactsIn {
    /// The letter's text (e.g. from OCR), up to 200,000 characters.
    pub text: String,
}

/// The facts in a letter's text: PESEL, NIP, REGON, IBAN, e-Delivery addresses, e-mail,
/// phones, dates, amounts (grosze) and case signs (with `referenced` when the letter says it
/// concerns that case). Identifiers are checked (checksums, dates). Staff token; the text is
/// neither stored nor logged.
#[utoipa::path(post, path = "/api/v1/intake/facts", tag = "intake", security(("bearer" = [])), request_body = FactsIn,
    responses((status = 200, description = "facts: kind, value, start, end, referenced"), (status = 422, body = crate::errors::ApiErrorBody)))]
pub async fn facts(api: Api, ApiJson(body): ApiJson<FactsIn>) -> Result<Response, ApiError> {
    ratusz_app::registry::require_anywhere(&api.principal, Permission::UsePanel)
        .map_err(|e| ApiError::from_app(e, api.lang))?;
    if body.text.chars().count() > MAX_TEXT_CHARS {
        return Err(ApiError::from_app(
            AppError::field(
                "text",
                "too-long",
                format!("Tekst może mieć najwyżej {MAX_TEXT_CHARS} znaków; podziel go na części."),
                format!("The text can have at most {MAX_TEXT_CHARS} characters; split it."),
            ),
            api.lang,
        ));
    }
    let facts = ratusz_core::intake::extract(&body.text);
    Ok(Json(json!({ "facts": facts })).into_response())
}
