//! The residents' portal: the service catalogue and cards, forms (with drafts and nothing lost
//! when a session expires), submissions with their receipt (UPO), "my matters" and the status
//! check without an account; and the admin's list of e-services (import, export, publish).

pub mod admin;
pub mod api;
pub mod api_contact;
pub mod contact;
pub mod form;

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use axum_extra::extract::CookieJar;
use ratusz_app::AppError;
use ratusz_app::eservices::matters::Matter;
use ratusz_app::eservices::submit::SubmitInput;
use ratusz_app::store::eservices::EServiceRow;
use ratusz_core::eservices::{Answers, LIFE_SITUATIONS, ServiceDefinition};
use ratusz_core::roles::Permission;
use serde::Deserialize;

use crate::AppState;
use crate::ctx::{Ctx, FormData, MultipartForm, PagePath, PageQuery};
use crate::errors::{FormErrors, PageError};
use crate::pages::{PageCtx, render, render_status, see_other};
use crate::panel::gate;
use form::SectionView;

/// The cookie that carries the token of answers kept when a session expired mid-form.
pub const STASH_COOKIE: &str = "ratusz_form";

// ------------------------------------------------------------------ catalogue

pub struct Group {
    pub id: String,
    pub title: String,
    pub services: Vec<EServiceRow>,
}

#[derive(Template)]
#[template(path = "services.html")]
struct Catalogue {
    page: PageCtx,
    q: String,
    groups: Vec<Group>,
    results: Vec<EServiceRow>,
    searched: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CatalogueQuery {
    q: String,
}

pub fn name_of<'a>(row: &'a EServiceRow, lang: &str) -> &'a str {
    if lang == "en" && !row.name_en.is_empty() {
        &row.name_en
    } else {
        &row.name_pl
    }
}

pub fn summary_of<'a>(row: &'a EServiceRow, lang: &str) -> &'a str {
    if lang == "en" && !row.summary_en.is_empty() {
        &row.summary_en
    } else {
        &row.summary_pl
    }
}

pub async fn catalogue(
    State(state): State<AppState>,
    ctx: Ctx,
    PageQuery(q): PageQuery<CatalogueQuery>,
) -> Result<Response, PageError> {
    let tid = ctx.tenant.tenant_id.clone();
    let query: String = q.q.chars().take(100).collect();
    let q2 = query.clone();
    let rows = state
        .app
        .blocking(move |a| a.services(&tid, &q2, false))
        .await
        .map_err(|e| ctx.fail(e))?;
    let t = ctx.tr();
    let searched = !query.trim().is_empty();
    let groups = if searched {
        Vec::new()
    } else {
        LIFE_SITUATIONS
            .iter()
            .map(|id| Group {
                id: (*id).to_owned(),
                title: t.tk("life", id),
                services: rows
                    .iter()
                    .filter(|r| r.life_situations.split(' ').any(|l| l == *id))
                    .cloned()
                    .collect(),
            })
            .filter(|g| !g.services.is_empty())
            .collect()
    };
    render(&Catalogue {
        page: PageCtx::new(&ctx, "services-title"),
        q: query,
        groups,
        results: if searched { rows } else { Vec::new() },
        searched,
    })
}

// ------------------------------------------------------------------ card

#[derive(Template)]
#[template(path = "service.html")]
struct CardPage {
    page: PageCtx,
    row: EServiceRow,
    def: std::sync::Arc<ServiceDefinition>,
    unit_name: String,
    l: &'static str,
}

pub async fn card(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(slug): PagePath,
) -> Result<Response, PageError> {
    let tid = ctx.tenant.tenant_id.clone();
    let (service, unit_name) = state
        .app
        .blocking(move |a| {
            let s = a.service(&tid, &slug, false)?;
            let unit = a
                .units(&tid)?
                .into_iter()
                .find(|u| u.id == s.row.unit_id)
                .map(|u| u.name)
                .unwrap_or_default();
            Ok((s, unit))
        })
        .await
        .map_err(|e| ctx.fail(e))?;
    let t = ctx.tr();
    let l = t.lang_code();
    render(&CardPage {
        page: PageCtx {
            title: service.def.name.get(l).to_owned(),
            ..PageCtx::new(&ctx, "services-title")
        },
        row: service.row,
        def: service.def,
        unit_name,
        l,
    })
}

// ------------------------------------------------------------------ form

#[derive(Template)]
#[template(path = "apply.html")]
struct ApplyPage {
    page: PageCtx,
    slug: String,
    name: String,
    sections: Vec<SectionView>,
    errors: FormErrors,
    notice: Option<String>,
    idempotency_key: String,
    max_mb: usize,
}

#[allow(clippy::too_many_arguments)]
fn apply_page_with(
    ctx: &Ctx,
    def: &ServiceDefinition,
    answers: &Answers,
    errors: FormErrors,
    notice: Option<String>,
    key: String,
    max_mb: usize,
    status: StatusCode,
) -> Result<Response, PageError> {
    let t = ctx.tr();
    let l = t.lang_code();
    let sections = form::sections(def, answers, &errors, &t);
    render_status(
        &ApplyPage {
            page: PageCtx {
                title: format!("{} – {}", t.t("apply-title"), def.name.get(l)),
                ..PageCtx::new(ctx, "apply-title")
            },
            slug: def.slug.clone(),
            name: def.name.get(l).to_owned(),
            sections,
            errors,
            notice,
            idempotency_key: key,
            max_mb,
        },
        status,
    )
}

