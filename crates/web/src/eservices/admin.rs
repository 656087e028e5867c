//! The admin's list of e-services: import a definition file (errors listed with their lines;
//! nothing is published until the file is correct), export it, publish and withdraw.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use ratusz_app::AppError;
use ratusz_app::store::eservices::EServiceRow;
use ratusz_core::roles::Permission;
use serde::Deserialize;

use crate::AppState;
use crate::ctx::{Ctx, FormData, MultipartForm, PagePath2, PageQuery};
use crate::errors::{FormErrors, PageError};
use crate::pages::{PageCtx, render_status, see_other};
use crate::panel::{gate, gate_post};

#[derive(Template)]
#[template(path = "admin_services.html")]
struct ServicesAdmin {
    page: PageCtx,
    section: &'static str,
    services: Vec<EServiceRow>,
    errors: FormErrors,
    source: String,
    notice: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AdminQuery {
    done: String,
}

fn page_with(
    ctx: &Ctx,
    services: Vec<EServiceRow>,
    errors: FormErrors,
    source: String,
    notice: Option<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    render_status(
        &ServicesAdmin {
            page: PageCtx::new(ctx, "admin-services"),
            section: "services",
            services,
            errors,
            source,
            notice,
        },
        status,
    )
}

pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    PageQuery(q): PageQuery<AdminQuery>,
) -> Result<Response, PageError> {
    if let Err(r) = gate(&ctx, Permission::AdminTenant)? {
        return Ok(r);
    }
    let tid = ctx.tenant.tenant_id.clone();
    let services = state
        .app
        .blocking(move |a| a.services(&tid, "", true))
        .await
        .map_err(|e| ctx.fail(e))?;
    let t = ctx.tr();
    let notice = match q.done.as_str() {
        "imported" | "published" | "withdrawn" => Some(t.tk("services-done", &q.done)),
        _ => None,
    };
    page_with(
        &ctx,
        services,
        FormErrors::default(),
        String::new(),
        notice,
        StatusCode::OK,
    )
}

/// Imports a definition: an uploaded `.toml` file, or the text pasted into the form.
pub async fn import(
    State(state): State<AppState>,
    ctx: Ctx,
    form: MultipartForm,
) -> Result<Response, PageError> {
    let p = match gate_post(&ctx, &form.text("csrf"), Permission::AdminTenant)? {
        Ok(p) => p,
        Err(r) => return Ok(r),
    };
    let file = form.files_named("definition").into_iter().next();
    let source = match file {
        Some(f) => match String::from_utf8(f.bytes) {
            Ok(s) => s,
            Err(_) => {
                return failed(
                    &state,
                    &ctx,
                    vec![ratusz_app::FieldError::new(
                        "definition",
                        "encoding",
                        "Plik nie jest tekstem UTF-8; zapisz definicję jako UTF-8 i zaimportuj ponownie.",
                        "The file is not UTF-8 text; save the definition as UTF-8 and import it again.",
                    )],
                    String::new(),
                )
                .await;
            }
        },
        None => form.text("source"),
    };
    let src = source.clone();
    match state
        .app
        .blocking(move |a| a.import_service(&p, &src))
        .await
    {
        Ok(_) => Ok(see_other("/panel/admin/services?done=imported")),
        Err(AppError::Invalid(errs)) => failed(&state, &ctx, errs, source).await,
        Err(e) => Err(ctx.fail(e)),
    }
}

async fn failed(
    state: &AppState,
    ctx: &Ctx,
    errs: Vec<ratusz_app::FieldError>,
    source: String,
) -> Result<Response, PageError> {
    let tid = ctx.tenant.tenant_id.clone();
    let services = state
        .app
        .blocking(move |a| a.services(&tid, "", true))
        .await
        .map_err(|e| ctx.fail(e))?;
    page_with(
        ctx,
        services,
        FormErrors::new(&errs, ctx.lang),
        source,
        None,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
}

pub async fn export(
    State(state): State<AppState>,
    ctx: Ctx,
    crate::ctx::PagePath(slug): crate::ctx::PagePath,
) -> Result<Response, PageError> {
    let p = match gate(&ctx, Permission::AdminTenant)? {
        Ok(p) => p,
        Err(r) => return Ok(r),
    };
    let s2 = slug.clone();
    let source = state
        .app
        .blocking(move |a| a.service_source(&p, &s2))
        .await
        .map_err(|e| ctx.fail(e))?;
    Ok(crate::registry::download(
        &format!("{slug}.toml"),
        "application/toml; charset=utf-8",
        source.into_bytes(),
    ))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CsrfForm {
    csrf: String,
}

/// `publish` or `withdraw`.
pub async fn publish(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath2(slug, action): PagePath2,
    FormData(form): FormData<CsrfForm>,
) -> Result<Response, PageError> {
    let p = match gate_post(&ctx, &form.csrf, Permission::AdminTenant)? {
        Ok(p) => p,
        Err(r) => return Ok(r),
    };
    let published = match action.as_str() {
        "publish" => true,
        "withdraw" => false,
        _ => return Err(PageError::not_found(ctx.lang)),
    };
    state
        .app
        .blocking(move |a| a.set_service_published(&p, &slug, published))
        .await
        .map_err(|e| ctx.fail(e))?;
    Ok(see_other(if published {
        "/panel/admin/services?done=published"
    } else {
        "/panel/admin/services?done=withdrawn"
    }))
}

// ------------------------------------------------------------------ survey results

#[derive(Template)]
#[template(path = "surveys.html")]
struct SurveysPage {
    page: PageCtx,
    section: &'static str,
    r: ratusz_app::eservices::survey::SurveyResults,
}

impl SurveysPage {
    /// (caption message, lines): by service, then by unit.
    fn tables(
        &self,
    ) -> Vec<(
        &'static str,
        &Vec<ratusz_app::eservices::survey::SurveyLine>,
    )> {
        vec![
            ("surveys-by-service", &self.r.services),
            ("surveys-by-unit", &self.r.units),
        ]
    }

    /// An average with the reader's decimal separator (4,25 in Polish).
    fn avg(&self, v: &f64) -> String {
        let s = format!("{v:.2}");
        if self.page.lang == "pl" {
            s.replace('.', ",")
        } else {
            s
        }
    }

    fn scale(&self) -> Vec<String> {
        (1..=5).map(|n: i32| n.to_string()).collect()
    }
}

/// The satisfaction survey's results per service and unit (managers and the admin).
pub async fn surveys(State(state): State<AppState>, ctx: Ctx) -> Result<Response, PageError> {
    let p = match gate(&ctx, Permission::UsePanel)? {
        Ok(p) => p,
        Err(r) => return Ok(r),
    };
    let r = state
        .app
        .blocking(move |a| a.survey_results(&p))
        .await
        .map_err(|e| ctx.fail(e))?;
    render_status(
        &SurveysPage {
            page: PageCtx::new(&ctx, "surveys-title"),
            section: "surveys",
            r,
        },
        StatusCode::OK,
    )
}
