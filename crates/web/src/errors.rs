//! Errors as responses: a clear Polish (or English) page for people, `{code, message}` JSON for
//! the API. Internal details are logged, never shown.

use askama::Template;
use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use ratusz_app::{AppError, FieldError};
use serde::Serialize;

use crate::i18n::{Lang, Tr};
use crate::pages::PageCtx;

/// An error shown as a page.
#[derive(Debug)]
pub struct PageError {
    pub status: StatusCode,
    pub lang: Lang,
    pub title_id: &'static str,
    pub body_id: &'static str,
    pub retry_after: Option<i64>,
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    page: PageCtx,
    body: &'a str,
    status: u16,
}

impl PageError {
    pub fn new(
        status: StatusCode,
        lang: Lang,
        title_id: &'static str,
        body_id: &'static str,
    ) -> Self {
        Self {
            status,
            lang,
            title_id,
            body_id,
            retry_after: None,
        }
    }

    pub fn not_found(lang: Lang) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            lang,
            "error-not-found-title",
            "error-not-found-body",
        )
    }
    pub fn unknown_tenant(lang: Lang) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            lang,
            "error-unknown-tenant-title",
            "error-unknown-tenant-body",
        )
    }
    pub fn csrf(lang: Lang) -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            lang,
            "error-csrf-title",
            "error-csrf-body",
        )
    }
    pub fn forbidden(lang: Lang) -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            lang,
            "error-forbidden-title",
            "error-forbidden-body",
        )
    }
    pub fn too_large(lang: Lang) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            lang,
            "error-too-large-title",
            "error-too-large-body",
        )
    }
    pub fn bad_form(lang: Lang) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            lang,
            "error-bad-form-title",
            "error-bad-form-body",
        )
    }
    pub fn method(lang: Lang) -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            lang,
            "error-method-title",
            "error-method-body",
        )
    }
    pub fn internal(lang: Lang) -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            lang,
            "error-internal-title",
            "error-internal-body",
        )
    }

    pub fn from_app(e: AppError, lang: Lang) -> Self {
        match e {
            AppError::NotFound => Self::not_found(lang),
            AppError::Forbidden | AppError::Unauthenticated => Self::forbidden(lang),
            AppError::TokenInvalid => Self::new(
                StatusCode::BAD_REQUEST,
                lang,
                "error-token-title",
                "error-token-body",
            ),
            AppError::Throttled { retry_after_secs } => Self {
                retry_after: Some(retry_after_secs),
                ..Self::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    lang,
                    "error-throttled-title",
                    "error-throttled-body",
                )
            },
            AppError::Unavailable(detail) => {
                tracing::error!(%detail, "database unavailable");
                Self::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    lang,
                    "error-unavailable-title",
                    "error-unavailable-body",
                )
            }
            AppError::AntivirusUnavailable(detail) => {
                tracing::error!(%detail, "antivirus unavailable");
                Self {
                    retry_after: Some(60),
                    ..Self::new(
                        StatusCode::SERVICE_UNAVAILABLE,
                        lang,
                        "error-antivirus-unavailable-title",
                        "error-antivirus-unavailable-body",
                    )
                }
            }
            AppError::Invalid(_)
            | AppError::BadCredentials
            | AppError::BadTotp
            | AppError::Conflict(_) => Self::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                lang,
                "error-bad-form-title",
                "error-bad-form-body",
            ),
            AppError::Internal(detail) => {
                tracing::error!(%detail, "internal error");
                Self::internal(lang)
            }
        }
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let tr = Tr::new(self.lang);
        let page = PageCtx::bare(self.lang, tr.t(self.title_id));
        let body = tr.t(self.body_id);
        let html = ErrorPage {
            page,
            body: &body,
            status: self.status.as_u16(),
        }
        .render()
        .unwrap_or_else(|_| body.clone());
        let mut resp = (self.status, axum::response::Html(html)).into_response();
        if let Some(secs) = self.retry_after
            && let Ok(v) = HeaderValue::from_str(&secs.to_string())
        {
            resp.headers_mut().insert(header::RETRY_AFTER, v);
        }
        resp
    }
}

