//! The JSON API under `/api/v1`, authenticated by bearer tokens (`ratusz token create`), with
//! its OpenAPI description at `/api/v1/openapi.json`. Errors are `{code, message}`; messages are
//! Polish unless the request asks for English (`Accept-Language: en`).

use axum::extract::{FromRequest, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router, routing::get};
use ratusz_app::accounts::Principal;
use ratusz_core::roles::Permission;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};

use crate::AppState;
use crate::errors::{ApiError, ApiErrorBody, ApiFieldError};
use crate::i18n::Lang;
use crate::registry_api;

/// The language of API messages: English when asked, Polish otherwise.
pub fn api_lang(headers: &HeaderMap) -> Lang {
    match headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
    {
        Some(v) if v.trim_start().to_ascii_lowercase().starts_with("en") => Lang::En,
        _ => Lang::Pl,
    }
}

/// The token's principal. The token names its tenant, so the API needs no tenant host.
pub struct Api {
    pub principal: Principal,
    pub lang: Lang,
}

impl Api {
    pub fn require(&self, perm: Permission) -> Result<(), ApiError> {
        if self.principal.allowed(perm, None) {
            Ok(())
        } else {
            Err(ApiError::forbidden(self.lang))
        }
    }
}

impl FromRequestParts<AppState> for Api {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let lang = api_lang(&parts.headers);
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .map(|t| t.trim().to_owned())
            .ok_or_else(|| ApiError::unauthenticated(lang))?;
        let principal = state
            .app
            .blocking(move |a| a.authenticate_token(&token))
            .await
            .map_err(|e| ApiError::from_app(e, lang))?
            .ok_or_else(|| ApiError::unauthenticated(lang))?;
        Ok(Api { principal, lang })
    }
}

/// A JSON body whose syntax, schema and size problems become `{code, message}` answers.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let lang = api_lang(req.headers());
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|r| {
                if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    ApiError::too_large(lang)
                } else {
                    ApiError::bad_json(lang)
                }
            })?;
        // PostgreSQL text cannot hold NUL and no legitimate value needs one.
        if crate::ctx::has_nul(&bytes) {
            return Err(ApiError::bad_json(lang));
        }
        serde_json::from_slice(&bytes)
            .map(ApiJson)
            .map_err(|_| ApiError::bad_json(lang))
    }
}

/// A query string whose problems become `{code, message}` answers.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let lang = api_lang(&parts.headers);
        let query = parts.uri.query().unwrap_or_default();
        if crate::ctx::has_nul(query.as_bytes()) {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                lang,
                "malformed_query",
                "api-malformed-query",
            ));
        }
        serde_urlencoded::from_str(query)
            .map(ApiQuery)
            .map_err(|_| {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    lang,
                    "malformed_query",
                    "api-malformed-query",
                )
            })
    }
}

impl Api {
    /// Refuses a `read` token on an endpoint that changes something (403).
    pub fn require_write(&self) -> Result<(), ApiError> {
        if self.principal.can_write() {
            Ok(())
        } else {
            Err(ApiError::from_app(
                ratusz_app::AppError::Forbidden,
                self.lang,
            ))
        }
    }
}

/// One path parameter; a malformed one is a `{code, message}` 404.
pub struct ApiPath(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ApiPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let lang = api_lang(&parts.headers);
        match axum::extract::Path::<String>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(v)) if !v.contains('\0') => Ok(ApiPath(v)),
            _ => Err(ApiError::not_found(lang)),
        }
    }
}

/// Two path parameters; a malformed one is a `{code, message}` 404.
pub struct ApiPath2(pub String, pub String);

impl<S: Send + Sync> FromRequestParts<S> for ApiPath2 {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let lang = api_lang(&parts.headers);
        match axum::extract::Path::<(String, String)>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path((a, b))) if !a.contains('\0') && !b.contains('\0') => {
                Ok(ApiPath2(a, b))
            }
            _ => Err(ApiError::not_found(lang)),
        }
    }
}

// ------------------------------------------------------------------ schemas

