//! The portal after submission in `/api/v1`, so that a mobile app can do what the portal
//! does: a matter's messages (files as base64), its delivered letters (reading one is its
//! delivery), the survey, the notifications and their e-mail preferences; for the office,
//! messages to the resident, a case's portal matter and the survey's results.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use ratusz_app::AppError;
use serde::Deserialize;
use serde_json::json;
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::api::{Api, ApiJson, ApiPath, ApiPath2, ApiQuery};
use crate::errors::ApiError;
use crate::registry_api::{FileIn, decode_files};

fn fail(lang: crate::i18n::Lang) -> impl Fn(AppError) -> ApiError {
    move |e| ApiError::from_app(e, lang)
}

fn content(c: ratusz_app::casefiles::Content) -> Response {
    crate::registry::download(&c.file_name, &c.media_type, c.bytes)
}

#[derive(Deserialize, ToSchema)]
pub struct MessageIn {
    /// The text (up to 5,000 characters); may be empty when files are attached.
    #[serde(default)]
    pub body: String,
    /// `message` (default) or `supplement` (the answer to a request to remedy deficiencies).
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub files: Vec<FileIn>,
}

/// The thread of a matter; the office's messages count as read (resident's token).
#[utoipa::path(get, path = "/api/v1/matters/{id}/messages", tag = "portal", security(("bearer" = [])),
    responses((status = 200, description = "Messages, oldest first"), (status = 404, body = crate::errors::ApiErrorBody)))]
pub async fn messages(
    State(state): State<AppState>,
    api: Api,
    ApiPath(id): ApiPath,
) -> Result<Response, ApiError> {
    let p = api.principal.clone();
    let list = state
        .app
        .blocking(move |a| a.matter_messages(&p, &id))
        .await
        .map_err(fail(api.lang))?;
    Ok(Json(json!(list)).into_response())
}

/// Writes to the office on a matter, or answers a request to remedy deficiencies (resident's
/// token, scope `write`). The message is registered as an incoming item of the case.
#[utoipa::path(post, path = "/api/v1/matters/{id}/messages", tag = "portal", security(("bearer" = [])), request_body = MessageIn,
    responses((status = 201, description = "The message"), (status = 422, body = crate::errors::ApiErrorBody)))]
pub async fn message_post(
    State(state): State<AppState>,
    api: Api,
    ApiPath(id): ApiPath,
    ApiJson(body): ApiJson<MessageIn>,
) -> Result<Response, ApiError> {
    api.require_write()?;
    let lang = api.lang;
    let files = decode_files(body.files).map_err(fail(lang))?;
    let supplement = match body.kind.as_str() {
        "" | "message" => false,
        "supplement" => true,
        _ => {
            return Err(ApiError::from_app(
                AppError::field(
                    "kind",
                    "unknown",
                    "Rodzaj wiadomości to „message” albo „supplement”.",
                    "The kind is \"message\" or \"supplement\".",
                ),
                lang,
            ));
        }
    };
    let p = api.principal.clone();
    let m = state
        .app
        .blocking(move |a| a.send_message(&p, &id, &body.body, supplement, files))
        .await
        .map_err(fail(lang))?;
    Ok((StatusCode::CREATED, Json(json!(m))).into_response())
}

/// Letters delivered to a matter's inbox with their delivery state (resident's token).
#[utoipa::path(get, path = "/api/v1/matters/{id}/deliveries", tag = "portal", security(("bearer" = [])),
    responses((status = 200, description = "Deliveries: opened_at, deemed_at, reply_by")))]
pub async fn deliveries(
    State(state): State<AppState>,
    api: Api,
    ApiPath(id): ApiPath,
) -> Result<Response, ApiError> {
    let p = api.principal.clone();
    let list = state
        .app
        .blocking(move |a| a.matter_deliveries(&p, &id))
        .await
        .map_err(fail(api.lang))?;
    Ok(Json(json!(list)).into_response())
}

/// A delivered letter (PDF); the first reading is its delivery (resident's token).
#[utoipa::path(get, path = "/api/v1/matters/{id}/deliveries/{delivery}", tag = "portal", security(("bearer" = [])),
    responses((status = 200, description = "The letter"), (status = 404, body = crate::errors::ApiErrorBody)))]
