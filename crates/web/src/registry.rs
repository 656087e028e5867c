//! The registry pages of the staff panel: "my work", the incoming and outgoing registers, an
//! item with its assignment, the file plan (JRWA) and search.

use askama::Template;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use ratusz_app::AppError;
use ratusz_app::cases::view::WorkItem;
use ratusz_app::registry::assign::AssignInput;
use ratusz_app::registry::incoming::IncomingInput;
use ratusz_app::registry::kinds::{AccessLevel, Channel, ItemKind, Manner};
use ratusz_app::store::casefiles::DocumentRow;
use ratusz_app::store::registry::{
    AssignmentRow, FileClassRow, IncomingFilter, IncomingItemRow, OutgoingFilter, OutgoingListRow,
};
use ratusz_app::store::search::SearchHit;
use ratusz_app::store::tenants::UnitRow;
use ratusz_core::roles::Permission;
use serde::Deserialize;

use crate::AppState;
use crate::ctx::{Ctx, FormData, MultipartForm, PagePath, PageQuery};
use crate::errors::{FormErrors, PageError};
use crate::pages::{PageCtx, render, render_status, see_other};
use crate::panel::{format_ts, gate, gate_post};

/// A file sent to the browser as a download.
pub fn download(name: &str, media_type: &str, bytes: Vec<u8>) -> Response {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded = crate::panel::url_encode(name);
    (
        [
            (header::CONTENT_TYPE, media_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}"),
            ),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
        ],
        bytes,
    )
        .into_response()
}

/// Codes and labels for a `<select>`.
pub struct Opt {
    pub value: String,
    pub label: String,
}

fn opts(t: &crate::i18n::Tr, prefix: &str, codes: impl Iterator<Item = &'static str>) -> Vec<Opt> {
    codes
        .map(|c| Opt {
            value: c.to_owned(),
            label: t.tk(prefix, c),
        })
        .collect()
}

fn unit_opts(units: &[UnitRow]) -> Vec<Opt> {
    units
        .iter()
        .map(|u| Opt {
            value: u.id.clone(),
            label: format!("{} – {}", u.symbol, u.name),
        })
        .collect()
}

// ------------------------------------------------------------------ my work

#[derive(Template)]
#[template(path = "work.html")]
struct WorkPage {
    page: PageCtx,
    section: &'static str,
    items: Vec<WorkItem>,
}

pub async fn work_page(State(state): State<AppState>, ctx: Ctx) -> Result<Response, PageError> {
    let p = match gate(&ctx, Permission::UsePanel)? {
        Ok(p) => p,
        Err(r) => return Ok(r),
    };
    let items = state
        .app
        .blocking(move |a| a.my_work(&p, 500))
        .await
        .map_err(|e| ctx.fail(e))?;
    render(&WorkPage {
        page: PageCtx::new(&ctx, "work-title"),
        section: "work",
        items,
    })
}

// ------------------------------------------------------------------ incoming register

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RegisterQuery {
    year: String,
    channel: String,
    kind: String,
    q: String,
    offset: i64,
}

#[derive(Template)]
#[template(path = "incoming_list.html")]
struct IncomingList {
    page: PageCtx,
    section: &'static str,
    items: Vec<IncomingItemRow>,
    q: RegisterQuery,
    channels: Vec<Opt>,
    kinds: Vec<Opt>,
    can_register: bool,
    next_offset: Option<i64>,
}

const PAGE_SIZE: i64 = 100;