#[derive(Serialize, ToSchema)]
pub struct RoleOut {
    pub role: String,
    pub unit_id: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct MeOut {
    pub id: String,
    pub tenant_id: String,
    pub email: String,
    pub display_name: String,
    pub kind: String,
    pub roles: Vec<RoleOut>,
}

#[derive(Serialize, ToSchema)]
pub struct UnitOut {
    pub id: String,
    pub symbol: String,
    pub name: String,
}

#[derive(Deserialize, ToSchema)]
pub struct UnitIn {
    pub symbol: String,
    pub name: String,
}

#[derive(Serialize, ToSchema)]
pub struct UserOut {
    pub id: String,
    pub email: String,
    pub display_name: String,
    pub roles: Vec<RoleOut>,
    pub mfa_enabled: bool,
}

#[derive(Serialize, ToSchema)]
pub struct AuditEventOut {
    pub seq: i64,
    /// RFC 3339 instant (UTC).
    pub at: String,
    pub actor_kind: String,
    pub actor: String,
    pub action: String,
    pub object_type: String,
    pub object_id: Option<String>,
    pub hash: String,
}

#[derive(Serialize, ToSchema)]
pub struct ChainOut {
    pub events: i64,
    pub head_hash: String,
    pub intact: bool,
    pub first_bad_seq: Option<i64>,
    pub problem: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct HolidayOut {
    pub date: String,
    pub name: String,
}

#[derive(Serialize, ToSchema)]
pub struct ShiftOut {
    pub date: String,
    pub reason: String,
}

#[derive(Serialize, ToSchema)]
pub struct DeadlineOut {
    pub start: String,
    pub term: String,
    pub nominal_end: String,
    pub due: String,
    pub shifts: Vec<ShiftOut>,
    pub explanation: String,
}

#[derive(Deserialize, ToSchema, utoipa::IntoParams, Default)]
#[serde(default)]
pub struct DeadlineQuery {
    /// Start date, `YYYY-MM-DD` (the day of the event, not counted).
    pub from: String,
    /// Term: `14d`, `2w`, `1m`, …
    pub term: String,
}

#[derive(Deserialize, ToSchema)]
pub struct ValidateIn {
    pub value: String,
}

#[derive(Serialize, ToSchema)]
pub struct ValidateOut {
    pub valid: bool,
    pub normalized: Option<String>,
    pub code: Option<String>,
    pub message: Option<String>,
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct EventsQuery {
    /// At most this many events (1–500, default 50).
    pub limit: Option<i64>,
    /// Only events with a smaller sequence number (paging backwards).
    pub before: Option<i64>,
}

// ------------------------------------------------------------------ handlers

fn roles_out(p: &Principal) -> Vec<RoleOut> {
    p.grants
        .iter()
        .map(|g| RoleOut {
            role: g.role.as_str().into(),
            unit_id: g.unit.map(|u| u.to_string()),
        })
        .collect()
}

/// The token's user.
#[utoipa::path(get, path = "/api/v1/me", tag = "accounts", security(("bearer" = [])),
    responses((status = 200, body = MeOut), (status = 401, body = ApiErrorBody)))]
pub async fn me(api: Api) -> Json<MeOut> {
    let p = &api.principal;
    Json(MeOut {
        id: p.user.id.clone(),
        tenant_id: p.tenant_id.clone(),
        email: p.user.email.clone(),
        display_name: p.user.display_name.clone(),
        kind: p.user.kind.clone(),
        roles: roles_out(p),
    })
}

/// Organisational units of the token's municipality.
#[utoipa::path(get, path = "/api/v1/units", tag = "tenants", security(("bearer" = [])),
    responses((status = 200, body = [UnitOut]), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody)))]
pub async fn units_list(
    State(state): State<AppState>,
    api: Api,
) -> Result<Json<Vec<UnitOut>>, ApiError> {
    api.require(Permission::UsePanel)?;
    let tid = api.principal.tenant_id.clone();
    let units = state
        .app
        .blocking(move |a| a.units(&tid))
        .await
        .map_err(|e| ApiError::from_app(e, api.lang))?;
    Ok(Json(
        units
            .into_iter()
            .map(|u| UnitOut {
                id: u.id,
                symbol: u.symbol,
                name: u.name,
            })
            .collect(),
    ))
}