fn new_key() -> String {
    uuid::Uuid::now_v7().to_string()
}

fn login_next(slug: &str) -> String {
    format!("/login?next=/services/{slug}/apply")
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ApplyQuery {
    saved: String,
}

pub async fn apply_page(
    State(state): State<AppState>,
    ctx: Ctx,
    jar: CookieJar,
    PagePath(slug): PagePath,
    PageQuery(q): PageQuery<ApplyQuery>,
) -> Result<Response, PageError> {
    let Some(p) = ctx.full().cloned() else {
        return Ok(see_other(&login_next(&slug)));
    };
    if !p.allowed(Permission::UsePortal, None) {
        return Err(PageError::forbidden(ctx.lang));
    }
    let stash = jar
        .get(STASH_COOKIE)
        .map(|c| c.value().to_owned())
        .filter(|v| v.len() <= 100);
    let had_stash = stash.is_some();
    let (service, answers, restored) = state
        .app
        .blocking(move |a| {
            let s = a.service(&p.tenant_id, &slug, false)?;
            let restored = match &stash {
                Some(token) => a.take_stash(&p.tenant_id, &slug, token)?,
                None => None,
            };
            let answers = match &restored {
                Some(r) => r.clone(),
                None => a.draft(&p, &slug)?.unwrap_or_default(),
            };
            Ok((s, answers, restored.is_some()))
        })
        .await
        .map_err(|e| ctx.fail(e))?;
    let t = ctx.tr();
    let notice = if restored {
        Some(t.t("apply-restored"))
    } else if !q.saved.is_empty() {
        Some(t.t("apply-draft-saved"))
    } else {
        None
    };
    let mut resp = apply_page_with(
        &ctx,
        &service.def,
        &answers,
        FormErrors::default(),
        notice,
        new_key(),
        state.app.settings.max_upload_bytes / (1024 * 1024),
        StatusCode::OK,
    )?;
    if had_stash {
        resp.headers_mut().append(
            header::SET_COOKIE,
            HeaderValue::from_static(
                "ratusz_form=; Path=/services; Max-Age=0; HttpOnly; SameSite=Lax",
            ),
        );
    }
    Ok(resp)
}

pub async fn apply_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    jar: CookieJar,
    PagePath(slug): PagePath,
    form: MultipartForm,
) -> Result<Response, PageError> {
    // The session expired while the resident was typing (the browser still sends its dead
    // session cookie): keep everything and sign in again. Without a live session the form's
    // CSRF token cannot match; keeping the answers under a fresh random token changes nothing
    // else, so it is safe before the check. Anyone else goes through the CSRF check first.
    let dead_session = ctx.principal.is_none() && jar.get(crate::SESSION_COOKIE).is_some();
    if !dead_session {
        ctx.check_csrf(&form.text("csrf"))?;
    }
    let tid = ctx.tenant.tenant_id.clone();
    let slug2 = slug.clone();
    let service = state
        .app
        .blocking(move |a| a.service(&tid, &slug2, false))
        .await
        .map_err(|e| ctx.fail(e))?;
    let answers = form::answers_from(&service.def, &form.fields);
    if dead_session {
        let tid = ctx.tenant.tenant_id.clone();
        let (slug2, a2) = (slug.clone(), answers.clone());
        let token = state
            .app
            .blocking(move |a| a.stash_answers(&tid, &slug2, &a2))
            .await
            .map_err(|e| ctx.fail(e))?;
        let mut resp = see_other(&format!("{}&expired=1", login_next(&slug)));
        let cookie = format!(
            "{STASH_COOKIE}={token}; Path=/services; Max-Age=86400; HttpOnly; SameSite=Lax{}",
            if state.cfg.secure_cookies {
                "; Secure"
            } else {
                ""
            }
        );
        if let Ok(v) = HeaderValue::from_str(&cookie) {
            resp.headers_mut().append(header::SET_COOKIE, v);
        }
        return Ok(resp);
    }
    let Some(p) = ctx.full().cloned() else {
        return Ok(see_other(&login_next(&slug)));
    };
    if !p.allowed(Permission::UsePortal, None) {
        return Err(PageError::forbidden(ctx.lang));
    }
    let max_mb = state.app.settings.max_upload_bytes / (1024 * 1024);
    let t = ctx.tr();
    if form.text("action") == "save" {
        let (slug2, a2) = (slug.clone(), answers.clone());
        state
            .app
            .blocking(move |a| a.save_draft(&p, &slug2, &a2))
            .await
            .map_err(|e| ctx.fail(e))?;
        return Ok(see_other(&format!("/services/{slug}/apply?saved=1")));
    }
    let key = form.text("idempotency_key");
    let files: Vec<_> = form
        .files
        .iter()
        .filter(|(_, f)| !(f.bytes.is_empty() && f.file_name.is_empty()))
        .cloned()
        .collect();
    let had_files = !files.is_empty();
    let first_file_field = files.first().map(|(f, _)| f.clone()).unwrap_or_default();
    let input = SubmitInput {
        answers: answers.clone(),
        files,
        idempotency_key: key.clone(),
    };
    let slug2 = slug.clone();
    match state
        .app
        .blocking(move |a| a.submit_application(&p, &slug2, input))
        .await
    {
        Ok(sub) => Ok(see_other(&format!("/matters/{}?new=1", sub.id))),
        Err(AppError::Invalid(errs)) => apply_page_with(
            &ctx,
            &service.def,
            &answers,
            FormErrors::new(&errs, ctx.lang),
            had_files.then(|| t.t("apply-files-again")),
            if key.is_empty() { new_key() } else { key },
            max_mb,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        // Nothing was stored; keep the answers and say why, so the resident can simply retry.
        Err(AppError::AntivirusUnavailable(detail)) => {
            tracing::error!(%detail, "antivirus unavailable");
            apply_page_with(
                &ctx,
                &service.def,
                &answers,
                FormErrors::one(&first_file_field, t.t("antivirus-unavailable-field")),
                Some(t.t("apply-files-again")),
                if key.is_empty() { new_key() } else { key },
                max_mb,
                StatusCode::SERVICE_UNAVAILABLE,
            )
        }
        Err(e) => Err(ctx.fail(e)),
    }
}

// ------------------------------------------------------------------ my matters

#[derive(Template)]
#[template(path = "matters.html")]
struct MattersPage {
    page: PageCtx,
    matters: Vec<Matter>,
    l: &'static str,
}

pub async fn matters(State(state): State<AppState>, ctx: Ctx) -> Result<Response, PageError> {
    let p = match gate(&ctx, Permission::UsePortal)? {
        Ok(p) => p,
        Err(r) => return Ok(r),
    };
    let list = state
        .app
        .blocking(move |a| a.my_matters(&p, 100, 0))
        .await
        .map_err(|e| ctx.fail(e))?;
    let t = ctx.tr();
    render(&MattersPage {
        page: PageCtx::new(&ctx, "matters-title"),
        matters: list,
        l: t.lang_code(),
    })
}

pub async fn receipt_pdf(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(id): PagePath,
) -> Result<Response, PageError> {
    let p = match gate(&ctx, Permission::UsePortal)? {
        Ok(p) => p,
        Err(r) => return Ok(r),
    };
    let (receipt, pdf) = state
        .app
        .blocking(move |a| Ok((a.receipt(&p, &id)?, a.receipt_pdf(&p, &id)?)))
        .await
        .map_err(|e| ctx.fail(e))?;
    let name = format!("{}.pdf", receipt.number.replace('/', "-"));
    Ok(crate::registry::download(&name, "application/pdf", pdf))
}

// ------------------------------------------------------------------ status without an account

#[derive(Template)]
#[template(path = "status.html")]
struct StatusPage {
    page: PageCtx,
    errors: FormErrors,
    reference: String,
    matter: Option<Matter>,
    l: &'static str,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct StatusForm {
    csrf: String,
    reference: String,
    code: String,
}

pub async fn status_page(ctx: Ctx) -> Result<Response, PageError> {
    let t = ctx.tr();
    render(&StatusPage {
        page: PageCtx::new(&ctx, "status-title"),
        errors: FormErrors::default(),
        reference: String::new(),
        matter: None,
        l: t.lang_code(),
    })
}

pub async fn status_check(
    State(state): State<AppState>,
    ctx: Ctx,
    FormData(form): FormData<StatusForm>,
) -> Result<Response, PageError> {
    ctx.check_csrf(&form.csrf)?;
    let tid = ctx.tenant.tenant_id.clone();
    let (r, c, ip) = (form.reference.clone(), form.code.clone(), ctx.ip.clone());
    let result = state
        .app
        .blocking(move |a| a.public_status_from(&tid, &ip, &r, &c))
        .await;
    let t = ctx.tr();
    let (matter, errors, status) = match result {
        Ok(m) => (Some(m), FormErrors::default(), StatusCode::OK),
        // Too many failed checks from this address: said on the form, with the wait.
        Err(AppError::Throttled { retry_after_secs }) => (
            None,
            FormErrors::one(
                "code",
                t.t1(
                    "status-throttled",
                    "minutes",
                    &((retry_after_secs + 59) / 60).to_string(),
                ),
            ),
            StatusCode::TOO_MANY_REQUESTS,
        ),
        Err(AppError::Invalid(errs)) => (
            None,
            FormErrors::new(&errs, ctx.lang),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(e) => return Err(ctx.fail(e)),
    };
    render_status(
        &StatusPage {
            page: PageCtx::new(&ctx, "status-title"),
            errors,
            reference: form.reference,
            matter,
            l: t.lang_code(),
        },
        status,
    )
}
