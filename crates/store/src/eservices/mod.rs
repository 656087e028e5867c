//! E-services of the residents' portal: the catalogue (definition source and card columns),
//! saved drafts of forms, and submissions with their receipts (UPO).

pub mod contact;

use diesel::prelude::*;
use serde::Serialize;

use crate::schema::{cases, eservices, form_stashes, submission_drafts, submissions};
use crate::{Db, Result};

// ---- catalogue ----

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset, Serialize)]
#[diesel(table_name = eservices)]
pub struct EServiceRow {
    pub id: String,
    // Public rows (the catalogue) carry no internal ids of the tenant or its units.
    #[serde(skip)]
    pub tenant_id: String,
    pub slug: String,
    pub name_pl: String,
    pub name_en: String,
    pub summary_pl: String,
    pub summary_en: String,
    /// Life-situation ids separated by spaces.
    pub life_situations: String,
    /// Lower-case, accent-folded words of the card for the catalogue search.
    #[serde(skip)]
    pub search_text: String,
    #[serde(skip)]
    pub unit_id: String,
    pub class_symbol: String,
    /// The TOML source as imported.
    #[serde(skip)]
    pub definition: String,
    pub published: bool,
    pub version: i32,
    pub created_at: i64,
    pub updated_at: i64,
}

/// Inserts a service or replaces the one with the same slug (keeping its id and counting the
/// version up). Returns the stored row.
pub fn upsert_service(conn: &mut Db, row: &EServiceRow) -> Result<EServiceRow> {
    match service_by_slug(conn, &row.tenant_id, &row.slug)? {
        Some(old) => {
            let new = EServiceRow {
                id: old.id.clone(),
                version: old.version + 1,
                created_at: old.created_at,
                ..row.clone()
            };
            diesel::update(eservices::table.filter(eservices::id.eq(&old.id)))
                .set(&new)
                .execute(conn)?;
            Ok(new)
        }
        None => {
            diesel::insert_into(eservices::table)
                .values(row)
                .execute(conn)?;
            Ok(row.clone())
        }
    }
}