/// Creates a unit (scope `admin`, role Admin).
#[utoipa::path(post, path = "/api/v1/units", tag = "tenants", security(("bearer" = [])), request_body = UnitIn,
    responses((status = 201, body = UnitOut), (status = 400, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn units_create(
    State(state): State<AppState>,
    api: Api,
    ApiJson(body): ApiJson<UnitIn>,
) -> Result<Response, ApiError> {
    api.require(Permission::AdminTenant)?;
    let tid = api.principal.tenant_id.clone();
    let actor = api.principal.actor();
    let u = state
        .app
        .blocking(move |a| a.create_unit(&tid, &body.symbol, &body.name, &actor))
        .await
        .map_err(|e| ApiError::from_app(e, api.lang))?;
    Ok((
        StatusCode::CREATED,
        Json(UnitOut {
            id: u.id,
            symbol: u.symbol,
            name: u.name,
        }),
    )
        .into_response())
}

/// Staff accounts (role Admin).
#[utoipa::path(get, path = "/api/v1/users", tag = "accounts", security(("bearer" = [])),
    responses((status = 200, body = [UserOut]), (status = 403, body = ApiErrorBody)))]
pub async fn users_list(
    State(state): State<AppState>,
    api: Api,
) -> Result<Json<Vec<UserOut>>, ApiError> {
    api.require(Permission::AdminTenant)?;
    let tid = api.principal.tenant_id.clone();
    let staff = state
        .app
        .blocking(move |a| a.staff(&tid))
        .await
        .map_err(|e| ApiError::from_app(e, api.lang))?;
    Ok(Json(
        staff
            .into_iter()
            .map(|(u, roles)| UserOut {
                mfa_enabled: u.totp_enabled_at.is_some(),
                roles: roles
                    .into_iter()
                    .map(|r| RoleOut {
                        role: r.role,
                        unit_id: r.unit_id,
                    })
                    .collect(),
                id: u.id,
                email: u.email,
                display_name: u.display_name,
            })
            .collect(),
    ))
}

/// Latest audit events of the municipality, newest first.
#[utoipa::path(get, path = "/api/v1/audit/events", tag = "audit", security(("bearer" = [])), params(EventsQuery),
    responses((status = 200, body = [AuditEventOut]), (status = 403, body = ApiErrorBody)))]
pub async fn audit_events(
    State(state): State<AppState>,
    api: Api,
    ApiQuery(q): ApiQuery<EventsQuery>,
) -> Result<Json<Vec<AuditEventOut>>, ApiError> {
    api.require(Permission::ReadAudit)?;
    let tid = api.principal.tenant_id.clone();
    let limit = q.limit.unwrap_or(50).clamp(1, 500);
    let rows = state
        .app
        .blocking(move |a| a.audit_events(&tid, limit, q.before))
        .await
        .map_err(|e| ApiError::from_app(e, api.lang))?;
    Ok(Json(
        rows.into_iter()
            .map(|e| AuditEventOut {
                seq: e.seq,
                at: ratusz_app::store::from_ts(e.at)
                    .format(&time::format_description::well_known::Rfc3339)
                    .unwrap_or_default(),
                actor_kind: e.actor_kind,
                actor: e.actor_label,
                action: e.action,
                object_type: e.object_type,
                object_id: e.object_id,
                hash: e.hash,
            })
            .collect(),
    ))
}

/// Verifies the municipality's audit chain.
#[utoipa::path(get, path = "/api/v1/audit/verify", tag = "audit", security(("bearer" = [])),
    responses((status = 200, body = ChainOut), (status = 403, body = ApiErrorBody)))]
