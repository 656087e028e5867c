//! The portal in `/api/v1`, for a mobile app: the catalogue and cards (no token), submitting
//! a form with files (base64), drafts, "my matters", the receipt as JSON and PDF, and the
//! status check without an account.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use ratusz_app::eservices::submit::SubmitInput;
use ratusz_app::registry::upload::Upload;
use ratusz_app::{AppError, FieldError};
use ratusz_core::eservices::Answers;
use serde::Deserialize;
use serde_json::json;
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::api::{Api, ApiJson, ApiPath, ApiQuery, api_lang};
use crate::ctx::Tenant;
use crate::errors::ApiError;

fn fail(lang: crate::i18n::Lang) -> impl Fn(AppError) -> ApiError {
    move |e| ApiError::from_app(e, lang)
}

#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
pub struct ServicesQuery {
    /// Words that must all occur in the card (accents optional).
    pub q: String,
}

/// The catalogue of published e-services (no token needed).
#[utoipa::path(get, path = "/api/v1/services", tag = "portal", params(ServicesQuery),
    responses((status = 200, description = "Services")))]
pub async fn services(
    State(state): State<AppState>,
    Extension(Tenant(tenant)): Extension<Tenant>,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<ServicesQuery>,
) -> Result<Response, ApiError> {
    let lang = api_lang(&headers);
    let rows = state
        .app
        .blocking(move |a| a.services(&tenant.tenant_id, &q.q, false))
        .await
        .map_err(fail(lang))?;
    Ok(Json(json!(rows)).into_response())
}

/// A service card with its form definition (parsed) (no token needed).
#[utoipa::path(get, path = "/api/v1/services/{slug}", tag = "portal",
    responses((status = 200, description = "The card and form"), (status = 404, body = crate::errors::ApiErrorBody)))]
pub async fn service(
    State(state): State<AppState>,
    Extension(Tenant(tenant)): Extension<Tenant>,
    headers: HeaderMap,
    ApiPath(slug): ApiPath,
) -> Result<Response, ApiError> {
    let lang = api_lang(&headers);
    let s = state
        .app
        .blocking(move |a| a.service(&tenant.tenant_id, &slug, false))
        .await
        .map_err(fail(lang))?;
    Ok(Json(json!({"service": s.row, "definition": &*s.def})).into_response())
}

/// A file of a file field, inline.
#[derive(Deserialize, ToSchema)]
pub struct SubmittedFile {
    /// The id of the file field.
    pub field: String,
    pub file_name: String,
    /// The content, base64 (standard alphabet).
    pub content_base64: String,
}

#[derive(Deserialize, ToSchema)]
pub struct SubmissionIn {
    /// Field id → value (address parts as `<id>.street`, `<id>.postal_code`, `<id>.city`).
    #[serde(default)]
    #[schema(value_type = Object)]
    pub answers: Answers,
    #[serde(default)]
    pub files: Vec<SubmittedFile>,
    /// Any unique string per submission attempt (e.g. a UUID); retrying with the same key
    /// returns the first submission.
    pub idempotency_key: String,
}

/// Submits a form (resident's token, scope `write`). 201 with the receipt.
#[utoipa::path(post, path = "/api/v1/services/{slug}/submissions", tag = "portal", security(("bearer" = [])), request_body = SubmissionIn,
    responses((status = 201, description = "The submission and its receipt"), (status = 422, body = crate::errors::ApiErrorBody)))]
pub async fn submit(
    State(state): State<AppState>,
    api: Api,
    ApiPath(slug): ApiPath,
    ApiJson(body): ApiJson<SubmissionIn>,
) -> Result<Response, ApiError> {
    api.require_write()?;
    let lang = api.lang;
    let mut files = Vec::new();
    for f in body.files {
        use base64::Engine as _;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(f.content_base64.trim())
            .map_err(|_| {
                ApiError::from_app(
                    AppError::Invalid(vec![FieldError::new(
                        &f.field,
                        "base64",
                        "Zawartość pliku musi być zakodowana w base64.",
                        "The file content must be base64-encoded.",
                    )]),
                    lang,
                )
            })?;
        files.push((
            f.field,
            Upload {
                file_name: f.file_name,
                bytes,
            },
        ));
    }
    let p = api.principal.clone();
    let input = SubmitInput {
        answers: body.answers,
        files,
        idempotency_key: body.idempotency_key,
    };
    let (sub, receipt) = state
        .app
        .blocking(move |a| {
            let sub = a.submit_application(&p, &slug, input)?;
            let receipt = a.receipt(&p, &sub.id)?;
            Ok((sub, receipt))
        })
        .await
        .map_err(fail(lang))?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"id": sub.id, "receipt": receipt})),
    )
        .into_response())
}

