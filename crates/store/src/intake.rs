//! AI intake: text read out of documents, the robot's reading of each incoming item, what the
//! channels have registered, the administrator's routing rules and the trained models.

use diesel::prelude::*;
use serde::Serialize;

use crate::schema::{
    assignments, cases, document_texts, documents, generated_documents, incoming_items,
    intake_items, intake_models, intake_rules, intake_sources,
};
use crate::{Db, Result, StoreError};

// ---- text read out of documents ----

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = document_texts)]
pub struct DocumentTextRow {
    #[serde(skip)]
    pub tenant_id: String,
    pub document_id: String,
    pub sha256: String,
    /// `pdf_text`, `ocr`, `docx`, `odt`, `plain`, `email`, `none`.
    pub method: String,
    pub pages: i32,
    pub ocr_confidence: Option<i32>,
    /// Set when the file needs manual reading: `encrypted`, `corrupt`, `too_large`, …
    pub problem: Option<String>,
    pub problem_detail: String,
    pub body: String,
    pub extracted_at: i64,
}

/// Stores (or replaces) the text of a document.
pub fn put_text(conn: &mut Db, row: &DocumentTextRow) -> Result<()> {
    diesel::delete(
        document_texts::table
            .filter(document_texts::tenant_id.eq(&row.tenant_id))
            .filter(document_texts::document_id.eq(&row.document_id)),
    )
    .execute(conn)?;
    diesel::insert_into(document_texts::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// The texts of an item's documents, in the documents' order.
pub fn texts_of_item(
    conn: &mut Db,
    tenant_id: &str,
    item_id: &str,
) -> Result<Vec<DocumentTextRow>> {
    Ok(document_texts::table
        .inner_join(documents::table.on(documents::id.eq(document_texts::document_id)))
        .filter(document_texts::tenant_id.eq(tenant_id))
        .filter(documents::tenant_id.eq(tenant_id))
        .filter(documents::incoming_item_id.eq(item_id))
        .order((documents::created_at.asc(), documents::id.asc()))
        .select(DocumentTextRow::as_select())
        .load(conn)?)
}

pub fn text_of_document(
    conn: &mut Db,
    tenant_id: &str,
    document_id: &str,
) -> Result<Option<DocumentTextRow>> {
    Ok(document_texts::table
        .filter(document_texts::tenant_id.eq(tenant_id))
        .filter(document_texts::document_id.eq(document_id))
        .select(DocumentTextRow::as_select())
        .first(conn)
        .optional()?)
}

// ---- the robot's reading of an item ----

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset, Serialize)]
#[diesel(table_name = intake_items, treat_none_as_null = true)]
pub struct IntakeRow {
    #[serde(skip)]
    pub tenant_id: String,
    pub item_id: String,
    /// `reading`, `suggested`, `assigned` (by the robot), `confirmed`, `corrected`, `manual`.
    pub status: String,
    /// `desk`, `portal`, `folder`, `imap`, `api`.
    pub source: String,
    pub problem: Option<String>,
    pub problem_detail: String,
    /// JSON: the suggestions with reasons.
    pub suggestions: String,
    /// JSON: the facts found.
    pub facts: String,
    pub content_sha256: Option<String>,
    pub fingerprint: Option<i64>,
    /// The first item of the duplicate group.
    pub duplicate_of: Option<String>,
    /// `exact` or `near`.
    pub duplicate_kind: Option<String>,
    pub linked_case_id: Option<String>,
    pub draft_document_id: Option<String>,
    pub decided_by: Option<String>,
    pub decided_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

pub fn insert_intake(conn: &mut Db, row: &IntakeRow) -> Result<()> {
    diesel::insert_into(intake_items::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn update_intake(conn: &mut Db, row: &IntakeRow) -> Result<()> {
    let n = diesel::update(
        intake_items::table
            .filter(intake_items::tenant_id.eq(&row.tenant_id))
            .filter(intake_items::item_id.eq(&row.item_id)),
    )
    .set(row)
    .execute(conn)?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

pub fn intake(conn: &mut Db, tenant_id: &str, item_id: &str) -> Result<Option<IntakeRow>> {
    Ok(intake_items::table
        .filter(intake_items::tenant_id.eq(tenant_id))
        .filter(intake_items::item_id.eq(item_id))
        .select(IntakeRow::as_select())
        .first(conn)
        .optional()?)
}

/// The registrar's queue: items in the given statuses, oldest first.
pub fn queue(
    conn: &mut Db,
    tenant_id: &str,
    statuses: &[&str],
    limit: i64,
) -> Result<Vec<IntakeRow>> {
    Ok(intake_items::table
        .filter(intake_items::tenant_id.eq(tenant_id))
        .filter(intake_items::status.eq_any(statuses))
        .order((intake_items::created_at.asc(), intake_items::item_id.asc()))
        .limit(limit)
        .select(IntakeRow::as_select())
        .load(conn)?)
}

/// The most recent readings, newest first (the rules editor's preview runs on them).
pub fn recent(conn: &mut Db, tenant_id: &str, limit: i64) -> Result<Vec<IntakeRow>> {
    Ok(intake_items::table
        .filter(intake_items::tenant_id.eq(tenant_id))
        .order((
            intake_items::created_at.desc(),
            intake_items::item_id.desc(),
        ))
        .limit(limit)
        .select(IntakeRow::as_select())
        .load(conn)?)
}

/// Earlier items with the same content hash, oldest first.
pub fn same_content(
    conn: &mut Db,
    tenant_id: &str,
    sha256: &str,
    except_item: &str,
) -> Result<Vec<IntakeRow>> {
    Ok(intake_items::table
        .filter(intake_items::tenant_id.eq(tenant_id))
        .filter(intake_items::content_sha256.eq(sha256))
        .filter(intake_items::item_id.ne(except_item))
        .order(intake_items::created_at.asc())
        .limit(50)
        .select(IntakeRow::as_select())
        .load(conn)?)
}

/// Fingerprints of the most recent items (for near duplicates): (item, fingerprint, group).
pub fn recent_fingerprints(
    conn: &mut Db,
    tenant_id: &str,
    except_item: &str,
    limit: i64,
) -> Result<Vec<(String, i64, Option<String>)>> {
    Ok(intake_items::table
        .filter(intake_items::tenant_id.eq(tenant_id))
        .filter(intake_items::item_id.ne(except_item))
        .filter(intake_items::fingerprint.is_not_null())
        .order(intake_items::created_at.desc())
        .limit(limit)
        .select((
            intake_items::item_id,
            intake_items::fingerprint.assume_not_null(),
            intake_items::duplicate_of,
        ))
        .load(conn)?)
}

/// The members of a duplicate group (the first item and those pointing to it).
pub fn duplicate_group(conn: &mut Db, tenant_id: &str, head: &str) -> Result<Vec<IntakeRow>> {
    Ok(intake_items::table
        .filter(intake_items::tenant_id.eq(tenant_id))
        .filter(
            intake_items::duplicate_of
                .eq(head)
                .or(intake_items::item_id.eq(head)),
        )
        .order(intake_items::created_at.asc())
        .limit(1000)
        .select(IntakeRow::as_select())
        .load(conn)?)
}

/// Items a person assigned (confirmed or corrected a suggestion, or assigned by hand with no
/// suggestion): the training data. Newest first: (item id, title, unit id, kind, case's class
/// and procedure when the item is in a case).
pub fn confirmed_assignments(
    conn: &mut Db,
    tenant_id: &str,
    limit: i64,
) -> Result<Vec<(String, String, String, String)>> {
    let robot_only: Vec<String> = intake_items::table
        .filter(intake_items::tenant_id.eq(tenant_id))
        .filter(intake_items::status.eq_any(["assigned", "reading", "suggested", "manual"]))
        .select(intake_items::item_id)
        .load(conn)?;
    let rows: Vec<(String, String, Option<String>, String)> = incoming_items::table
        .filter(incoming_items::tenant_id.eq(tenant_id))
        .filter(incoming_items::unit_id.is_not_null())
        .filter(incoming_items::id.ne_all(robot_only))
        .order(incoming_items::registered_at.desc())
        .limit(limit)
        .select((
            incoming_items::id,
            incoming_items::title,
            incoming_items::unit_id,
            incoming_items::kind,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, title, unit, kind)| unit.map(|u| (id, title, u, kind)))
        .collect())
}

/// The text bodies of many items' documents: (item id, body).
pub fn bodies_of_items(
    conn: &mut Db,
    tenant_id: &str,
    item_ids: &[String],
) -> Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    for chunk in item_ids.chunks(500) {
        let rows: Vec<(Option<String>, String)> = document_texts::table
            .inner_join(documents::table.on(documents::id.eq(document_texts::document_id)))
            .filter(document_texts::tenant_id.eq(tenant_id))
            .filter(documents::tenant_id.eq(tenant_id))
            .filter(documents::incoming_item_id.eq_any(chunk))
            .select((documents::incoming_item_id, document_texts::body))
            .load(conn)?;
        out.extend(rows.into_iter().filter_map(|(i, b)| i.map(|i| (i, b))));
    }
    Ok(out)
}

/// The JRWA class of the case each of `item_ids` belongs to (items in no case are left out):
/// the labels of the class model.
pub fn case_classes_of_items(
    conn: &mut Db,
    tenant_id: &str,
    item_ids: &[String],
) -> Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    for chunk in item_ids.chunks(500) {
        let rows: Vec<(String, String)> = incoming_items::table
            .inner_join(cases::table.on(cases::id.nullable().eq(incoming_items::case_id)))
            .filter(incoming_items::tenant_id.eq(tenant_id))
            .filter(cases::tenant_id.eq(tenant_id))
            .filter(incoming_items::id.eq_any(chunk))
            .select((incoming_items::id, cases::class_symbol))
            .load(conn)?;
        out.extend(rows);
    }
    Ok(out)
}

/// How many assignments of items were made after `since` (new training data).
pub fn decided_since(conn: &mut Db, tenant_id: &str, since: i64) -> Result<i64> {
    Ok(assignments::table
        .filter(assignments::tenant_id.eq(tenant_id))
        .filter(assignments::object_type.eq("item"))
        .filter(assignments::assigned_at.gt(since))
        .count()
        .get_result(conn)?)
}

// ---- what the channels registered ----

/// The item registered for a file hash or message id, if any.
pub fn source_item(conn: &mut Db, tenant_id: &str, key: &str) -> Result<Option<String>> {
    Ok(intake_sources::table
        .filter(intake_sources::tenant_id.eq(tenant_id))
        .filter(intake_sources::source_key.eq(key))
        .select(intake_sources::item_id)
        .first(conn)
        .optional()?)
}

/// Records that a file or message registered as an item; `Conflict` when it already did.
pub fn claim_source(
    conn: &mut Db,
    tenant_id: &str,
    key: &str,
    item_id: &str,
    now: i64,
) -> Result<()> {
    diesel::insert_into(intake_sources::table)
        .values((
            intake_sources::tenant_id.eq(tenant_id),
            intake_sources::source_key.eq(key),
            intake_sources::item_id.eq(item_id),
            intake_sources::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

// ---- routing rules ----

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset, Serialize)]
#[diesel(table_name = intake_rules, treat_none_as_null = true)]
pub struct RuleRow {
    pub id: String,
    #[serde(skip)]
    pub tenant_id: String,
    pub name: String,
    pub match_kind: String,
    pub pattern: String,
    pub unit_id: String,
    pub class_symbol: Option<String>,
    pub procedure_kind: Option<String>,
    pub item_kind: Option<String>,
    /// Percent.
    pub weight: i32,
    /// The competent authority, when the office is not competent (KPA art. 65 § 1).
    pub forward_to: Option<String>,
    pub forward_address: Option<String>,
    /// The elements an application of this kind must mention, one per line as
    /// `what: word, word` (see `ratusz_core::intake::rules::Requirement`).
    pub required: String,
    pub enabled: bool,
    #[serde(skip)]
    pub created_by: String,
    pub created_at: i64,
    pub updated_at: i64,
}

pub fn insert_rule(conn: &mut Db, row: &RuleRow) -> Result<()> {
    diesel::insert_into(intake_rules::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn update_rule(conn: &mut Db, row: &RuleRow) -> Result<()> {
    let n = diesel::update(
        intake_rules::table
            .filter(intake_rules::tenant_id.eq(&row.tenant_id))
            .filter(intake_rules::id.eq(&row.id)),
    )
    .set(row)
    .execute(conn)?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

pub fn delete_rule(conn: &mut Db, tenant_id: &str, id: &str) -> Result<bool> {
    Ok(diesel::delete(
        intake_rules::table
            .filter(intake_rules::tenant_id.eq(tenant_id))
            .filter(intake_rules::id.eq(id)),
    )
    .execute(conn)?
        > 0)
}

pub fn rules(conn: &mut Db, tenant_id: &str) -> Result<Vec<RuleRow>> {
    Ok(intake_rules::table
        .filter(intake_rules::tenant_id.eq(tenant_id))
        .order((intake_rules::created_at.asc(), intake_rules::id.asc()))
        .select(RuleRow::as_select())
        .load(conn)?)
}

pub fn rule(conn: &mut Db, tenant_id: &str, id: &str) -> Result<Option<RuleRow>> {
    Ok(intake_rules::table
        .filter(intake_rules::tenant_id.eq(tenant_id))
        .filter(intake_rules::id.eq(id))
        .select(RuleRow::as_select())
        .first(conn)
        .optional()?)
}

// ---- trained models ----

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = intake_models)]
pub struct ModelRow {
    pub id: String,
    #[serde(skip)]
    pub tenant_id: String,
    /// `unit`, `class`, `procedure`, `kind`.
    pub target: String,
    pub version: i64,
    #[serde(skip)]
    pub blob_key: String,
    pub sha256: String,
    pub examples: i64,
    /// JSON: accuracy, macro-F1, labels, training time.
    pub metrics: String,
    pub trained_at: i64,
    pub trained_by: String,
}

pub fn insert_model(conn: &mut Db, row: &ModelRow) -> Result<()> {
    diesel::insert_into(intake_models::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// The versions of a target's model, newest first.
pub fn models(conn: &mut Db, tenant_id: &str, target: &str, limit: i64) -> Result<Vec<ModelRow>> {
    Ok(intake_models::table
        .filter(intake_models::tenant_id.eq(tenant_id))
        .filter(intake_models::target.eq(target))
        .order(intake_models::version.desc())
        .limit(limit)
        .select(ModelRow::as_select())
        .load(conn)?)
}

// ---- documents written by robots ----

pub fn mark_generated(
    conn: &mut Db,
    tenant_id: &str,
    document_id: &str,
    generator: &str,
    now: i64,
) -> Result<()> {
    diesel::insert_into(generated_documents::table)
        .values((
            generated_documents::tenant_id.eq(tenant_id),
            generated_documents::document_id.eq(document_id),
            generated_documents::generator.eq(generator),
            generated_documents::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// Which of the documents were written by a robot: (document id, generator).
pub fn generated_among(
    conn: &mut Db,
    tenant_id: &str,
    document_ids: &[String],
) -> Result<Vec<(String, String)>> {
    Ok(generated_documents::table
        .filter(generated_documents::tenant_id.eq(tenant_id))
        .filter(generated_documents::document_id.eq_any(document_ids))
        .select((
            generated_documents::document_id,
            generated_documents::generator,
        ))
        .load(conn)?)
}