/// The API's error body: a stable code and a message in the asked language.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ApiErrorBody {
    pub code: String,
    pub message: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<ApiFieldError>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ApiFieldError {
    pub field: String,
    pub code: String,
    pub message: String,
}

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub lang: Lang,
    pub code: &'static str,
    pub message_id: &'static str,
    pub fields: Vec<FieldError>,
}

impl ApiError {
    pub fn new(
        status: StatusCode,
        lang: Lang,
        code: &'static str,
        message_id: &'static str,
    ) -> Self {
        Self {
            status,
            lang,
            code,
            message_id,
            fields: vec![],
        }
    }

    pub fn unauthenticated(lang: Lang) -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            lang,
            "unauthenticated",
            "api-unauthenticated",
        )
    }
    pub fn forbidden(lang: Lang) -> Self {
        Self::new(StatusCode::FORBIDDEN, lang, "forbidden", "api-forbidden")
    }
    pub fn not_found(lang: Lang) -> Self {
        Self::new(StatusCode::NOT_FOUND, lang, "not_found", "api-not-found")
    }
    pub fn bad_json(lang: Lang) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            lang,
            "malformed_json",
            "api-malformed-json",
        )
    }
    pub fn too_large(lang: Lang) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            lang,
            "payload_too_large",
            "api-too-large",
        )
    }

    pub fn from_app(e: AppError, lang: Lang) -> Self {
        let code = e.code();
        match e {
            AppError::Invalid(fields) => Self {
                fields,
                ..Self::new(StatusCode::UNPROCESSABLE_ENTITY, lang, code, "api-invalid")
            },
            AppError::NotFound => Self::not_found(lang),
            AppError::Forbidden => Self::forbidden(lang),
            AppError::Unauthenticated | AppError::BadCredentials | AppError::BadTotp => {
                Self::new(StatusCode::UNAUTHORIZED, lang, code, "api-unauthenticated")
            }
            AppError::Throttled { .. } => {
                Self::new(StatusCode::TOO_MANY_REQUESTS, lang, code, "api-throttled")
            }
            AppError::Conflict(_) => Self::new(StatusCode::CONFLICT, lang, code, "api-conflict"),
            AppError::TokenInvalid => {
                Self::new(StatusCode::BAD_REQUEST, lang, code, "error-token-body")
            }
            AppError::Unavailable(detail) => {
                tracing::error!(%detail, "database unavailable");
                Self::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    lang,
                    code,
                    "api-unavailable",
                )
            }
            AppError::AntivirusUnavailable(detail) => {
                tracing::error!(%detail, "antivirus unavailable");
                Self::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    lang,
                    code,
                    "api-antivirus-unavailable",
                )
            }
            AppError::Internal(detail) => {
                tracing::error!(%detail, "internal error");
                Self::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    lang,
                    code,
                    "api-internal",
                )
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let tr = Tr::new(self.lang);
        let fields = self
            .fields
            .into_iter()
            .map(|f| ApiFieldError {
                message: if self.lang == Lang::En {
                    f.message_en
                } else {
                    f.message_pl
                },
                field: f.field,
                code: f.code,
            })
            .collect();
        let body = ApiErrorBody {
            code: self.code.to_owned(),
            message: tr.t(self.message_id),
            fields,
        };
        (self.status, Json(body)).into_response()
    }
}

/// Field errors of a form in the page's language, for templates.
#[derive(Debug, Clone, Default)]
pub struct FormErrors {
    items: Vec<(String, String)>,
}

impl FormErrors {
    pub fn new(errors: &[FieldError], lang: Lang) -> Self {
        Self {
            items: errors
                .iter()
                .map(|e| {
                    let msg = if lang == Lang::En {
                        &e.message_en
                    } else {
                        &e.message_pl
                    };
                    (e.field.clone(), msg.clone())
                })
                .collect(),
        }
    }

    pub fn one(field: &str, message: String) -> Self {
        Self {
            items: vec![(field.to_owned(), message)],
        }
    }

    pub fn get(&self, field: &str) -> Option<String> {
        let joined = self
            .items
            .iter()
            .filter(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        (!joined.is_empty()).then_some(joined)
    }

    pub fn has(&self, field: &str) -> bool {
        self.items.iter().any(|(f, _)| f == field)
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// (field, message) pairs for the summary at the top of the form.
    pub fn all(&self) -> &[(String, String)] {
        &self.items
    }
}