#[derive(Deserialize, ToSchema)]
pub struct DraftIn {
    #[schema(value_type = Object)]
    pub answers: Answers,
}

/// Saves a draft of a form (resident's token).
#[utoipa::path(put, path = "/api/v1/services/{slug}/draft", tag = "portal", security(("bearer" = [])), request_body = DraftIn,
    responses((status = 204, description = "Saved")))]
pub async fn save_draft(
    State(state): State<AppState>,
    api: Api,
    ApiPath(slug): ApiPath,
    ApiJson(body): ApiJson<DraftIn>,
) -> Result<Response, ApiError> {
    api.require_write()?;
    let p = api.principal.clone();
    state
        .app
        .blocking(move |a| a.save_draft(&p, &slug, &body.answers))
        .await
        .map_err(fail(api.lang))?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// The saved draft of a form (resident's token); `{}` when none.
#[utoipa::path(get, path = "/api/v1/services/{slug}/draft", tag = "portal", security(("bearer" = [])),
    responses((status = 200, description = "Answers saved so far")))]
pub async fn get_draft(
    State(state): State<AppState>,
    api: Api,
    ApiPath(slug): ApiPath,
) -> Result<Response, ApiError> {
    let p = api.principal.clone();
    let d = state
        .app
        .blocking(move |a| a.draft(&p, &slug))
        .await
        .map_err(fail(api.lang))?;
    Ok(Json(json!(d.unwrap_or_default())).into_response())
}

/// "My matters" (resident's token).
#[utoipa::path(get, path = "/api/v1/matters", tag = "portal", security(("bearer" = [])),
    responses((status = 200, description = "Matters, newest first")))]
pub async fn matters(State(state): State<AppState>, api: Api) -> Result<Response, ApiError> {
    let p = api.principal.clone();
    let list = state
        .app
        .blocking(move |a| a.my_matters(&p, 100, 0))
        .await
        .map_err(fail(api.lang))?;
    Ok(Json(json!(list)).into_response())
}

/// One matter with its history and receipt (resident's token).
#[utoipa::path(get, path = "/api/v1/matters/{id}", tag = "portal", security(("bearer" = [])),
    responses((status = 200, description = "The matter"), (status = 404, body = crate::errors::ApiErrorBody)))]
pub async fn matter(
    State(state): State<AppState>,
    api: Api,
    ApiPath(id): ApiPath,
) -> Result<Response, ApiError> {
    let p = api.principal.clone();
    let (m, r) = state
        .app
        .blocking(move |a| Ok((a.my_matter(&p, &id)?, a.receipt(&p, &id)?)))
        .await
        .map_err(fail(api.lang))?;
    Ok(Json(json!({"matter": m, "receipt": r})).into_response())
}

/// The receipt (UPO) as a PDF (resident's token).
#[utoipa::path(get, path = "/api/v1/matters/{id}/receipt.pdf", tag = "portal", security(("bearer" = [])),
    responses((status = 200, description = "PDF"), (status = 404, body = crate::errors::ApiErrorBody)))]
pub async fn receipt_pdf(
    State(state): State<AppState>,
    api: Api,
    ApiPath(id): ApiPath,
) -> Result<Response, ApiError> {
    let p = api.principal.clone();
    let pdf = state
        .app
        .blocking(move |a| a.receipt_pdf(&p, &id))
        .await
        .map_err(fail(api.lang))?;
    Ok(([(axum::http::header::CONTENT_TYPE, "application/pdf")], pdf).into_response())
}

#[derive(Deserialize, ToSchema)]
pub struct StatusIn {
    /// The receipt number (`UPO/2026/000001`) or the case sign.
    pub reference: String,
    /// The tracking code from the receipt.
    pub code: String,
}

/// The status of a matter without an account (no token).
#[utoipa::path(post, path = "/api/v1/status", tag = "portal", request_body = StatusIn,
    responses((status = 200, description = "The matter"), (status = 422, body = crate::errors::ApiErrorBody)))]
pub async fn status(
    State(state): State<AppState>,
    Extension(Tenant(tenant)): Extension<Tenant>,
    extensions: axum::http::Extensions,
    headers: HeaderMap,
    ApiJson(body): ApiJson<StatusIn>,
) -> Result<Response, ApiError> {
    let lang = api_lang(&headers);
    let peer = extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0);
    let ip = crate::ctx::client_ip(&headers, peer, state.cfg.trust_proxy);
    let m = state
        .app
        .blocking(move |a| {
            a.public_status_from(&tenant.tenant_id, &ip, &body.reference, &body.code)
        })
        .await
        .map_err(fail(lang))?;
    Ok(Json(json!(m)).into_response())
}
