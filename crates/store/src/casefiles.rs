//! The case file (akta sprawy): documents with their versions, approval paths of drafts, and
//! the tenant's letter templates.

use diesel::prelude::*;
use serde::Serialize;

use crate::schema::{approval_steps, document_versions, documents, letter_templates};
use crate::{Db, Result};

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = documents)]
pub struct DocumentRow {
    pub id: String,
    pub tenant_id: String,
    pub case_id: Option<String>,
    pub incoming_item_id: Option<String>,
    pub title: String,
    pub kind: String,
    pub direction: String,
    pub status: String,
    pub access_level: String,
    pub author_id: Option<String>,
    pub template_id: Option<String>,
    pub addressee_name: Option<String>,
    pub addressee_address: Option<String>,
    pub self_approval: bool,
    pub current_version: i32,
    pub created_at: i64,
    pub updated_at: i64,
}

pub fn insert(conn: &mut Db, row: &DocumentRow) -> Result<()> {
    diesel::insert_into(documents::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn get(conn: &mut Db, tenant_id: &str, id: &str) -> Result<Option<DocumentRow>> {
    Ok(documents::table
        .filter(documents::tenant_id.eq(tenant_id))
        .filter(documents::id.eq(id))
        .select(DocumentRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn of_case(conn: &mut Db, tenant_id: &str, case_id: &str) -> Result<Vec<DocumentRow>> {
    Ok(documents::table
        .filter(documents::tenant_id.eq(tenant_id))
        .filter(documents::case_id.eq(case_id))
        .order((documents::created_at.asc(), documents::id.asc()))
        .select(DocumentRow::as_select())
        .load(conn)?)
}

pub fn of_item(conn: &mut Db, tenant_id: &str, item_id: &str) -> Result<Vec<DocumentRow>> {
    Ok(documents::table
        .filter(documents::tenant_id.eq(tenant_id))
        .filter(documents::incoming_item_id.eq(item_id))
        .order((documents::created_at.asc(), documents::id.asc()))
        .select(DocumentRow::as_select())
        .load(conn)?)
}

pub fn set_status(conn: &mut Db, tenant_id: &str, id: &str, status: &str, at: i64) -> Result<()> {
    diesel::update(
        documents::table
            .filter(documents::tenant_id.eq(tenant_id))
            .filter(documents::id.eq(id)),
    )
    .set((documents::status.eq(status), documents::updated_at.eq(at)))
    .execute(conn)?;
    Ok(())
}

pub fn set_version(conn: &mut Db, tenant_id: &str, id: &str, version: i32, at: i64) -> Result<()> {
    diesel::update(
        documents::table
            .filter(documents::tenant_id.eq(tenant_id))
            .filter(documents::id.eq(id)),
    )
    .set((
        documents::current_version.eq(version),
        documents::updated_at.eq(at),
    ))
    .execute(conn)?;
    Ok(())
}

/// Moves an incoming item's documents into a case file.
pub fn attach_item_to_case(
    conn: &mut Db,
    tenant_id: &str,
    item_id: &str,
    case_id: &str,
) -> Result<usize> {
    Ok(diesel::update(
        documents::table
            .filter(documents::tenant_id.eq(tenant_id))
            .filter(documents::incoming_item_id.eq(item_id))
            .filter(documents::case_id.is_null()),
    )
    .set(documents::case_id.eq(case_id))
    .execute(conn)?)
}

/// Takes an item and its files back out of a case (only for a case opened by mistake, which
/// is then closed): the reverse of [`attach_item_to_case`].
pub fn detach_item_from_case(
    conn: &mut Db,
    tenant_id: &str,
    item_id: &str,
    case_id: &str,
) -> Result<usize> {
    let n = diesel::update(
        documents::table
            .filter(documents::tenant_id.eq(tenant_id))
            .filter(documents::incoming_item_id.eq(item_id))
            .filter(documents::case_id.eq(case_id)),
    )
    .set(documents::case_id.eq(None::<String>))
    .execute(conn)?;
    diesel::update(
        crate::schema::incoming_items::table
            .filter(crate::schema::incoming_items::tenant_id.eq(tenant_id))
            .filter(crate::schema::incoming_items::id.eq(item_id))
            .filter(crate::schema::incoming_items::case_id.eq(case_id)),
    )
    .set((
        crate::schema::incoming_items::case_id.eq(None::<String>),
        crate::schema::incoming_items::unit_id.eq(None::<String>),
        crate::schema::incoming_items::handler_id.eq(None::<String>),
    ))
    .execute(conn)?;
    Ok(n)
}

// ---- versions ----

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = document_versions)]
pub struct DocumentVersionRow {
    pub id: String,
    pub tenant_id: String,
    pub document_id: String,
    pub version: i32,
    pub blob_key: String,
    pub file_name: String,
    pub media_type: String,
    pub size: i64,
    pub sha256: String,
    pub text_content: Option<String>,
    pub created_by: Option<String>,
    pub created_at: i64,
}

pub fn insert_version(conn: &mut Db, row: &DocumentVersionRow) -> Result<()> {
    diesel::insert_into(document_versions::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn versions(
    conn: &mut Db,
    tenant_id: &str,
    document_id: &str,
) -> Result<Vec<DocumentVersionRow>> {
    Ok(document_versions::table
        .filter(document_versions::tenant_id.eq(tenant_id))
        .filter(document_versions::document_id.eq(document_id))
        .order(document_versions::version.asc())
        .select(DocumentVersionRow::as_select())
        .load(conn)?)
}

pub fn version(
    conn: &mut Db,
    tenant_id: &str,
    document_id: &str,
    version: i32,
) -> Result<Option<DocumentVersionRow>> {
    Ok(document_versions::table
        .filter(document_versions::tenant_id.eq(tenant_id))
        .filter(document_versions::document_id.eq(document_id))
        .filter(document_versions::version.eq(version))
        .select(DocumentVersionRow::as_select())
        .first(conn)
        .optional()?)
}

// ---- approval paths ----

pub const STEP_WAITING: &str = "waiting";
pub const STEP_PENDING: &str = "pending";
pub const STEP_APPROVED: &str = "approved";
pub const STEP_REJECTED: &str = "rejected";
/// A later step of a rejected round: it never came to decide.
pub const STEP_CANCELLED: &str = "cancelled";

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = approval_steps)]
pub struct ApprovalStepRow {
    pub id: String,
    pub tenant_id: String,
    pub document_id: String,
    pub round: i32,
    pub position: i32,
    pub approver_id: String,
    pub status: String,
    pub comment: Option<String>,
    pub decided_at: Option<i64>,
    pub created_at: i64,
}

pub fn insert_step(conn: &mut Db, row: &ApprovalStepRow) -> Result<()> {
    diesel::insert_into(approval_steps::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// Every step of every round of a document, in order.
pub fn steps(conn: &mut Db, tenant_id: &str, document_id: &str) -> Result<Vec<ApprovalStepRow>> {
    Ok(approval_steps::table
        .filter(approval_steps::tenant_id.eq(tenant_id))
        .filter(approval_steps::document_id.eq(document_id))
        .order((approval_steps::round.asc(), approval_steps::position.asc()))
        .select(ApprovalStepRow::as_select())
        .load(conn)?)
}

pub fn set_step(
    conn: &mut Db,
    tenant_id: &str,
    id: &str,
    status: &str,
    comment: Option<&str>,
    at: Option<i64>,
) -> Result<()> {
    diesel::update(
        approval_steps::table
            .filter(approval_steps::tenant_id.eq(tenant_id))
            .filter(approval_steps::id.eq(id)),
    )
    .set((
        approval_steps::status.eq(status),
        approval_steps::comment.eq(comment),
        approval_steps::decided_at.eq(at),
    ))
    .execute(conn)?;
    Ok(())
}

/// Steps waiting for `approver_id`'s decision now.
pub fn pending_for(
    conn: &mut Db,
    tenant_id: &str,
    approver_id: &str,
) -> Result<Vec<ApprovalStepRow>> {
    Ok(approval_steps::table
        .filter(approval_steps::tenant_id.eq(tenant_id))
        .filter(approval_steps::approver_id.eq(approver_id))
        .filter(approval_steps::status.eq(STEP_PENDING))
        .order(approval_steps::created_at.asc())
        .select(ApprovalStepRow::as_select())
        .load(conn)?)
}

// ---- letter templates ----

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = letter_templates)]
pub struct LetterTemplateRow {
    pub id: String,
    pub tenant_id: String,
    pub name: String,
    pub kind: String,
    pub title: String,
    pub body: String,
    pub created_by: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

pub fn insert_template(conn: &mut Db, row: &LetterTemplateRow) -> Result<()> {
    diesel::insert_into(letter_templates::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn update_template(conn: &mut Db, row: &LetterTemplateRow) -> Result<()> {
    diesel::update(
        letter_templates::table
            .filter(letter_templates::tenant_id.eq(&row.tenant_id))
            .filter(letter_templates::id.eq(&row.id)),
    )
    .set((
        letter_templates::name.eq(&row.name),
        letter_templates::kind.eq(&row.kind),
        letter_templates::title.eq(&row.title),
        letter_templates::body.eq(&row.body),
        letter_templates::updated_at.eq(row.updated_at),
    ))
    .execute(conn)?;
    Ok(())
}

pub fn templates(conn: &mut Db, tenant_id: &str) -> Result<Vec<LetterTemplateRow>> {
    Ok(letter_templates::table
        .filter(letter_templates::tenant_id.eq(tenant_id))
        .order(letter_templates::name.asc())
        .select(LetterTemplateRow::as_select())
        .load(conn)?)
}

pub fn template(conn: &mut Db, tenant_id: &str, id: &str) -> Result<Option<LetterTemplateRow>> {
    Ok(letter_templates::table
        .filter(letter_templates::tenant_id.eq(tenant_id))
        .filter(letter_templates::id.eq(id))
        .select(LetterTemplateRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn set_self_approval(conn: &mut Db, tenant_id: &str, id: &str, allow: bool) -> Result<()> {
    diesel::update(
        documents::table
            .filter(documents::tenant_id.eq(tenant_id))
            .filter(documents::id.eq(id)),
    )
    .set(documents::self_approval.eq(allow))
    .execute(conn)?;
    Ok(())
}