pub async fn audit_verify(
    State(state): State<AppState>,
    api: Api,
) -> Result<Json<ChainOut>, ApiError> {
    api.require(Permission::ReadAudit)?;
    let tid = api.principal.tenant_id.clone();
    let r = state
        .app
        .blocking(move |a| a.verify_chain(&tid))
        .await
        .map_err(|e| ApiError::from_app(e, api.lang))?;
    Ok(Json(ChainOut {
        events: r.events,
        head_hash: r.head_hash,
        intact: r.first_break.is_none(),
        first_bad_seq: r.first_break.as_ref().map(|b| b.seq),
        problem: r.first_break.map(|b| b.problem),
    }))
}

fn bad_param(lang: Lang, field: &str, pl: String, en: String) -> ApiError {
    ApiError::from_app(ratusz_app::AppError::field(field, "format", pl, en), lang)
}

/// Polish public holidays of a year (1951–2200). Public: no token needed.
#[utoipa::path(get, path = "/api/v1/calendar/holidays/{year}", tag = "law",
    params(("year" = i32, Path, description = "1951–2200")),
    responses((status = 200, body = [HolidayOut]), (status = 422, body = ApiErrorBody)))]
pub async fn holidays(
    headers: HeaderMap,
    ApiPath(year): ApiPath,
) -> Result<Json<Vec<HolidayOut>>, ApiError> {
    use ratusz_core::calendar;
    let lang = api_lang(&headers);
    let bad = || {
        bad_param(
            lang,
            "year",
            format!(
                "Rok musi być liczbą od {} do {}.",
                calendar::FIRST_YEAR,
                calendar::LAST_YEAR
            ),
            format!(
                "The year must be a number from {} to {}.",
                calendar::FIRST_YEAR,
                calendar::LAST_YEAR
            ),
        )
    };
    let year: i32 = year.parse().map_err(|_| bad())?;
    let list = calendar::holidays(year).map_err(|_| bad())?;
    Ok(Json(
        list.into_iter()
            .map(|h| HolidayOut {
                date: h.date.to_string(),
                name: h.name.into(),
            })
            .collect(),
    ))
}

/// A deadline under KPA art. 57, with how it was computed. Public: no token needed.
#[utoipa::path(get, path = "/api/v1/calendar/deadline", tag = "law", params(DeadlineQuery),
    responses((status = 200, body = DeadlineOut), (status = 422, body = ApiErrorBody)))]
pub async fn deadline(
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<DeadlineQuery>,
) -> Result<Json<DeadlineOut>, ApiError> {
    use ratusz_core::calendar::{self, ShiftReason, Term};
    let lang = api_lang(&headers);
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    let from = time::Date::parse(q.from.trim(), &fmt).map_err(|_| {
        bad_param(
            lang,
            "from",
            "Podaj datę w formacie RRRR-MM-DD, np. 2026-11-23.".into(),
            "Give the date as YYYY-MM-DD, e.g. 2026-11-23.".into(),
        )
    })?;
    let term: Term = q.term.trim().parse().map_err(|_| {
        bad_param(
            lang,
            "term",
            "Podaj termin jako liczbę z jednostką: 14d (dni), 2w (tygodnie), 1m (miesiące).".into(),
            "Give the term as a number with a unit: 14d (days), 2w (weeks), 1m (months).".into(),
        )
    })?;
    let d = calendar::deadline(from, term).map_err(|_| {
        bad_param(
            lang,
            "from",
            "Termin wychodzi poza obsługiwany zakres lat 1951–2200.".into(),
            "The deadline leaves the supported years 1951–2200.".into(),
        )
    })?;
    Ok(Json(DeadlineOut {
        start: d.start.to_string(),
        term: d.term.to_string(),
        nominal_end: d.nominal_end.to_string(),
        due: d.due.to_string(),
        shifts: d
            .shifts
            .iter()
            .map(|s| ShiftOut {
                date: s.from.to_string(),
                reason: match &s.reason {
                    ShiftReason::Saturday => "saturday".into(),
                    ShiftReason::Sunday => "sunday".into(),
                    ShiftReason::Holiday(name) => format!("holiday: {name}"),
                },
            })
            .collect(),
        explanation: if lang == Lang::En {
            d.explain_en()
        } else {
            d.explain_pl()
        },
    }))
}

