//! The registry and cases in the JSON API (`/api/v1`), for integrations and robots: the same
//! use cases as the panel, the same permission checks, `{code, message}` errors.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use ratusz_app::cases::OpenCaseInput;
use ratusz_app::registry::assign::AssignInput;
use ratusz_app::registry::incoming::IncomingInput;
use ratusz_app::registry::upload::Upload;
use ratusz_app::store::registry::{IncomingFilter, OutgoingFilter};
use ratusz_app::{AppError, FieldError};
use serde::Deserialize;
use serde_json::json;
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::api::{Api, ApiJson, ApiPath, ApiQuery};
use crate::errors::ApiError;

fn fail(api: &Api) -> impl Fn(AppError) -> ApiError + '_ {
    move |e| ApiError::from_app(e, api.lang)
}

fn created(v: impl serde::Serialize) -> Response {
    (StatusCode::CREATED, Json(json!(v))).into_response()
}

/// A file sent inline.
#[derive(Deserialize, ToSchema)]
pub struct FileIn {
    pub file_name: String,
    /// The content, base64 (standard alphabet).
    pub content_base64: String,
}

/// An incoming item with optional files.
#[derive(Deserialize, ToSchema)]
pub struct IncomingIn {
    #[serde(flatten)]
    pub item: IncomingInput,
    #[serde(default)]
    pub files: Vec<FileIn>,
}

pub(crate) fn decode_files(files: Vec<FileIn>) -> Result<Vec<Upload>, AppError> {
    files
        .into_iter()
        .map(|f| {
            base64::engine::general_purpose::STANDARD
                .decode(f.content_base64.trim())
                .map(|bytes| Upload {
                    file_name: f.file_name,
                    bytes,
                })
                .map_err(|_| {
                    AppError::Invalid(vec![FieldError::new(
                        "files",
                        "base64",
                        "Zawartość pliku musi być zakodowana w base64.",
                        "The file content must be base64-encoded.",
                    )])
                })
        })
        .collect()
}

/// Registers an incoming item (scope `write`).
#[utoipa::path(post, path = "/api/v1/incoming", tag = "registry", security(("bearer" = [])), request_body = IncomingIn,
    responses((status = 201, description = "The registered item"), (status = 422, body = crate::errors::ApiErrorBody)))]
pub async fn incoming_create(
    State(state): State<AppState>,
    api: Api,
    ApiJson(body): ApiJson<IncomingIn>,
) -> Result<Response, ApiError> {
    let p = api.principal.clone();
    let item = state
        .app
        .blocking(move |a| {
            let files = decode_files(body.files)?;
            a.register_incoming(&p, &body.item, files)
        })
        .await
        .map_err(fail(&api))?;
    Ok(created(item))
}

#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
pub struct ListQuery {
    pub year: Option<i32>,
    pub channel: Option<String>,
    pub kind: Option<String>,
    pub q: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// The incoming register, newest first (what the token's user may see).
#[utoipa::path(get, path = "/api/v1/incoming", tag = "registry", security(("bearer" = [])), params(ListQuery),
    responses((status = 200, description = "Items")))]
pub async fn incoming_list(
    State(state): State<AppState>,
    api: Api,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Response, ApiError> {
    let p = api.principal.clone();
    let filter = IncomingFilter {
        year: q.year,
        channel: q.channel,
        kind: q.kind,
        text: q.q,
        ..Default::default()
    };
    let rows = state
        .app
        .blocking(move |a| {
            a.incoming_register(&p, filter, q.limit.unwrap_or(100), q.offset.unwrap_or(0))
        })
        .await
        .map_err(fail(&api))?;
    Ok(Json(json!(rows)).into_response())
}

/// One incoming item with its files and assignments.
#[utoipa::path(get, path = "/api/v1/incoming/{id}", tag = "registry", security(("bearer" = [])),
    responses((status = 200, description = "The item"), (status = 404, body = crate::errors::ApiErrorBody)))]
pub async fn incoming_get(
    State(state): State<AppState>,
    api: Api,
    ApiPath(id): ApiPath,
) -> Result<Response, ApiError> {
    let p = api.principal.clone();
    let v = state
        .app
        .blocking(move |a| {
            let item = a.incoming_item(&p, &id)?;
            let documents = a.item_documents(&p, &id)?;
            let assignments = a.assignments(&p.tenant_id, "item", &id)?;
            Ok(json!({"item": item, "documents": documents, "assignments": assignments}))
        })
        .await
        .map_err(fail(&api))?;
    Ok(Json(v).into_response())
}

/// Assigns an item (dekretacja).
#[utoipa::path(post, path = "/api/v1/incoming/{id}/assign", tag = "registry", security(("bearer" = [])), request_body = AssignInput,
    responses((status = 201, description = "The assignment"), (status = 422, body = crate::errors::ApiErrorBody)))]
