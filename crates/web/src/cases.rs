//! Case pages of the staff panel: opening a case, the case view with its actions, documents
//! (drafts, approval, dispatch), the case index, letter templates and the archive.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use ratusz_app::AppError;
use ratusz_app::casefiles::templates::TemplateInput;
use ratusz_app::cases::OpenCaseInput;
use ratusz_app::cases::index::IndexRow;
use ratusz_app::cases::view::{CaseView, DocumentView};
use ratusz_app::registry::kinds::{DispatchMethod, DocumentKind, Manner};
use ratusz_app::store::casefiles::LetterTemplateRow;
use ratusz_app::store::registry::ArchiveTransferRow;
use ratusz_core::roles::Permission;
use serde::Deserialize;

use crate::AppState;
use crate::ctx::{Ctx, FormData, MultipartForm, PagePath, PagePath2, PageQuery};
use crate::errors::{FormErrors, PageError};
use crate::pages::{PageCtx, render, render_status, see_other};
use crate::panel::{gate, gate_post};
use crate::registry::{Opt, class_opts, download, invalid_page, procedure_opts};

// ------------------------------------------------------------------ opening

#[derive(Template)]
#[template(path = "case_new.html")]
struct CaseNew {
    page: PageCtx,
    section: &'static str,
    errors: FormErrors,
    f: OpenCaseInput,
    units: Vec<Opt>,
    classes: Vec<Opt>,
    kinds: Vec<Opt>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CaseForm {
    csrf: String,
    unit_id: String,
    class_symbol: String,
    procedure_kind: String,
    title: String,
    complicated: String,
    start_date: String,
    handler_id: String,
    access_level: String,
    incoming_item_id: String,
    party_name: String,
    party_address: String,
}

impl CaseForm {
    fn input(&self) -> OpenCaseInput {
        OpenCaseInput {
            unit_id: self.unit_id.clone(),
            class_symbol: self.class_symbol.clone(),
            procedure_kind: self.procedure_kind.clone(),
            title: self.title.clone(),
            complicated: matches!(self.complicated.as_str(), "on" | "true" | "1"),
            start_date: self.start_date.clone(),
            handler_id: self.handler_id.clone(),
            access_level: self.access_level.clone(),
            incoming_item_id: self.incoming_item_id.clone(),
            party_name: self.party_name.clone(),
            party_address: self.party_address.clone(),
        }
    }
}

async fn case_new_with(
    state: &AppState,
    ctx: &Ctx,
    errors: FormErrors,
    f: OpenCaseInput,
    status: StatusCode,
) -> Result<Response, PageError> {
    let p = match gate(ctx, Permission::UsePanel)? {
        Ok(p) => p,
        Err(r) => return Ok(r),
    };
    let tid = ctx.tenant.tenant_id.clone();
    let (units, classes) = state
        .app
        .blocking(move |a| Ok((a.units(&tid)?, a.file_classes(&tid)?)))
        .await
        .map_err(|e| ctx.fail(e))?;
    let units = units
        .iter()
        .filter(|u| p.allowed(Permission::HandleCases, uuid::Uuid::parse_str(&u.id).ok()))
        .map(|u| Opt {
            value: u.id.clone(),
            label: format!("{} – {}", u.symbol, u.name),
        })
        .collect();
    let t = ctx.tr();
    render_status(
        &CaseNew {
            page: PageCtx::new(ctx, "case-new-title"),
            section: "cases",
            errors,
            f,
            units,
            classes: class_opts(&classes),
            kinds: procedure_opts(&t),
        },
        status,
    )
}

pub async fn case_new(State(state): State<AppState>, ctx: Ctx) -> Result<Response, PageError> {
    case_new_with(
        &state,
        &ctx,
        FormErrors::default(),
        OpenCaseInput {
            procedure_kind: "administrative".into(),
            ..Default::default()
        },
        StatusCode::OK,
    )
    .await
}

pub async fn case_create(
    State(state): State<AppState>,
    ctx: Ctx,
    FormData(form): FormData<CaseForm>,
) -> Result<Response, PageError> {
    let p = match gate_post(&ctx, &form.csrf, Permission::UsePanel)? {
        Ok(p) => p,
        Err(r) => return Ok(r),
    };
    let input = form.input();
    let i2 = input.clone();
    match state.app.blocking(move |a| a.open_case(&p, &i2)).await {
        Ok(case) => Ok(see_other(&format!("/panel/cases/{}?opened=1", case.id))),
        Err(AppError::Invalid(errs)) => {
            if !input.incoming_item_id.is_empty() {
                return invalid_page(
                    &ctx,
                    &errs,
                    &format!("/panel/incoming/{}", input.incoming_item_id),
                );
            }
            case_new_with(
                &state,
                &ctx,
                FormErrors::new(&errs, ctx.lang),
                input,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(ctx.fail(e)),
    }
}

// ------------------------------------------------------------------ the case view

#[derive(Template)]
#[template(path = "case.html")]
struct CasePage {
    page: PageCtx,
    section: &'static str,
    v: CaseView,
    templates: Vec<LetterTemplateRow>,
    manners: Vec<Opt>,
    doc_kinds: Vec<Opt>,
    errors: FormErrors,
    notice: Option<String>,
    can_assign: bool,
    is_closed: bool,
    paused: bool,
    today: String,
    /// The portal matter of a case that came through the portal.
    portal: Option<PortalView>,
}

/// A case's portal matter: the receipt number, the thread and the deliveries.
struct PortalView {
    receipt_number: String,
    messages: Vec<ratusz_app::eservices::contact::ThreadMessage>,
    deliveries: Vec<ratusz_app::store::eservices::contact::DeliveryRow>,
}

impl CasePage {
    fn delivery_state(&self, d: &ratusz_app::store::eservices::contact::DeliveryRow) -> String {
        let t = self.page.t;
        let state = ratusz_app::eservices::contact::delivery_state(d);
        let at = d.opened_at.or(d.deemed_at).unwrap_or(d.available_at);
        t.t1(
            &format!("case-portal-{state}"),
            "when",
            &crate::registry::when(&at),
        )
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NoticeQ {
    opened: String,
    done: String,
}

async fn case_page_with(
    state: &AppState,
    ctx: &Ctx,
    id: String,
    errors: FormErrors,
    notice: Option<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let p = match gate(ctx, Permission::UsePanel)? {
        Ok(p) => p,
        Err(r) => return Ok(r),
    };
    let tid = ctx.tenant.tenant_id.clone();
    let p2 = p.clone();
    let (v, templates, portal) = state
        .app
        .blocking(move |a| {
            Ok((
                a.case_view(&p2, &id)?,
                a.letter_templates(&tid)?,
                a.case_portal(&p2, &id)?,
            ))
        })
        .await
        .map_err(|e| ctx.fail(e))?;
    let portal = portal.map(|(sub, messages, deliveries)| PortalView {
        receipt_number: sub.receipt_number,
        messages,
        deliveries,
    });
    let t = ctx.tr();
    let can_assign = p.allowed(
        Permission::AssignItems,
        uuid::Uuid::parse_str(&v.case.unit_id).ok(),
    );
    render_status(
        &CasePage {
            page: PageCtx {
                title: format!("{} {}", t.t("case-title"), v.case.sign),
                ..PageCtx::new(ctx, "case-title")
            },
            section: "cases",
            is_closed: v.case.status == "closed",
            paused: v.pauses.iter().any(|p| p.until_date.is_none()),
            today: ratusz_app::registry::iso(state.app.clock.today_warsaw()),
            v,
            templates,
            manners: Manner::ALL
                .iter()
                .map(|m| Opt {
                    value: m.as_str().into(),
                    label: t.tk("manner", m.as_str()),
                })
                .collect(),
            doc_kinds: DocumentKind::ALL
                .iter()
                .map(|m| Opt {
                    value: m.as_str().into(),
                    label: t.tk("doc-kind", m.as_str()),
                })
                .collect(),
            errors,
            notice,
            can_assign,
            portal,
        },
        status,
    )
}

pub async fn case_page(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(id): PagePath,
    PageQuery(q): PageQuery<NoticeQ>,
) -> Result<Response, PageError> {
    let t = ctx.tr();
    let notice = if !q.opened.is_empty() {
        Some(t.t("case-opened"))
    } else if !q.done.is_empty() {
        Some(t.tk("case-done", &q.done))
    } else {
        None
    };
    case_page_with(
        &state,
        &ctx,
        id,
        FormErrors::default(),
        notice,
        StatusCode::OK,
    )
    .await
}

/// Every field any case action form sends.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CaseActionForm {
    csrf: String,
    template_id: String,
    addressee_name: String,
    addressee_address: String,
    unit_id: String,
    handler_id: String,
    manner: String,
    deadline: String,
    note: String,
    reason: String,
    from: String,
    until: String,
    days: String,
    deficiencies: String,
    new_due: String,
    final_document_id: String,
    party_name: String,
    party_address: String,
    party_email: String,
    related_sign: String,
}

pub async fn case_action(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath2(id, action): PagePath2,
    FormData(f): FormData<CaseActionForm>,
) -> Result<Response, PageError> {
    let p = match gate_post(&ctx, &f.csrf, Permission::UsePanel)? {
        Ok(p) => p,
        Err(r) => return Ok(r),
    };
    let id2 = id.clone();
    let act = action.clone();
    let result: Result<Option<String>, AppError> = state
        .app
        .blocking(move |a| {
            let redirect_doc = |d: ratusz_app::store::casefiles::DocumentRow| {
                Some(format!("/panel/documents/{}", d.id))
            };
            Ok(match act.as_str() {
                "draft" => redirect_doc(a.draft_from_template(
                    &p,
                    &id2,
                    &f.template_id,
                    &f.addressee_name,
                    &f.addressee_address,
                )?),
                "assign" => {
                    let input = ratusz_app::registry::assign::AssignInput {
                        unit_id: f.unit_id,
                        handler_id: f.handler_id,
                        manner: f.manner,
                        deadline: f.deadline,
                        note: f.note,
                    };
                    a.assign_case(&p, &id2, &input)?;
                    None
                }
                "pause" => {
                    a.pause_case(&p, &id2, &f.reason, &f.from, &f.note)?;
                    None
                }
                "resume" => {
                    a.resume_case(&p, &id2, &f.until)?;
                    None
                }
                "deficiency" => {
                    redirect_doc(a.deficiency_notice(&p, &id2, &f.days, &f.deficiencies)?)
                }
                "extend" => redirect_doc(a.extend_deadline(&p, &id2, &f.new_due, &f.reason)?),
                "close" => {
                    a.close_case(&p, &id2, &f.final_document_id)?;
                    None
                }
                "reopen" => {
                    a.reopen_case(&p, &id2, &f.reason)?;
                    None
                }
                "party" => {
                    a.add_party(&p, &id2, &f.party_name, &f.party_address, &f.party_email)?;
                    None
                }
                "link" => {
                    a.link_cases(&p, &id2, &f.related_sign)?;
                    None
                }
                _ => return Err(AppError::NotFound),
            })
        })
        .await;
    match result {
        Ok(Some(to)) => Ok(see_other(&to)),
        Ok(None) => Ok(see_other(&format!("/panel/cases/{id}?done={action}"))),
        Err(AppError::Invalid(errs)) => {
            case_page_with(
                &state,
                &ctx,
                id,
                FormErrors::new(&errs, ctx.lang),
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(ctx.fail(e)),
    }
}

pub async fn case_documents(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(id): PagePath,
    form: MultipartForm,
) -> Result<Response, PageError> {
    let p = match gate_post(&ctx, &form.text("csrf"), Permission::UsePanel)? {
        Ok(p) => p,
        Err(r) => return Ok(r),
    };
    let Some(file) = form.files_named("file").into_iter().next() else {
        let t = ctx.tr();
        return case_page_with(
            &state,
            &ctx,
            id,
            FormErrors::one("file", t.t("document-choose-file")),
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let (title, kind) = (form.text("title"), form.text("kind"));
    let id2 = id.clone();
    match state
        .app
        .blocking(move |a| a.add_document(&p, &id2, &title, &kind, file))
        .await
    {
        Ok(_) => Ok(see_other(&format!("/panel/cases/{id}?done=document"))),
        Err(AppError::Invalid(errs)) => {
            case_page_with(
                &state,
                &ctx,
                id,
                FormErrors::new(&errs, ctx.lang),
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(ctx.fail(e)),
    }
}

/// The office writes to the resident of a case that came through the portal.
pub async fn case_portal_message(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(id): PagePath,
    form: MultipartForm,
) -> Result<Response, PageError> {
    let p = match gate_post(&ctx, &form.text("csrf"), Permission::UsePanel)? {
        Ok(p) => p,
        Err(r) => return Ok(r),
    };
    let body = form.text("body");
    let files = form.files_named("files");
    let id2 = id.clone();
    match state
        .app
        .blocking(move |a| a.office_message(&p, &id2, &body, files))
        .await
    {
        Ok(_) => Ok(see_other(&format!(
            "/panel/cases/{id}?done=portal-message#portal-h"
        ))),
        Err(AppError::Invalid(errs)) => {
            case_page_with(
                &state,
                &ctx,
                id,
                FormErrors::new(&errs, ctx.lang),
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(ctx.fail(e)),
    }
}

pub async fn case_log_csv(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(id): PagePath,
) -> Result<Response, PageError> {
    let p = match gate(&ctx, Permission::UsePanel)? {
        Ok(p) => p,
        Err(r) => return Ok(r),
    };
    let (csv, sign) = state
        .app
        .blocking(move |a| Ok((a.case_log_csv(&p, &id)?, a.case(&p, &id)?.sign)))
        .await
        .map_err(|e| ctx.fail(e))?;
    Ok(download(
        &format!("metryka-{}.csv", sign.replace('.', "_")),
        "text/csv; charset=utf-8",
        csv.into_bytes(),
    ))
}

// ------------------------------------------------------------------ documents

#[derive(Template)]
#[template(path = "document.html")]
struct DocumentPage {
    page: PageCtx,
    section: &'static str,
    d: DocumentView,
    case_id: String,
    case_sign: String,
    text: Option<String>,
    approvers: Vec<(String, String)>,
    names: std::collections::BTreeMap<String, String>,
    methods: Vec<Opt>,
    my_turn: bool,
    can_approve: bool,
    errors: FormErrors,
    notice: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DocNotice {
    done: String,
}

async fn document_page_with(
    state: &AppState,
    ctx: &Ctx,
    id: String,
    errors: FormErrors,
    notice: Option<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let p = match gate(ctx, Permission::UsePanel)? {
        Ok(p) => p,
        Err(r) => return Ok(r),
    };
    let p2 = p.clone();
    let (doc, view, text) = state
        .app
        .blocking(move |a| {
            let doc = a.document(&p2, &id)?;
            let case_id = doc.case_id.clone().ok_or(AppError::NotFound)?;
            let view = a.case_view(&p2, &case_id)?;
            let text = a.draft_text(&p2, &id).ok();
            Ok((doc, view, text))
        })
        .await
        .map_err(|e| ctx.fail(e))?;
    let d = view
        .documents
        .iter()
        .find(|d| d.document.id == doc.id)
        .cloned()
        .ok_or_else(|| PageError::not_found(ctx.lang))?;
    let round = d.steps.iter().map(|s| s.round).max().unwrap_or(0);
    let my_turn = d
        .steps
        .iter()
        .any(|s| s.round == round && s.status == "pending" && s.approver_id == p.user.id);
    let t = ctx.tr();
    render_status(
        &DocumentPage {
            page: PageCtx {
                title: format!("{} – {}", d.document.title, view.case.sign),
                ..PageCtx::new(ctx, "document-title")
            },
            section: "cases",
            can_approve: p.allowed(
                Permission::ApproveDocuments,
                uuid::Uuid::parse_str(&view.case.unit_id).ok(),
            ),
            d,
            case_id: view.case.id.clone(),
            case_sign: view.case.sign.clone(),
            text,
            approvers: view.approvers.clone(),
            names: view.names.clone(),
            methods: DispatchMethod::ALL
                .iter()
                .map(|m| Opt {
                    value: m.as_str().into(),
                    label: t.tk("dispatch", m.as_str()),
                })
                .collect(),
            my_turn,
            errors,
            notice,
        },
        status,
    )
}

pub async fn document_page(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(id): PagePath,
    PageQuery(q): PageQuery<DocNotice>,
) -> Result<Response, PageError> {
    let notice = (!q.done.is_empty()).then(|| ctx.tr().tk("document-done", &q.done));
    document_page_with(
        &state,
        &ctx,
        id,
        FormErrors::default(),
        notice,
        StatusCode::OK,
    )
    .await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DocumentActionForm {
    csrf: String,
    body: String,
    approver_1: String,
    approver_2: String,
    approver_3: String,
    allow_self: String,
    comment: String,
    dispatch_method: String,
    addressee_name: String,
    addressee_address: String,
}

pub async fn document_action(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath2(id, action): PagePath2,
    FormData(f): FormData<DocumentActionForm>,
) -> Result<Response, PageError> {
    let p = match gate_post(&ctx, &f.csrf, Permission::UsePanel)? {
        Ok(p) => p,
        Err(r) => return Ok(r),
    };
    let id2 = id.clone();
    let act = action.clone();
    let f_method = f.dispatch_method.clone();
    let result = state
        .app
        .blocking(move |a| {
            match act.as_str() {
                "edit" => {
                    a.edit_draft(&p, &id2, &f.body)?;
                }
                "submit" => {
                    let approvers = vec![f.approver_1, f.approver_2, f.approver_3];
                    // (three in the form; the API takes up to five)
                    a.submit_for_approval(
                        &p,
                        &id2,
                        &approvers,
                        matches!(f.allow_self.as_str(), "on" | "1" | "true"),
                    )?;
                }
                "approve" => {
                    a.decide_approval(&p, &id2, true, &f.comment)?;
                }
                "reject" => {
                    a.decide_approval(&p, &id2, false, &f.comment)?;
                }
                "withdraw" => {
                    a.withdraw_draft(&p, &id2)?;
                }
                "dispatch" => {
                    a.dispatch_document(
                        &p,
                        &id2,
                        &f.dispatch_method,
                        &f.addressee_name,
                        &f.addressee_address,
                    )?;
                }
                _ => return Err(AppError::NotFound),
            }
            Ok(())
        })
        .await;
    match result {
        Ok(()) => {
            let done = if action == "dispatch" && f_method == "portal" {
                "dispatch-portal"
            } else {
                action.as_str()
            };
            Ok(see_other(&format!("/panel/documents/{id}?done={done}")))
        }
        Err(AppError::Invalid(errs)) => {
            document_page_with(
                &state,
                &ctx,
                id,
                FormErrors::new(&errs, ctx.lang),
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(ctx.fail(e)),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct VersionQ {
    version: String,
}

pub async fn document_content(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(id): PagePath,
    PageQuery(q): PageQuery<VersionQ>,
) -> Result<Response, PageError> {
    let p = match gate(&ctx, Permission::UsePanel)? {
        Ok(p) => p,
        Err(r) => return Ok(r),
    };
    let version = q.version.trim().parse::<i32>().ok();
    let c = state
        .app
        .blocking(move |a| a.document_content(&p, &id, version))
        .await
        .map_err(|e| ctx.fail(e))?;
    Ok(download(&c.file_name, &c.media_type, c.bytes))
}

pub async fn document_preview(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(id): PagePath,
) -> Result<Response, PageError> {
    let p = match gate(&ctx, Permission::UsePanel)? {
        Ok(p) => p,
        Err(r) => return Ok(r),
    };
    let (pdf, title) = state
        .app
        .blocking(move |a| {
            let doc = a.document(&p, &id)?;
            Ok((a.render_letter_pdf(&p, &doc)?, doc.title))
        })
        .await
        .map_err(|e| ctx.fail(e))?;
    Ok(download(&format!("{title}.pdf"), "application/pdf", pdf))
}

// ------------------------------------------------------------------ case index

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct IndexQ {
    unit: String,
    class: String,
    year: String,
    format: String,
}

#[derive(Template)]
#[template(path = "case_index.html")]
struct IndexPage {
    page: PageCtx,
    section: &'static str,
    units: Vec<Opt>,
    classes: Vec<Opt>,
    q: IndexQ,
    rows: Vec<IndexRow>,
    shown: bool,
    query: String,
}

pub async fn case_index(
    State(state): State<AppState>,
    ctx: Ctx,
    PageQuery(q): PageQuery<IndexQ>,
) -> Result<Response, PageError> {
    let p = match gate(&ctx, Permission::UsePanel)? {
        Ok(p) => p,
        Err(r) => return Ok(r),
    };
    let year = q
        .year
        .trim()
        .parse::<i32>()
        .unwrap_or_else(|_| state.app.clock.today_warsaw().year());
    let tid = ctx.tenant.tenant_id.clone();
    let shown = !q.unit.is_empty() && !q.class.is_empty();
    let (unit, class, format) = (q.unit.clone(), q.class.clone(), q.format.clone());
    let p2 = p.clone();
    let (units, classes, rows) = state
        .app
        .blocking(move |a| {
            let rows = if shown {
                a.case_index(&p2, &unit, &class, year)?
            } else {
                Vec::new()
            };
            Ok((a.units(&tid)?, a.file_classes(&tid)?, rows))
        })
        .await
        .map_err(|e| ctx.fail(e))?;
    if shown && format == "csv" {
        let csv = state.app.case_index_csv(&rows).map_err(|e| ctx.fail(e))?;
        return Ok(download(
            &format!("spis-spraw-{}-{year}.csv", q.class),
            "text/csv; charset=utf-8",
            csv.into_bytes(),
        ));
    }
    if shown && format == "pdf" {
        let (unit, class) = (q.unit.clone(), q.class.clone());
        let pdf = state
            .app
            .blocking(move |a| a.case_index_pdf(&p, &unit, &class, year, &rows))
            .await
            .map_err(|e| ctx.fail(e))?;
        return Ok(download(
            &format!("spis-spraw-{}-{year}.pdf", q.class),
            "application/pdf",
            pdf,
        ));
    }
    let scope =
        ratusz_app::registry::Scope::of(ctx.full().ok_or_else(|| PageError::forbidden(ctx.lang))?);
    let visible_units = units
        .iter()
        .filter(|u| scope.covers(&u.id))
        .map(|u| Opt {
            value: u.id.clone(),
            label: format!("{} – {}", u.symbol, u.name),
        })
        .collect();
    let query = format!(
        "unit={}&class={}&year={year}",
        crate::panel::url_encode(&q.unit),
        crate::panel::url_encode(&q.class)
    );
    render(&IndexPage {
        page: PageCtx::new(&ctx, "index-title"),
        section: "index",
        units: visible_units,
        classes: class_opts(&classes),
        q: IndexQ {
            year: year.to_string(),
            ..q
        },
        rows,
        shown,
        query,
    })
}

// ------------------------------------------------------------------ templates

#[derive(Template)]
#[template(path = "templates.html")]
struct TemplatesPage {
    page: PageCtx,
    section: &'static str,
    templates: Vec<LetterTemplateRow>,
    kinds: Vec<Opt>,
    f: TemplateInput,
    errors: FormErrors,
    placeholders: Vec<&'static str>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct TemplateForm {
    csrf: String,
    name: String,
    kind: String,
    title: String,
    body: String,
}

async fn templates_with(
    state: &AppState,
    ctx: &Ctx,
    f: TemplateInput,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, PageError> {
    if let Err(r) = gate(ctx, Permission::UsePanel)? {
        return Ok(r);
    }
    let tid = ctx.tenant.tenant_id.clone();
    let templates = state
        .app
        .blocking(move |a| a.letter_templates(&tid))
        .await
        .map_err(|e| ctx.fail(e))?;
    let t = ctx.tr();
    render_status(
        &TemplatesPage {
            page: PageCtx::new(ctx, "templates-title"),
            section: "templates",
            templates,
            kinds: DocumentKind::ALL
                .iter()
                .map(|m| Opt {
                    value: m.as_str().into(),
                    label: t.tk("doc-kind", m.as_str()),
                })
                .collect(),
            f,
            errors,
            placeholders: ratusz_core::letters::PLACEHOLDERS.to_vec(),
        },
        status,
    )
}

pub async fn templates_page(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<Response, PageError> {
    templates_with(
        &state,
        &ctx,
        TemplateInput {
            kind: "letter".into(),
            ..Default::default()
        },
        FormErrors::default(),
        StatusCode::OK,
    )
    .await
}

pub async fn templates_create(
    State(state): State<AppState>,
    ctx: Ctx,
    FormData(form): FormData<TemplateForm>,
) -> Result<Response, PageError> {
    let p = match gate_post(&ctx, &form.csrf, Permission::UsePanel)? {
        Ok(p) => p,
        Err(r) => return Ok(r),
    };
    let input = TemplateInput {
        name: form.name,
        kind: form.kind,
        title: form.title,
        body: form.body,
    };
    let i2 = input.clone();
    match state
        .app
        .blocking(move |a| a.create_template(&p, &i2))
        .await
    {
        Ok(_) => Ok(see_other("/panel/templates")),
        Err(AppError::Invalid(errs)) => {
            templates_with(
                &state,
                &ctx,
                input,
                FormErrors::new(&errs, ctx.lang),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(ctx.fail(e)),
    }
}

// ------------------------------------------------------------------ archive

#[derive(Template)]
#[template(path = "archive.html")]
struct ArchivePage {
    page: PageCtx,
    section: &'static str,
    transfers: Vec<ArchiveTransferRow>,
    units: Vec<Opt>,
    unit_names: std::collections::BTreeMap<String, String>,
    errors: FormErrors,
    year: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ArchiveForm {
    csrf: String,
    unit_id: String,
    year: String,
}

async fn archive_with(
    state: &AppState,
    ctx: &Ctx,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, PageError> {
    let p = match gate(ctx, Permission::UsePanel)? {
        Ok(p) => p,
        Err(r) => return Ok(r),
    };
    let tid = ctx.tenant.tenant_id.clone();
    let (units, transfers) = state
        .app
        .blocking(move |a| {
            Ok((
                a.units(&tid)?,
                a.store
                    .read(|c| ratusz_app::store::registry::transfers(c, &tid))?,
            ))
        })
        .await
        .map_err(|e| ctx.fail(e))?;
    let scope = ratusz_app::registry::Scope::of(&p);
    render_status(
        &ArchivePage {
            page: PageCtx::new(ctx, "archive-title"),
            section: "archive",
            transfers: transfers
                .into_iter()
                .filter(|t| scope.covers(&t.unit_id))
                .collect(),
            unit_names: units
                .iter()
                .map(|u| (u.id.clone(), u.symbol.clone()))
                .collect(),
            units: units
                .iter()
                .filter(|u| p.allowed(Permission::ArchiveCases, uuid::Uuid::parse_str(&u.id).ok()))
                .map(|u| Opt {
                    value: u.id.clone(),
                    label: format!("{} – {}", u.symbol, u.name),
                })
                .collect(),
            errors,
            year: (state.app.clock.today_warsaw().year() - 1).to_string(),
        },
        status,
    )
}

pub async fn archive_page(State(state): State<AppState>, ctx: Ctx) -> Result<Response, PageError> {
    archive_with(&state, &ctx, FormErrors::default(), StatusCode::OK).await
}

pub async fn archive_create(
    State(state): State<AppState>,
    ctx: Ctx,
    FormData(form): FormData<ArchiveForm>,
) -> Result<Response, PageError> {
    let p = match gate_post(&ctx, &form.csrf, Permission::UsePanel)? {
        Ok(p) => p,
        Err(r) => return Ok(r),
    };
    let Ok(year) = form.year.trim().parse::<i32>() else {
        let t = ctx.tr();
        return archive_with(
            &state,
            &ctx,
            FormErrors::one("year", t.t("archive-year-invalid")),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    match state
        .app
        .blocking(move |a| a.create_handover(&p, &form.unit_id, year))
        .await
    {
        Ok(_) => Ok(see_other("/panel/archive")),
        Err(AppError::Invalid(errs)) => {
            archive_with(
                &state,
                &ctx,
                FormErrors::new(&errs, ctx.lang),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(ctx.fail(e)),
    }
}

pub async fn archive_file(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath2(id, file): PagePath2,
) -> Result<Response, PageError> {
    let p = match gate(&ctx, Permission::UsePanel)? {
        Ok(p) => p,
        Err(r) => return Ok(r),
    };
    match file.as_str() {
        "list.pdf" => {
            let pdf = state
                .app
                .blocking(move |a| a.handover_pdf(&p, &id))
                .await
                .map_err(|e| ctx.fail(e))?;
            Ok(download(
                "spis-zdawczo-odbiorczy.pdf",
                "application/pdf",
                pdf,
            ))
        }
        "package.zip" => {
            let zip = state
                .app
                .blocking(move |a| a.archive_package(&p, &id))
                .await
                .map_err(|e| ctx.fail(e))?;
            Ok(download("paczka-archiwalna.zip", "application/zip", zip))
        }
        _ => Err(PageError::not_found(ctx.lang)),
    }
}