pub async fn delivery(
    State(state): State<AppState>,
    api: Api,
    ApiPath2(id, did): ApiPath2,
) -> Result<Response, ApiError> {
    let p = api.principal.clone();
    let c = state
        .app
        .blocking(move |a| a.open_delivery(&p, &id, &did))
        .await
        .map_err(fail(api.lang))?;
    Ok(content(c))
}

/// A file of a message of the matter (resident's token).
#[utoipa::path(get, path = "/api/v1/matters/{id}/files/{document}", tag = "portal", security(("bearer" = [])),
    responses((status = 200, description = "The file"), (status = 404, body = crate::errors::ApiErrorBody)))]
pub async fn file(
    State(state): State<AppState>,
    api: Api,
    ApiPath2(id, doc): ApiPath2,
) -> Result<Response, ApiError> {
    let p = api.principal.clone();
    let c = state
        .app
        .blocking(move |a| a.matter_file(&p, &id, &doc))
        .await
        .map_err(fail(api.lang))?;
    Ok(content(c))
}

#[derive(Deserialize, ToSchema)]
pub struct SurveyIn {
    /// 1 (bad) to 5 (very good).
    pub rating: i32,
    #[serde(default)]
    pub comment: String,
}

/// Whether the matter can be rated, and the rating given (resident's token).
#[utoipa::path(get, path = "/api/v1/matters/{id}/survey", tag = "portal", security(("bearer" = [])),
    responses((status = 200, description = "can_rate and the answer")))]
pub async fn survey(
    State(state): State<AppState>,
    api: Api,
    ApiPath(id): ApiPath,
) -> Result<Response, ApiError> {
    let p = api.principal.clone();
    let (can_rate, answer) = state
        .app
        .blocking(move |a| a.survey_state(&p, &id))
        .await
        .map_err(fail(api.lang))?;
    Ok(Json(json!({"can_rate": can_rate, "answer": answer})).into_response())
}

/// Rates a closed matter, once (resident's token, scope `write`).
#[utoipa::path(post, path = "/api/v1/matters/{id}/survey", tag = "portal", security(("bearer" = [])), request_body = SurveyIn,
    responses((status = 201, description = "The answer"), (status = 422, body = crate::errors::ApiErrorBody)))]
pub async fn survey_post(
    State(state): State<AppState>,
    api: Api,
    ApiPath(id): ApiPath,
    ApiJson(body): ApiJson<SurveyIn>,
) -> Result<Response, ApiError> {
    api.require_write()?;
    let p = api.principal.clone();
    let r = state
        .app
        .blocking(move |a| a.answer_survey(&p, &id, &body.rating.to_string(), &body.comment))
        .await
        .map_err(fail(api.lang))?;
    Ok((StatusCode::CREATED, Json(json!(r))).into_response())
}

/// The resident's notifications, newest first, with the unread count (resident's token).
#[utoipa::path(get, path = "/api/v1/notifications", tag = "portal", security(("bearer" = [])),
    responses((status = 200, description = "unread and items (kind, params as JSON text)")))]
pub async fn notifications(State(state): State<AppState>, api: Api) -> Result<Response, ApiError> {
    let p = api.principal.clone();
    let (items, unread) = state
        .app
        .blocking(move |a| Ok((a.my_notifications(&p, 200)?, a.unread_notifications(&p)?)))
        .await
        .map_err(fail(api.lang))?;
    Ok(Json(json!({"unread": unread, "items": items})).into_response())
}

#[derive(Deserialize, ToSchema, IntoParams, Default)]
#[serde(default)]
pub struct ReadIn {
    /// Only the notifications of this matter; all when empty.
    pub submission_id: String,
}

/// Marks notifications read (resident's token, scope `write`).
#[utoipa::path(post, path = "/api/v1/notifications/read", tag = "portal", security(("bearer" = [])), request_body = ReadIn,
    responses((status = 200, description = "How many were marked")))]
pub async fn notifications_read(
    State(state): State<AppState>,
    api: Api,
    ApiJson(body): ApiJson<ReadIn>,
) -> Result<Response, ApiError> {
    api.require_write()?;
    let p = api.principal.clone();
    let n = state
        .app
        .blocking(move |a| {
            let only = (!body.submission_id.is_empty()).then_some(body.submission_id.as_str());
            a.read_notifications(&p, only)
        })
        .await
        .map_err(fail(api.lang))?;
    Ok(Json(json!({"marked": n})).into_response())
}