pub async fn incoming_assign(
    State(state): State<AppState>,
    api: Api,
    ApiPath(id): ApiPath,
    ApiJson(body): ApiJson<AssignInput>,
) -> Result<Response, ApiError> {
    let p = api.principal.clone();
    let row = state
        .app
        .blocking(move |a| a.assign_item(&p, &id, &body))
        .await
        .map_err(fail(&api))?;
    Ok(created(row))
}

#[derive(Deserialize, ToSchema)]
pub struct JoinIn {
    /// The sign of an open case, e.g. `GK.6733.5.2026`.
    pub case_sign: String,
}

/// Joins a further incoming item (a reply, a supplement) to an existing open case.
#[utoipa::path(post, path = "/api/v1/incoming/{id}/join", tag = "registry", security(("bearer" = [])), request_body = JoinIn,
    responses((status = 200, description = "The case the item joined"), (status = 422, body = crate::errors::ApiErrorBody)))]
pub async fn incoming_join(
    State(state): State<AppState>,
    api: Api,
    ApiPath(id): ApiPath,
    ApiJson(body): ApiJson<JoinIn>,
) -> Result<Response, ApiError> {
    let p = api.principal.clone();
    let case = state
        .app
        .blocking(move |a| a.join_item(&p, &id, &body.case_sign))
        .await
        .map_err(fail(&api))?;
    Ok(Json(case).into_response())
}

/// Opens a case; the sign is generated.
#[utoipa::path(post, path = "/api/v1/cases", tag = "cases", security(("bearer" = [])), request_body = OpenCaseInput,
    responses((status = 201, description = "The case"), (status = 422, body = crate::errors::ApiErrorBody)))]
pub async fn case_create(
    State(state): State<AppState>,
    api: Api,
    ApiJson(body): ApiJson<OpenCaseInput>,
) -> Result<Response, ApiError> {
    let p = api.principal.clone();
    let case = state
        .app
        .blocking(move |a| a.open_case(&p, &body))
        .await
        .map_err(fail(&api))?;
    Ok(created(case))
}

/// The case view: case, parties, documents with versions and approval steps, log, deadline.
#[utoipa::path(get, path = "/api/v1/cases/{id}", tag = "cases", security(("bearer" = [])),
    responses((status = 200, description = "The case view"), (status = 404, body = crate::errors::ApiErrorBody)))]
pub async fn case_get(
    State(state): State<AppState>,
    api: Api,
    ApiPath(id): ApiPath,
) -> Result<Response, ApiError> {
    let p = api.principal.clone();
    let v = state
        .app
        .blocking(move |a| a.case_view(&p, &id))
        .await
        .map_err(fail(&api))?;
    Ok(Json(json!(v)).into_response())
}

/// What a case action needs; fields not used by an action are ignored.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct CaseActionIn {
    pub template_id: String,
    pub addressee_name: String,
    pub addressee_address: String,
    pub final_document_id: String,
    pub reason: String,
    pub new_due: String,
    pub days: String,
    pub deficiencies: String,
    pub from: String,
    pub until: String,
}

/// A case action: `draft` (from a template), `close`, `reopen`, `extend`, `deficiency`,
/// `pause`, `resume`.
#[utoipa::path(post, path = "/api/v1/cases/{id}/{action}", tag = "cases", security(("bearer" = [])), request_body = CaseActionIn,
    responses((status = 200, description = "The changed case or the new document"), (status = 422, body = crate::errors::ApiErrorBody)))]
pub async fn case_action(
    State(state): State<AppState>,
    api: Api,
    axum::extract::Path((id, action)): axum::extract::Path<(String, String)>,
    ApiJson(f): ApiJson<CaseActionIn>,
) -> Result<Response, ApiError> {
    let p = api.principal.clone();
    let v = state
        .app
        .blocking(move |a| {
            Ok(match action.as_str() {
                "draft" => json!(a.draft_from_template(
                    &p,
                    &id,
                    &f.template_id,
                    &f.addressee_name,
                    &f.addressee_address
                )?),
                "close" => json!(a.close_case(&p, &id, &f.final_document_id)?),
                "reopen" => json!(a.reopen_case(&p, &id, &f.reason)?),
                "extend" => json!(a.extend_deadline(&p, &id, &f.new_due, &f.reason)?),
                "deficiency" => json!(a.deficiency_notice(&p, &id, &f.days, &f.deficiencies)?),
                "pause" => json!(a.pause_case(&p, &id, &f.reason, &f.from, "")?),
                "resume" => json!(a.resume_case(&p, &id, &f.until)?),
                _ => return Err(AppError::NotFound),
            })
        })
        .await
        .map_err(fail(&api))?;
    Ok(Json(v).into_response())
}