pub async fn incoming_list(
    State(state): State<AppState>,
    ctx: Ctx,
    PageQuery(q): PageQuery<RegisterQuery>,
) -> Result<Response, PageError> {
    let p = match gate(&ctx, Permission::UsePanel)? {
        Ok(p) => p,
        Err(r) => return Ok(r),
    };
    let filter = IncomingFilter {
        year: q.year.trim().parse().ok(),
        channel: Channel::parse(&q.channel).map(|c| c.as_str().to_owned()),
        kind: ItemKind::parse(&q.kind).map(|c| c.as_str().to_owned()),
        text: Some(q.q.trim().to_owned()).filter(|s| !s.is_empty() && s.len() < 200),
        ..Default::default()
    };
    let can_register = p
        .grants
        .iter()
        .any(|g| g.role.grants(Permission::RegisterItems));
    let offset = q.offset.max(0);
    let items = state
        .app
        .blocking(move |a| a.incoming_register(&p, filter, PAGE_SIZE, offset))
        .await
        .map_err(|e| ctx.fail(e))?;
    let t = ctx.tr();
    render(&IncomingList {
        page: PageCtx::new(&ctx, "incoming-title"),
        section: "incoming",
        next_offset: (items.len() as i64 == PAGE_SIZE).then_some(offset + PAGE_SIZE),
        items,
        channels: opts(&t, "channel", Channel::ALL.iter().map(|c| c.as_str())),
        kinds: opts(&t, "item-kind", ItemKind::ALL.iter().map(|c| c.as_str())),
        q,
        can_register,
    })
}

#[derive(Template)]
#[template(path = "incoming_new.html")]
struct IncomingNew {
    page: PageCtx,
    section: &'static str,
    errors: FormErrors,
    f: IncomingInput,
    channels: Vec<Opt>,
    kinds: Vec<Opt>,
    access: Vec<Opt>,
    max_mb: usize,
}

fn incoming_form(
    ctx: &Ctx,
    state: &AppState,
    errors: FormErrors,
    f: IncomingInput,
    status: StatusCode,
) -> Result<Response, PageError> {
    let t = ctx.tr();
    render_status(
        &IncomingNew {
            page: PageCtx::new(ctx, "incoming-new-title"),
            section: "incoming",
            errors,
            f,
            channels: opts(&t, "channel", Channel::ALL.iter().map(|c| c.as_str())),
            kinds: opts(&t, "item-kind", ItemKind::ALL.iter().map(|c| c.as_str())),
            access: opts(&t, "access", AccessLevel::ALL.iter().map(|c| c.as_str())),
            max_mb: state.app.settings.max_upload_bytes / 1024 / 1024,
        },
        status,
    )
}

pub async fn incoming_new(State(state): State<AppState>, ctx: Ctx) -> Result<Response, PageError> {
    if let Err(r) = gate(&ctx, Permission::UsePanel)? {
        return Ok(r);
    }
    let f = IncomingInput {
        channel: "paper".into(),
        kind: "letter".into(),
        access_level: "internal".into(),
        paper_original: true,
        ..Default::default()
    };
    incoming_form(&ctx, &state, FormErrors::default(), f, StatusCode::OK)
}

fn incoming_input(form: &MultipartForm) -> IncomingInput {
    IncomingInput {
        channel: form.text("channel"),
        kind: form.text("kind"),
        title: form.text("title"),
        sender_name: form.text("sender_name"),
        sender_address: form.text("sender_address"),
        sender_reference: form.text("sender_reference"),
        letter_date: form.text("letter_date"),
        received_on: form.text("received_on"),
        access_level: form.text("access_level"),
        attachments_count: form.text("attachments_count"),
        paper_original: form.flag("paper_original"),
        notes: form.text("notes"),
    }
}