/// Validates a Polish identifier: `pesel`, `nip`, `regon`, `iban`, `postal-code`, `ade`.
/// Public: no token needed. The value is never logged.
#[utoipa::path(post, path = "/api/v1/validate/{kind}", tag = "law", request_body = ValidateIn,
    params(("kind" = String, Path, description = "pesel | nip | regon | iban | postal-code | ade")),
    responses((status = 200, body = ValidateOut), (status = 404, body = ApiErrorBody)))]
pub async fn validate(
    headers: HeaderMap,
    ApiPath(kind): ApiPath,
    ApiJson(body): ApiJson<ValidateIn>,
) -> Result<Json<ValidateOut>, ApiError> {
    use ratusz_core::validate::{self as v, Kind};
    let lang = api_lang(&headers);
    let kind: Kind = kind.parse().map_err(|_| ApiError::not_found(lang))?;
    Ok(Json(match v::validate(kind, &body.value) {
        Ok(normalized) => ValidateOut {
            valid: true,
            normalized: Some(normalized),
            code: None,
            message: None,
        },
        Err(e) => ValidateOut {
            valid: false,
            normalized: None,
            code: Some(e.code().into()),
            message: Some(if lang == Lang::En {
                e.message_en(kind)
            } else {
                e.message_pl(kind)
            }),
        },
    }))
}

struct SecurityAddon;

impl Modify for SecurityAddon {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("rtz_…")
                    .build(),
            ),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Ratusz API", description = "JSON API of the Ratusz digital municipal office. Authenticate with `Authorization: Bearer rtz_…` (created by `ratusz token create`). Errors are `{code, message}`; send `Accept-Language: en` for English messages."),
    paths(me, units_list, units_create, users_list, audit_events, audit_verify, holidays, deadline, validate),
    components(schemas(ApiErrorBody, ApiFieldError)),
    modifiers(&SecurityAddon)
)]
pub struct ApiDoc;

#[derive(OpenApi)]
#[openapi(
    paths(
        registry_api::incoming_create,
        registry_api::incoming_list,
        registry_api::incoming_get,
        registry_api::incoming_assign,
        registry_api::incoming_join,
        registry_api::case_create,
        registry_api::case_get,
        registry_api::case_action,
        registry_api::document_action,
        registry_api::outgoing_list,
        registry_api::work,
        registry_api::search,
        registry_api::file_plan
    ),
    components(schemas(
        registry_api::IncomingIn,
        registry_api::FileIn,
        registry_api::CaseActionIn,
        registry_api::DocumentActionIn,
        ratusz_app::registry::incoming::IncomingInput,
        ratusz_app::registry::assign::AssignInput,
        registry_api::JoinIn,
        ratusz_app::cases::OpenCaseInput
    ))
)]
pub struct RegistryDoc;

#[derive(OpenApi)]
#[openapi(
    paths(
        crate::eservices::api::services,
        crate::eservices::api::service,
        crate::eservices::api::submit,
        crate::eservices::api::save_draft,
        crate::eservices::api::get_draft,
        crate::eservices::api::matters,
        crate::eservices::api::matter,
        crate::eservices::api::receipt_pdf,
        crate::eservices::api::status,
        crate::eservices::api_contact::messages,
        crate::eservices::api_contact::message_post,
        crate::eservices::api_contact::deliveries,
        crate::eservices::api_contact::delivery,
        crate::eservices::api_contact::file,
        crate::eservices::api_contact::survey,
        crate::eservices::api_contact::survey_post,
        crate::eservices::api_contact::notifications,
        crate::eservices::api_contact::notifications_read,
        crate::eservices::api_contact::preferences,
        crate::eservices::api_contact::preferences_put,
        crate::eservices::api_contact::office_message,
        crate::eservices::api_contact::case_portal,
        crate::eservices::api_contact::surveys,
        crate::intake::facts
    ),
    components(schemas(
        crate::eservices::api::SubmissionIn,
        crate::eservices::api::SubmittedFile,
        crate::eservices::api::DraftIn,
        crate::eservices::api::StatusIn,
        crate::eservices::api_contact::MessageIn,
        crate::eservices::api_contact::SurveyIn,
        crate::eservices::api_contact::ReadIn,
        crate::eservices::api_contact::PreferencesIn,
        crate::eservices::api_contact::OfficeMessageIn,
        crate::intake::FactsIn
    ))
)]
pub struct PortalDoc;