#[derive(Deserialize, ToSchema)]
pub struct PreferencesIn {
    pub email_status: bool,
    pub email_messages: bool,
    pub email_deadlines: bool,
    pub email_surveys: bool,
}

/// The resident's e-mail preferences (resident's token).
#[utoipa::path(get, path = "/api/v1/notification-preferences", tag = "portal", security(("bearer" = [])),
    responses((status = 200, description = "Preferences")))]
pub async fn preferences(State(state): State<AppState>, api: Api) -> Result<Response, ApiError> {
    let p = api.principal.clone();
    let r = state
        .app
        .blocking(move |a| a.notification_preferences(&p))
        .await
        .map_err(fail(api.lang))?;
    Ok(Json(json!(r)).into_response())
}

/// Saves the resident's e-mail preferences (resident's token, scope `write`).
#[utoipa::path(put, path = "/api/v1/notification-preferences", tag = "portal", security(("bearer" = [])), request_body = PreferencesIn,
    responses((status = 200, description = "Preferences")))]
pub async fn preferences_put(
    State(state): State<AppState>,
    api: Api,
    ApiJson(b): ApiJson<PreferencesIn>,
) -> Result<Response, ApiError> {
    api.require_write()?;
    let p = api.principal.clone();
    let r = state
        .app
        .blocking(move |a| {
            a.set_notification_preferences(
                &p,
                b.email_status,
                b.email_messages,
                b.email_deadlines,
                b.email_surveys,
            )
        })
        .await
        .map_err(fail(api.lang))?;
    Ok(Json(json!(r)).into_response())
}

#[derive(Deserialize, ToSchema)]
pub struct OfficeMessageIn {
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub files: Vec<FileIn>,
}

/// The office writes to the resident of a case from the portal (staff token, scope `write`).
#[utoipa::path(post, path = "/api/v1/cases/{id}/portal/messages", tag = "portal", security(("bearer" = [])), request_body = OfficeMessageIn,
    responses((status = 201, description = "The message"), (status = 422, body = crate::errors::ApiErrorBody)))]
pub async fn office_message(
    State(state): State<AppState>,
    api: Api,
    ApiPath(id): ApiPath,
    ApiJson(body): ApiJson<OfficeMessageIn>,
) -> Result<Response, ApiError> {
    api.require_write()?;
    let lang = api.lang;
    let files = decode_files(body.files).map_err(fail(lang))?;
    let p = api.principal.clone();
    let m = state
        .app
        .blocking(move |a| a.office_message(&p, &id, &body.body, files))
        .await
        .map_err(fail(lang))?;
    Ok((StatusCode::CREATED, Json(json!(m))).into_response())
}

/// A case's portal matter: receipt number, thread and deliveries; 404 when the case did not
/// come through the portal (staff token).
#[utoipa::path(get, path = "/api/v1/cases/{id}/portal", tag = "portal", security(("bearer" = [])),
    responses((status = 200, description = "The portal matter"), (status = 404, body = crate::errors::ApiErrorBody)))]
pub async fn case_portal(
    State(state): State<AppState>,
    api: Api,
    ApiPath(id): ApiPath,
) -> Result<Response, ApiError> {
    let p = api.principal.clone();
    let v = state
        .app
        .blocking(move |a| a.case_portal(&p, &id)?.ok_or(AppError::NotFound))
        .await
        .map_err(fail(api.lang))?;
    let (sub, messages, deliveries) = v;
    Ok(Json(json!({
        "receipt_number": sub.receipt_number,
        "received_at": sub.received_at,
        "messages": messages,
        "deliveries": deliveries,
    }))
    .into_response())
}

#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
pub struct NoQuery {}

/// The satisfaction survey's results per service and unit (managers and admin).
#[utoipa::path(get, path = "/api/v1/surveys", tag = "portal", security(("bearer" = [])),
    responses((status = 200, description = "Results"), (status = 403, body = crate::errors::ApiErrorBody)))]
pub async fn surveys(
    State(state): State<AppState>,
    api: Api,
    ApiQuery(_): ApiQuery<NoQuery>,
) -> Result<Response, ApiError> {
    let p = api.principal.clone();
    let r = state
        .app
        .blocking(move |a| a.survey_results(&p))
        .await
        .map_err(fail(api.lang))?;
    Ok(Json(json!(r)).into_response())
}