pub async fn incoming_create(
    State(state): State<AppState>,
    ctx: Ctx,
    form: MultipartForm,
) -> Result<Response, PageError> {
    let p = match gate_post(&ctx, &form.text("csrf"), Permission::UsePanel)? {
        Ok(p) => p,
        Err(r) => return Ok(r),
    };
    let input = incoming_input(&form);
    let files = form.files_named("files");
    let i2 = input.clone();
    match state
        .app
        .blocking(move |a| a.register_incoming(&p, &i2, files))
        .await
    {
        Ok(item) => Ok(see_other(&format!(
            "/panel/incoming/{}?registered=1",
            item.id
        ))),
        Err(AppError::Invalid(errs)) => incoming_form(
            &ctx,
            &state,
            FormErrors::new(&errs, ctx.lang),
            input,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        // Nothing was registered; keep what the clerk typed and say why.
        Err(AppError::AntivirusUnavailable(detail)) => {
            tracing::error!(%detail, "antivirus unavailable");
            incoming_form(
                &ctx,
                &state,
                FormErrors::one("files", ctx.tr().t("antivirus-unavailable-field")),
                input,
                StatusCode::SERVICE_UNAVAILABLE,
            )
        }
        Err(e) => Err(ctx.fail(e)),
    }
}

// ------------------------------------------------------------------ one item

#[derive(Template)]
#[template(path = "incoming_item.html")]
struct ItemPage {
    page: PageCtx,
    section: &'static str,
    item: IncomingItemRow,
    documents: Vec<DocumentRow>,
    assignments: Vec<AssignmentRow>,
    names: std::collections::BTreeMap<String, String>,
    unit_names: std::collections::BTreeMap<String, String>,
    units: Vec<Opt>,
    staff: Vec<(String, String, String)>,
    manners: Vec<Opt>,
    classes: Vec<Opt>,
    kinds: Vec<Opt>,
    can_assign: bool,
    can_open_case: bool,
    can_join: bool,
    me: String,
    errors: FormErrors,
    notice: Option<String>,
    /// The intake robot's reading, when it read the item.
    intake: Option<ratusz_app::intake::IntakeDetail>,
    unit_rows: Vec<UnitRow>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ItemQuery {
    registered: String,
    assigned: String,
    intake: String,
}

pub(crate) fn procedure_opts(t: &crate::i18n::Tr) -> Vec<Opt> {
    opts(
        t,
        "procedure",
        ratusz_core::cases::ProcedureKind::ALL
            .iter()
            .map(|k| k.as_str()),
    )
}

pub(crate) fn class_opts(classes: &[FileClassRow]) -> Vec<Opt> {
    classes
        .iter()
        .filter(|c| c.category.is_some())
        .map(|c| Opt {
            value: c.symbol.clone(),
            label: format!(
                "{} – {} ({})",
                c.symbol,
                c.heading,
                c.category.clone().unwrap_or_default()
            ),
        })
        .collect()
}

async fn item_page_with(
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
    let (item, documents, assignments, units, staff, classes, intake) = state
        .app
        .blocking(move |a| {
            let item = a.incoming_item(&p, &id)?;
            let docs = a.item_documents(&p, &id)?;
            let asg = a.assignments(&tid, "item", &id)?;
            let units = a.units(&tid)?;
            let staff = a.staff(&tid)?;
            let classes = a.file_classes(&tid)?;
            let intake = a.intake_detail(&p, &id)?;
            Ok((item, docs, asg, units, staff, classes, intake))
        })
        .await
        .map_err(|e| ctx.fail(e))?;
    let Some(p) = ctx.full() else {
        return Err(PageError::forbidden(ctx.lang));
    };
    let t = ctx.tr();
    let names = staff
        .iter()
        .map(|(u, _)| (u.id.clone(), u.display_name.clone()))
        .collect();
    let unit_names = units
        .iter()
        .map(|u| (u.id.clone(), u.symbol.clone()))
        .collect();
    let staff_opts = staff
        .iter()
        .flat_map(|(u, roles)| {
            roles
                .iter()
                .filter(|r| r.role == "clerk" || r.role == "manager")
                .filter_map(|r| {
                    r.unit_id.clone().map(|unit| {
                        (
                            u.id.clone(),
                            format!("{} ({})", u.display_name, t.tk("role", &r.role)),
                            unit,
                        )
                    })
                })
                .collect::<Vec<_>>()
        })
        .collect();
    let can_assign = p
        .grants
        .iter()
        .any(|g| g.role.grants(Permission::AssignItems));
    let can_join = item.case_id.is_none()
        && p.grants
            .iter()
            .any(|g| g.role.grants(Permission::HandleCases));
    let can_open_case = item.case_id.is_none()
        && item
            .unit_id
            .as_ref()
            .is_some_and(|u| p.allowed(Permission::HandleCases, uuid::Uuid::parse_str(u).ok()));
    render_status(
        &ItemPage {
            page: PageCtx {
                title: format!("{} {}", t.t("item-title"), item.item_ref),
                ..PageCtx::new(ctx, "item-title")
            },
            section: "incoming",
            me: p.user.id.clone(),
            item,
            documents,
            assignments,
            names,
            unit_names,
            units: unit_opts(&units),
            staff: staff_opts,
            manners: opts(&t, "manner", Manner::ALL.iter().map(|m| m.as_str())),
            classes: class_opts(&classes),
            kinds: procedure_opts(&t),
            can_assign,
            can_open_case,
            can_join,
            errors,
            notice,
            intake,
            unit_rows: units,
        },
        status,
    )
}

/// The item page again with errors from an action elsewhere (the intake decisions).
pub(crate) async fn item_page_errors(
    state: &AppState,
    ctx: &Ctx,
    id: String,
    errors: FormErrors,
) -> Result<Response, PageError> {
    item_page_with(
        state,
        ctx,
        id,
        errors,
        None,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

pub async fn item_page(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(id): PagePath,
    PageQuery(q): PageQuery<ItemQuery>,
) -> Result<Response, PageError> {
    let t = ctx.tr();
    let notice = if !q.registered.is_empty() {
        Some(t.t("item-registered"))
    } else if !q.assigned.is_empty() {
        Some(t.t("item-assigned"))
    } else if ["confirmed", "corrected", "undone"].contains(&q.intake.as_str()) {
        Some(t.tk("intake-done", &q.intake))
    } else {
        None
    };
    item_page_with(
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
pub struct AssignForm {
    csrf: String,
    unit_id: String,
    handler_id: String,
    manner: String,
    deadline: String,
    note: String,
}

impl AssignForm {
    pub fn input(&self) -> AssignInput {
        AssignInput {
            unit_id: self.unit_id.clone(),
            handler_id: self.handler_id.clone(),
            manner: self.manner.clone(),
            deadline: self.deadline.clone(),
            note: self.note.clone(),
        }
    }
}

pub async fn item_assign(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(id): PagePath,
    FormData(form): FormData<AssignForm>,
) -> Result<Response, PageError> {
    let p = match gate_post(&ctx, &form.csrf, Permission::UsePanel)? {
        Ok(p) => p,
        Err(r) => return Ok(r),
    };
    let input = form.input();
    let id2 = id.clone();
    let result = state
        .app
        .blocking(move |a| a.assign_item(&p, &id2, &input))
        .await
        .map(|_| format!("/panel/incoming/{id}?assigned=1"));
    item_outcome(&state, &ctx, id, result).await
}

/// After an action on an item: to `Ok`'s page, or the item page again with the field errors.
async fn item_outcome(
    state: &AppState,
    ctx: &Ctx,
    id: String,
    result: Result<String, AppError>,
) -> Result<Response, PageError> {
    match result {
        Ok(to) => Ok(see_other(&to)),
        Err(AppError::Invalid(errs)) => {
            item_page_with(
                state,
                ctx,
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
pub struct JoinForm {
    csrf: String,
    case_sign: String,
}

/// Joins the item to an existing case given by its sign.
pub async fn item_join(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(id): PagePath,
    FormData(form): FormData<JoinForm>,
) -> Result<Response, PageError> {
    let p = match gate_post(&ctx, &form.csrf, Permission::UsePanel)? {
        Ok(p) => p,
        Err(r) => return Ok(r),
    };
    let id2 = id.clone();
    let result = state
        .app
        .blocking(move |a| a.join_item(&p, &id2, &form.case_sign))
        .await
        .map(|case| format!("/panel/cases/{}?done=item-joined", case.id));
    item_outcome(&state, &ctx, id, result).await
}

pub async fn item_files(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(id): PagePath,
    form: MultipartForm,
) -> Result<Response, PageError> {
    let p = match gate_post(&ctx, &form.text("csrf"), Permission::UsePanel)? {
        Ok(p) => p,
        Err(r) => return Ok(r),
    };
    let files = form.files_named("files");
    let id2 = id.clone();
    match state
        .app
        .blocking(move |a| a.attach_to_item(&p, &id2, files))
        .await
    {
        Ok(_) => Ok(see_other(&format!("/panel/incoming/{id}"))),
        Err(AppError::Invalid(errs)) => {
            item_page_with(
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
pub struct AssignmentChangeForm {
    csrf: String,
    manner: String,
    deadline: String,
    back: String,
}

pub async fn assignment_change(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(id): PagePath,
    FormData(form): FormData<AssignmentChangeForm>,
) -> Result<Response, PageError> {
    let p = match gate_post(&ctx, &form.csrf, Permission::UsePanel)? {
        Ok(p) => p,
        Err(r) => return Ok(r),
    };
    let (m, d) = (form.manner.clone(), form.deadline.clone());
    let back = if form.back.starts_with("/panel/") && !form.back.contains("//") {
        form.back.clone()
    } else {
        "/panel/work".into()
    };
    match state
        .app
        .blocking(move |a| a.change_assignment(&p, &id, &m, &d))
        .await
    {
        Ok(()) => Ok(see_other(&back)),
        Err(AppError::Invalid(errs)) => invalid_page(&ctx, &errs, &back),
        Err(e) => Err(ctx.fail(e)),
    }
}

// ------------------------------------------------------------------ outgoing register

#[derive(Template)]
#[template(path = "outgoing_list.html")]
struct OutgoingList {
    page: PageCtx,
    section: &'static str,
    items: Vec<OutgoingListRow>,
    q: RegisterQuery,
    methods: Vec<Opt>,
    next_offset: Option<i64>,
}

pub async fn outgoing_list(
    State(state): State<AppState>,
    ctx: Ctx,
    PageQuery(q): PageQuery<RegisterQuery>,
) -> Result<Response, PageError> {
    let p = match gate(&ctx, Permission::UsePanel)? {
        Ok(p) => p,
        Err(r) => return Ok(r),
    };
    let filter = OutgoingFilter {
        year: q.year.trim().parse().ok(),
        method: ratusz_app::registry::kinds::DispatchMethod::parse(&q.channel)
            .map(|m| m.as_str().to_owned()),
        text: Some(q.q.trim().to_owned()).filter(|s| !s.is_empty() && s.len() < 200),
        case_id: None,
        units: None,
    };
    let offset = q.offset.max(0);
    let items = state
        .app
        .blocking(move |a| a.outgoing_register(&p, filter, PAGE_SIZE, offset))
        .await
        .map_err(|e| ctx.fail(e))?;
    let t = ctx.tr();
    render(&OutgoingList {
        page: PageCtx::new(&ctx, "outgoing-title"),
        section: "outgoing",
        next_offset: (items.len() as i64 == PAGE_SIZE).then_some(offset + PAGE_SIZE),
        items,
        q,
        methods: opts(
            &t,
            "dispatch",
            ratusz_app::registry::kinds::DispatchMethod::ALL
                .iter()
                .map(|m| m.as_str()),
        ),
    })
}

// ------------------------------------------------------------------ search

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SearchQueryForm {
    q: String,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    page: PageCtx,
    section: &'static str,
    q: String,
    hits: Vec<SearchHit>,
    searched: bool,
}

pub async fn search_page(
    State(state): State<AppState>,
    ctx: Ctx,
    PageQuery(q): PageQuery<SearchQueryForm>,
) -> Result<Response, PageError> {
    let p = match gate(&ctx, Permission::UsePanel)? {
        Ok(p) => p,
        Err(r) => return Ok(r),
    };
    let text = q.q.clone();
    let searched = !text.trim().is_empty();
    let hits = state
        .app
        .blocking(move |a| a.search(&p, &text, 50))
        .await
        .map_err(|e| ctx.fail(e))?;
    render(&SearchPage {
        page: PageCtx::new(&ctx, "search-title"),
        section: "search",
        q: q.q,
        hits,
        searched,
    })
}

// ------------------------------------------------------------------ file plan

#[derive(Template)]
#[template(path = "file_plan.html")]
struct FilePlanPage {
    page: PageCtx,
    section: &'static str,
    classes: Vec<FileClassRow>,
    errors: FormErrors,
    notice: Option<String>,
    can_manage: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct FilePlanQuery {
    added: String,
    updated: String,
    removed: String,
}

async fn file_plan_with(
    state: &AppState,
    ctx: &Ctx,
    errors: FormErrors,
    notice: Option<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let p = match gate(ctx, Permission::UsePanel)? {
        Ok(p) => p,
        Err(r) => return Ok(r),
    };
    let tid = ctx.tenant.tenant_id.clone();
    let classes = state
        .app
        .blocking(move |a| a.file_classes(&tid))
        .await
        .map_err(|e| ctx.fail(e))?;
    render_status(
        &FilePlanPage {
            page: PageCtx::new(ctx, "file-plan-title"),
            section: "file-plan",
            classes,
            errors,
            notice,
            can_manage: p.allowed(Permission::ManageFilePlan, None),
        },
        status,
    )
}

pub async fn file_plan_page(
    State(state): State<AppState>,
    ctx: Ctx,
    PageQuery(q): PageQuery<FilePlanQuery>,
) -> Result<Response, PageError> {
    let notice = (!q.added.is_empty()).then(|| {
        let t = ctx.tr();
        format!(
            "{} {}: {}, {}: {}, {}: {}",
            t.t("file-plan-imported"),
            t.t("file-plan-added"),
            q.added,
            t.t("file-plan-updated"),
            q.updated,
            t.t("file-plan-removed"),
            q.removed
        )
    });
    file_plan_with(&state, &ctx, FormErrors::default(), notice, StatusCode::OK).await
}

pub async fn file_plan_import(
    State(state): State<AppState>,
    ctx: Ctx,
    form: MultipartForm,
) -> Result<Response, PageError> {
    let p = match gate_post(&ctx, &form.text("csrf"), Permission::ManageFilePlan)? {
        Ok(p) => p,
        Err(r) => return Ok(r),
    };
    let Some(file) = form.files_named("file").into_iter().next() else {
        let t = ctx.tr();
        return file_plan_with(
            &state,
            &ctx,
            FormErrors::one("file", t.t("file-plan-choose-file")),
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    match state
        .app
        .blocking(move |a| a.import_file_plan(&p, &file.bytes))
        .await
    {
        Ok(r) => Ok(see_other(&format!(
            "/panel/file-plan?added={}&updated={}&removed={}",
            r.added, r.updated, r.removed
        ))),
        Err(AppError::Invalid(errs)) => {
            file_plan_with(
                &state,
                &ctx,
                FormErrors::new(&errs, ctx.lang),
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(ctx.fail(e)),
    }
}

pub async fn file_plan_csv(State(state): State<AppState>, ctx: Ctx) -> Result<Response, PageError> {
    if let Err(r) = gate(&ctx, Permission::UsePanel)? {
        return Ok(r);
    }
    let tid = ctx.tenant.tenant_id.clone();
    let csv = state
        .app
        .blocking(move |a| a.export_file_plan(&tid))
        .await
        .map_err(|e| ctx.fail(e))?;
    Ok(download(
        "jrwa.csv",
        "text/csv; charset=utf-8",
        csv.into_bytes(),
    ))
}

/// For templates: a stored instant as local time.
pub fn when(us: &i64) -> String {
    format_ts(*us)
}

#[derive(Template)]
#[template(path = "message.html")]
struct InvalidPage {
    page: PageCtx,
    paragraphs: Vec<String>,
    link: Option<(String, String)>,
}

/// A refused action that has no form of its own to show the errors in: the messages and a way
/// back.
pub fn invalid_page(
    ctx: &Ctx,
    errs: &[ratusz_app::FieldError],
    back: &str,
) -> Result<Response, PageError> {
    let t = ctx.tr();
    let paragraphs = FormErrors::new(errs, ctx.lang)
        .all()
        .iter()
        .map(|(_, m)| m.clone())
        .collect();
    render_status(
        &InvalidPage {
            page: PageCtx::new(ctx, "action-refused-title"),
            paragraphs,
            link: Some((back.to_owned(), t.t("action-back"))),
        },
        StatusCode::UNPROCESSABLE_ENTITY,
    )
}