pub fn service_by_slug(conn: &mut Db, tenant_id: &str, slug: &str) -> Result<Option<EServiceRow>> {
    Ok(eservices::table
        .filter(eservices::tenant_id.eq(tenant_id))
        .filter(eservices::slug.eq(slug))
        .select(EServiceRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn service(conn: &mut Db, tenant_id: &str, id: &str) -> Result<Option<EServiceRow>> {
    Ok(eservices::table
        .filter(eservices::tenant_id.eq(tenant_id))
        .filter(eservices::id.eq(id))
        .select(EServiceRow::as_select())
        .first(conn)
        .optional()?)
}

/// The catalogue, by Polish name. `words`: every word must occur in the search text (already
/// lower-cased and folded by the caller). `published_only` for the portal.
pub fn list_services(
    conn: &mut Db,
    tenant_id: &str,
    words: &[String],
    published_only: bool,
) -> Result<Vec<EServiceRow>> {
    let mut q = eservices::table
        .filter(eservices::tenant_id.eq(tenant_id))
        .into_boxed();
    if published_only {
        q = q.filter(eservices::published.eq(true));
    }
    for w in words {
        q = q.filter(
            eservices::search_text
                .like(format!("%{}%", crate::registry::escape_like(w)))
                .escape('\\'),
        );
    }
    Ok(q.order(eservices::name_pl.asc())
        .select(EServiceRow::as_select())
        .load(conn)?)
}

pub fn set_published(
    conn: &mut Db,
    tenant_id: &str,
    id: &str,
    published: bool,
    now: i64,
) -> Result<()> {
    diesel::update(
        eservices::table
            .filter(eservices::tenant_id.eq(tenant_id))
            .filter(eservices::id.eq(id)),
    )
    .set((
        eservices::published.eq(published),
        eservices::updated_at.eq(now),
    ))
    .execute(conn)?;
    Ok(())
}

// ---- drafts ----

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = submission_drafts)]
pub struct DraftRow {
    pub id: String,
    pub tenant_id: String,
    pub user_id: String,
    pub service_id: String,
    /// JSON object of answers.
    pub answers: String,
    pub updated_at: i64,
}

pub fn draft(
    conn: &mut Db,
    tenant_id: &str,
    user_id: &str,
    service_id: &str,
) -> Result<Option<DraftRow>> {
    Ok(submission_drafts::table
        .filter(submission_drafts::tenant_id.eq(tenant_id))
        .filter(submission_drafts::user_id.eq(user_id))
        .filter(submission_drafts::service_id.eq(service_id))
        .select(DraftRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn save_draft(conn: &mut Db, row: &DraftRow) -> Result<()> {
    let n = diesel::update(
        submission_drafts::table
            .filter(submission_drafts::tenant_id.eq(&row.tenant_id))
            .filter(submission_drafts::user_id.eq(&row.user_id))
            .filter(submission_drafts::service_id.eq(&row.service_id)),
    )
    .set((
        submission_drafts::answers.eq(&row.answers),
        submission_drafts::updated_at.eq(row.updated_at),
    ))
    .execute(conn)?;
    if n == 0 {
        diesel::insert_into(submission_drafts::table)
            .values(row)
            .execute(conn)?;
    }
    Ok(())
}

pub fn delete_draft(conn: &mut Db, tenant_id: &str, user_id: &str, service_id: &str) -> Result<()> {
    diesel::delete(
        submission_drafts::table
            .filter(submission_drafts::tenant_id.eq(tenant_id))
            .filter(submission_drafts::user_id.eq(user_id))
            .filter(submission_drafts::service_id.eq(service_id)),
    )
    .execute(conn)?;
    Ok(())
}

/// The resident's drafts, newest first.
pub fn drafts_of(conn: &mut Db, tenant_id: &str, user_id: &str) -> Result<Vec<DraftRow>> {
    Ok(submission_drafts::table
        .filter(submission_drafts::tenant_id.eq(tenant_id))
        .filter(submission_drafts::user_id.eq(user_id))
        .order(submission_drafts::updated_at.desc())
        .select(DraftRow::as_select())
        .load(conn)?)
}

// ---- stashes (expired session in the middle of a form) ----

pub fn put_stash(
    conn: &mut Db,
    token_hash: &str,
    tenant_id: &str,
    service_id: &str,
    answers: &str,
    now: i64,
) -> Result<()> {
    diesel::insert_into(form_stashes::table)
        .values((
            form_stashes::token_hash.eq(token_hash),
            form_stashes::tenant_id.eq(tenant_id),
            form_stashes::service_id.eq(service_id),
            form_stashes::answers.eq(answers),
            form_stashes::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// Takes a stash out (it is used once) if it is younger than `since`.
pub fn take_stash(
    conn: &mut Db,
    token_hash: &str,
    tenant_id: &str,
    service_id: &str,
    since: i64,
) -> Result<Option<String>> {
    let found: Option<String> = form_stashes::table
        .filter(form_stashes::token_hash.eq(token_hash))
        .filter(form_stashes::tenant_id.eq(tenant_id))
        .filter(form_stashes::service_id.eq(service_id))
        .filter(form_stashes::created_at.ge(since))
        .select(form_stashes::answers)
        .first(conn)
        .optional()?;
    if found.is_some() {
        diesel::delete(form_stashes::table.filter(form_stashes::token_hash.eq(token_hash)))
            .execute(conn)?;
    }
    // Old stashes go whenever one is taken, so the table stays small without a job.
    diesel::delete(form_stashes::table.filter(form_stashes::created_at.lt(since))).execute(conn)?;
    Ok(found)
}

// ---- submissions ----

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = submissions)]
pub struct SubmissionRow {
    pub id: String,
    pub tenant_id: String,
    pub service_id: String,
    pub service_version: i32,
    pub user_id: String,
    #[serde(skip)]
    pub idempotency_key: String,
    pub year: i32,
    pub number: i64,
    pub receipt_number: String,
    pub received_at: i64,
    pub content_sha256: String,
    /// The receipt's content as JSON.
    pub receipt: String,
    #[serde(skip)]
    pub tracking_hash: String,
    pub incoming_item_id: String,
}

pub fn insert_submission(conn: &mut Db, row: &SubmissionRow) -> Result<()> {
    diesel::insert_into(submissions::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn submission_by_key(
    conn: &mut Db,
    tenant_id: &str,
    user_id: &str,
    key: &str,
) -> Result<Option<SubmissionRow>> {
    Ok(submissions::table
        .filter(submissions::tenant_id.eq(tenant_id))
        .filter(submissions::user_id.eq(user_id))
        .filter(submissions::idempotency_key.eq(key))
        .select(SubmissionRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn submission(conn: &mut Db, tenant_id: &str, id: &str) -> Result<Option<SubmissionRow>> {
    Ok(submissions::table
        .filter(submissions::tenant_id.eq(tenant_id))
        .filter(submissions::id.eq(id))
        .select(SubmissionRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn submission_by_receipt(
    conn: &mut Db,
    tenant_id: &str,
    receipt_number: &str,
) -> Result<Option<SubmissionRow>> {
    Ok(submissions::table
        .filter(submissions::tenant_id.eq(tenant_id))
        .filter(submissions::receipt_number.eq(receipt_number))
        .select(SubmissionRow::as_select())
        .first(conn)
        .optional()?)
}

/// The submission that registered the item now in the case with this sign.
pub fn submission_by_case_sign(
    conn: &mut Db,
    tenant_id: &str,
    sign: &str,
) -> Result<Option<SubmissionRow>> {
    let case_id: Option<String> = cases::table
        .filter(cases::tenant_id.eq(tenant_id))
        .filter(cases::sign.eq(sign))
        .select(cases::id)
        .first(conn)
        .optional()?;
    match case_id {
        Some(id) => contact::submission_for_case(conn, tenant_id, &id),
        None => Ok(None),
    }
}

/// A resident's submissions, newest first.
pub fn submissions_of(
    conn: &mut Db,
    tenant_id: &str,
    user_id: &str,
    limit: i64,
    offset: i64,
) -> Result<Vec<SubmissionRow>> {
    Ok(submissions::table
        .filter(submissions::tenant_id.eq(tenant_id))
        .filter(submissions::user_id.eq(user_id))
        .order(submissions::received_at.desc())
        .limit(limit)
        .offset(offset)
        .select(SubmissionRow::as_select())
        .load(conn)?)
}