pub async fn openapi() -> Response {
    let mut doc = ApiDoc::openapi();
    doc.merge(RegistryDoc::openapi());
    doc.merge(PortalDoc::openapi());
    Json(doc).into_response()
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/openapi.json", get(openapi))
        .route("/api/v1/me", get(me))
        .route("/api/v1/units", get(units_list).post(units_create))
        .route("/api/v1/users", get(users_list))
        .route("/api/v1/audit/events", get(audit_events))
        .route("/api/v1/audit/verify", get(audit_verify))
        .route("/api/v1/calendar/holidays/{year}", get(holidays))
        .route("/api/v1/calendar/deadline", get(deadline))
        .route("/api/v1/validate/{kind}", axum::routing::post(validate))
        .route("/api/v1/file-plan", get(registry_api::file_plan))
        .route(
            "/api/v1/incoming",
            get(registry_api::incoming_list).post(registry_api::incoming_create),
        )
        .route("/api/v1/incoming/{id}", get(registry_api::incoming_get))
        .route(
            "/api/v1/incoming/{id}/assign",
            axum::routing::post(registry_api::incoming_assign),
        )
        .route(
            "/api/v1/incoming/{id}/join",
            axum::routing::post(registry_api::incoming_join),
        )
        .route(
            "/api/v1/services/{slug}/draft",
            get(crate::eservices::api::get_draft).put(crate::eservices::api::save_draft),
        )
        .route("/api/v1/matters", get(crate::eservices::api::matters))
        .route("/api/v1/matters/{id}", get(crate::eservices::api::matter))
        .route(
            "/api/v1/matters/{id}/receipt.pdf",
            get(crate::eservices::api::receipt_pdf),
        )
        .route(
            "/api/v1/matters/{id}/deliveries",
            get(crate::eservices::api_contact::deliveries),
        )
        .route(
            "/api/v1/matters/{id}/deliveries/{delivery}",
            get(crate::eservices::api_contact::delivery),
        )
        .route(
            "/api/v1/matters/{id}/files/{document}",
            get(crate::eservices::api_contact::file),
        )
        .route(
            "/api/v1/matters/{id}/survey",
            get(crate::eservices::api_contact::survey)
                .post(crate::eservices::api_contact::survey_post),
        )
        .route(
            "/api/v1/notifications",
            get(crate::eservices::api_contact::notifications),
        )
        .route(
            "/api/v1/notifications/read",
            axum::routing::post(crate::eservices::api_contact::notifications_read),
        )
        .route(
            "/api/v1/notification-preferences",
            get(crate::eservices::api_contact::preferences)
                .put(crate::eservices::api_contact::preferences_put),
        )
        .route(
            "/api/v1/cases/{id}/portal",
            get(crate::eservices::api_contact::case_portal),
        )
        .route(
            "/api/v1/surveys",
            get(crate::eservices::api_contact::surveys),
        )
        .route("/api/v1/outgoing", get(registry_api::outgoing_list))
        .route("/api/v1/work", get(registry_api::work))
        .route("/api/v1/search", get(registry_api::search))
        .route(
            "/api/v1/cases",
            axum::routing::post(registry_api::case_create),
        )
        .route("/api/v1/cases/{id}", get(registry_api::case_get))
        .route(
            "/api/v1/cases/{id}/{action}",
            axum::routing::post(registry_api::case_action),
        )
        .route(
            "/api/v1/documents/{id}/{action}",
            axum::routing::post(registry_api::document_action),
        )
}