/// What a document action needs.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct DocumentActionIn {
    pub body: String,
    pub approvers: Vec<String>,
    pub allow_self: bool,
    pub comment: String,
    pub dispatch_method: String,
    pub addressee_name: String,
    pub addressee_address: String,
}

/// A document action: `edit`, `submit`, `approve`, `reject`, `dispatch`.
#[utoipa::path(post, path = "/api/v1/documents/{id}/{action}", tag = "cases", security(("bearer" = [])), request_body = DocumentActionIn,
    responses((status = 200, description = "The result"), (status = 422, body = crate::errors::ApiErrorBody)))]
pub async fn document_action(
    State(state): State<AppState>,
    api: Api,
    axum::extract::Path((id, action)): axum::extract::Path<(String, String)>,
    ApiJson(f): ApiJson<DocumentActionIn>,
) -> Result<Response, ApiError> {
    let p = api.principal.clone();
    let v = state
        .app
        .blocking(move |a| {
            Ok(match action.as_str() {
                "edit" => json!({"version": a.edit_draft(&p, &id, &f.body)?}),
                "submit" => json!(a.submit_for_approval(&p, &id, &f.approvers, f.allow_self)?),
                "approve" => json!({"status": a.decide_approval(&p, &id, true, &f.comment)?}),
                "reject" => json!({"status": a.decide_approval(&p, &id, false, &f.comment)?}),
                "withdraw" => json!(a.withdraw_draft(&p, &id)?),
                "dispatch" => json!(a.dispatch_document(
                    &p,
                    &id,
                    &f.dispatch_method,
                    &f.addressee_name,
                    &f.addressee_address
                )?),
                _ => return Err(AppError::NotFound),
            })
        })
        .await
        .map_err(fail(&api))?;
    Ok(Json(v).into_response())
}

/// The outgoing register.
#[utoipa::path(get, path = "/api/v1/outgoing", tag = "registry", security(("bearer" = [])), params(ListQuery),
    responses((status = 200, description = "Outgoing items")))]
pub async fn outgoing_list(
    State(state): State<AppState>,
    api: Api,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Response, ApiError> {
    let p = api.principal.clone();
    let filter = OutgoingFilter {
        year: q.year,
        method: q.channel,
        case_id: None,
        text: q.q,
        units: None,
    };
    let rows = state
        .app
        .blocking(move |a| {
            a.outgoing_register(&p, filter, q.limit.unwrap_or(100), q.offset.unwrap_or(0))
        })
        .await
        .map_err(fail(&api))?;
    Ok(Json(json!(rows)).into_response())
}

/// "My work" of the token's user.
#[utoipa::path(get, path = "/api/v1/work", tag = "cases", security(("bearer" = [])),
    responses((status = 200, description = "Work items, soonest deadline first")))]
pub async fn work(State(state): State<AppState>, api: Api) -> Result<Response, ApiError> {
    let p = api.principal.clone();
    let rows = state
        .app
        .blocking(move |a| a.my_work(&p, 500))
        .await
        .map_err(fail(&api))?;
    Ok(Json(json!(rows)).into_response())
}

#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
pub struct SearchQ {
    pub q: String,
    pub limit: Option<usize>,
}

/// Full-text search over cases and items (Polish stemming, accent-insensitive).
#[utoipa::path(get, path = "/api/v1/search", tag = "cases", security(("bearer" = [])), params(SearchQ),
    responses((status = 200, description = "Hits")))]
pub async fn search(
    State(state): State<AppState>,
    api: Api,
    ApiQuery(q): ApiQuery<SearchQ>,
) -> Result<Response, ApiError> {
    let p = api.principal.clone();
    let hits = state
        .app
        .blocking(move |a| a.search(&p, &q.q, q.limit.unwrap_or(20)))
        .await
        .map_err(fail(&api))?;
    Ok(Json(json!(hits)).into_response())
}

/// The file plan (JRWA).
#[utoipa::path(get, path = "/api/v1/file-plan", tag = "registry", security(("bearer" = [])),
    responses((status = 200, description = "Classes in symbol order")))]
pub async fn file_plan(State(state): State<AppState>, api: Api) -> Result<Response, ApiError> {
    let tid = api.principal.tenant_id.clone();
    if !api
        .principal
        .allowed(ratusz_core::roles::Permission::UsePanel, None)
    {
        return Err(ApiError::forbidden(api.lang));
    }
    let rows = state
        .app
        .blocking(move |a| a.file_classes(&tid))
        .await
        .map_err(fail(&api))?;
    Ok(Json(json!(rows)).into_response())
}
