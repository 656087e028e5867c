//! The portal after submission (part of the e-services capability): messages on a matter,
//! letters delivered to the portal inbox, residents' notifications and preferences, and the
//! satisfaction survey.

use diesel::dsl::count_star;
use diesel::prelude::*;
use serde::Serialize;

use super::SubmissionRow;
use crate::schema::{
    documents, incoming_items, notification_preferences, notifications, portal_deliveries,
    portal_message_files, portal_messages, satisfaction_answers, submissions,
};
use crate::{Db, Result, StoreError};

/// The submission (matter) whose item is in the case, if the case came from the portal.
pub fn submission_for_case(
    conn: &mut Db,
    tenant_id: &str,
    case_id: &str,
) -> Result<Option<SubmissionRow>> {
    Ok(submissions::table
        .filter(submissions::tenant_id.eq(tenant_id))
        .filter(
            submissions::incoming_item_id.eq_any(
                incoming_items::table
                    .filter(incoming_items::tenant_id.eq(tenant_id))
                    .filter(incoming_items::case_id.eq(case_id))
                    .select(incoming_items::id),
            ),
        )
        .order(submissions::received_at.asc())
        .select(SubmissionRow::as_select())
        .first(conn)
        .optional()?)
}

// ---- messages ----

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = portal_messages)]
pub struct MessageRow {
    pub id: String,
    #[serde(skip)]
    pub tenant_id: String,
    pub submission_id: String,
    /// `in` (from the resident) or `out` (from the office).
    pub direction: String,
    /// `message` or `supplement`.
    pub kind: String,
    pub body: String,
    #[serde(skip)]
    pub author_id: String,
    #[serde(skip)]
    pub incoming_item_id: Option<String>,
    pub created_at: i64,
    pub read_at: Option<i64>,
}

pub fn insert_message(conn: &mut Db, row: &MessageRow) -> Result<()> {
    diesel::insert_into(portal_messages::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn insert_message_file(
    conn: &mut Db,
    tenant_id: &str,
    message_id: &str,
    document_id: &str,
) -> Result<()> {
    diesel::insert_into(portal_message_files::table)
        .values((
            portal_message_files::message_id.eq(message_id),
            portal_message_files::tenant_id.eq(tenant_id),
            portal_message_files::document_id.eq(document_id),
        ))
        .execute(conn)?;
    Ok(())
}

/// A matter's messages, oldest first.
pub fn messages_of(conn: &mut Db, tenant_id: &str, submission_id: &str) -> Result<Vec<MessageRow>> {
    Ok(portal_messages::table
        .filter(portal_messages::tenant_id.eq(tenant_id))
        .filter(portal_messages::submission_id.eq(submission_id))
        .order((portal_messages::created_at.asc(), portal_messages::id.asc()))
        .select(MessageRow::as_select())
        .load(conn)?)
}

/// One attached file of a message: (message id, document id, title).
pub fn message_files(
    conn: &mut Db,
    tenant_id: &str,
    submission_id: &str,
) -> Result<Vec<(String, String, String)>> {
    Ok(portal_message_files::table
        .inner_join(documents::table.on(documents::id.eq(portal_message_files::document_id)))
        .inner_join(
            portal_messages::table.on(portal_messages::id.eq(portal_message_files::message_id)),
        )
        .filter(portal_message_files::tenant_id.eq(tenant_id))
        .filter(portal_messages::submission_id.eq(submission_id))
        .select((
            portal_message_files::message_id,
            documents::id,
            documents::title,
        ))
        .load(conn)?)
}

/// Unread messages from residents per case, for the given cases: (case id, count).
pub fn unread_in_by_case(
    conn: &mut Db,
    tenant_id: &str,
    case_ids: &[String],
) -> Result<Vec<(String, i64)>> {
    if case_ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<Option<String>> = portal_messages::table
        .inner_join(
            incoming_items::table.on(incoming_items::id
                .nullable()
                .eq(portal_messages::incoming_item_id)),
        )
        .filter(portal_messages::tenant_id.eq(tenant_id))
        .filter(portal_messages::direction.eq("in"))
        .filter(portal_messages::read_at.is_null())
        .filter(incoming_items::case_id.eq_any(case_ids))
        .select(incoming_items::case_id)
        .load(conn)?;
    let mut out: Vec<(String, i64)> = Vec::new();
    for id in rows.into_iter().flatten() {
        match out.iter_mut().find(|(c, _)| *c == id) {
            Some((_, n)) => *n += 1,
            None => out.push((id, 1)),
        }
    }
    Ok(out)
}

/// Whether a document is a file of one of the matter's messages.
pub fn is_message_file(
    conn: &mut Db,
    tenant_id: &str,
    submission_id: &str,
    document_id: &str,
) -> Result<bool> {
    let n: i64 = portal_message_files::table
        .inner_join(
            portal_messages::table.on(portal_messages::id.eq(portal_message_files::message_id)),
        )
        .filter(portal_message_files::tenant_id.eq(tenant_id))
        .filter(portal_messages::submission_id.eq(submission_id))
        .filter(portal_message_files::document_id.eq(document_id))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// Marks the messages of one direction as read now (the first reading counts).
pub fn mark_messages_read(
    conn: &mut Db,
    tenant_id: &str,
    submission_id: &str,
    direction: &str,
    now: i64,
) -> Result<usize> {
    Ok(diesel::update(
        portal_messages::table
            .filter(portal_messages::tenant_id.eq(tenant_id))
            .filter(portal_messages::submission_id.eq(submission_id))
            .filter(portal_messages::direction.eq(direction))
            .filter(portal_messages::read_at.is_null()),
    )
    .set(portal_messages::read_at.eq(now))
    .execute(conn)?)
}

// ---- deliveries ----

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = portal_deliveries)]
pub struct DeliveryRow {
    pub id: String,
    #[serde(skip)]
    pub tenant_id: String,
    pub submission_id: String,
    #[serde(skip)]
    pub case_id: String,
    #[serde(skip)]
    pub outgoing_item_id: String,
    #[serde(skip)]
    pub document_id: String,
    #[serde(skip)]
    pub recipient_id: String,
    pub title: String,
    pub document_kind: String,
    pub available_at: i64,
    pub opened_at: Option<i64>,
    pub deemed_at: Option<i64>,
    /// The last day to answer a request to remedy deficiencies (ISO date).
    pub reply_by: Option<String>,
}

pub fn insert_delivery(conn: &mut Db, row: &DeliveryRow) -> Result<()> {
    diesel::insert_into(portal_deliveries::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn delivery(conn: &mut Db, tenant_id: &str, id: &str) -> Result<Option<DeliveryRow>> {
    Ok(portal_deliveries::table
        .filter(portal_deliveries::tenant_id.eq(tenant_id))
        .filter(portal_deliveries::id.eq(id))
        .select(DeliveryRow::as_select())
        .first(conn)
        .optional()?)
}

/// A matter's deliveries, oldest first.
pub fn deliveries_of(
    conn: &mut Db,
    tenant_id: &str,
    submission_id: &str,
) -> Result<Vec<DeliveryRow>> {
    Ok(portal_deliveries::table
        .filter(portal_deliveries::tenant_id.eq(tenant_id))
        .filter(portal_deliveries::submission_id.eq(submission_id))
        .order((
            portal_deliveries::available_at.asc(),
            portal_deliveries::id.asc(),
        ))
        .select(DeliveryRow::as_select())
        .load(conn)?)
}

/// Records the first opening; false when it was opened (or deemed delivered) before.
pub fn mark_opened(conn: &mut Db, tenant_id: &str, id: &str, now: i64) -> Result<bool> {
    let n = diesel::update(
        portal_deliveries::table
            .filter(portal_deliveries::tenant_id.eq(tenant_id))
            .filter(portal_deliveries::id.eq(id))
            .filter(portal_deliveries::opened_at.is_null())
            .filter(portal_deliveries::deemed_at.is_null()),
    )
    .set(portal_deliveries::opened_at.eq(now))
    .execute(conn)?;
    Ok(n == 1)
}

/// Unopened deliveries placed before `before` (all tenants), oldest first.
pub fn unopened_before(conn: &mut Db, before: i64, limit: i64) -> Result<Vec<DeliveryRow>> {
    Ok(portal_deliveries::table
        .filter(portal_deliveries::opened_at.is_null())
        .filter(portal_deliveries::deemed_at.is_null())
        .filter(portal_deliveries::available_at.lt(before))
        .order(portal_deliveries::available_at.asc())
        .limit(limit)
        .select(DeliveryRow::as_select())
        .load(conn)?)
}

/// Sets the last day to answer (known once the request is delivered).
pub fn set_reply_by(conn: &mut Db, tenant_id: &str, id: &str, reply_by: &str) -> Result<()> {
    diesel::update(
        portal_deliveries::table
            .filter(portal_deliveries::tenant_id.eq(tenant_id))
            .filter(portal_deliveries::id.eq(id)),
    )
    .set(portal_deliveries::reply_by.eq(reply_by))
    .execute(conn)?;
    Ok(())
}

/// Deliveries whose answer is due between `from` and `to` (ISO dates, all tenants).
pub fn replies_due(conn: &mut Db, from: &str, to: &str) -> Result<Vec<DeliveryRow>> {
    Ok(portal_deliveries::table
        .filter(portal_deliveries::reply_by.ge(from))
        .filter(portal_deliveries::reply_by.le(to))
        .select(DeliveryRow::as_select())
        .load(conn)?)
}

/// Sets the deemed delivery; false when it was opened or deemed meanwhile.
pub fn set_deemed(conn: &mut Db, tenant_id: &str, id: &str, at: i64) -> Result<bool> {
    let n = diesel::update(
        portal_deliveries::table
            .filter(portal_deliveries::tenant_id.eq(tenant_id))
            .filter(portal_deliveries::id.eq(id))
            .filter(portal_deliveries::opened_at.is_null())
            .filter(portal_deliveries::deemed_at.is_null()),
    )
    .set(portal_deliveries::deemed_at.eq(at))
    .execute(conn)?;
    Ok(n == 1)
}

// ---- notifications ----

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = notifications)]
pub struct NotificationRow {
    pub id: String,
    #[serde(skip)]
    pub tenant_id: String,
    #[serde(skip)]
    pub user_id: String,
    pub submission_id: Option<String>,
    #[serde(skip)]
    pub event_key: String,
    /// `status`, `message`, `delivery`, `deficiency`, `deadline`, `survey`.
    pub kind: String,
    /// JSON object with what the text needs (case sign, service name, dates).
    pub params: String,
    pub created_at: i64,
    pub read_at: Option<i64>,
    #[serde(skip)]
    pub mail_id: Option<String>,
}

/// Inserts a notification unless the resident was already told of the event; true when new.
/// In a savepoint, so that a lost race leaves the caller's transaction usable.
pub fn insert_notification(conn: &mut Db, row: &NotificationRow) -> Result<bool> {
    let seen: i64 = notifications::table
        .filter(notifications::tenant_id.eq(&row.tenant_id))
        .filter(notifications::user_id.eq(&row.user_id))
        .filter(notifications::event_key.eq(&row.event_key))
        .count()
        .get_result(conn)?;
    if seen > 0 {
        return Ok(false);
    }
    let inserted = conn.transaction(|c| {
        diesel::insert_into(notifications::table)
            .values(row)
            .execute(c)
            .map_err(StoreError::from)
    });
    match inserted {
        Ok(_) => Ok(true),
        Err(StoreError::Conflict(_)) => Ok(false),
        Err(e) => Err(e),
    }
}

pub fn set_notification_mail(
    conn: &mut Db,
    tenant_id: &str,
    id: &str,
    mail_id: &str,
) -> Result<()> {
    diesel::update(
        notifications::table
            .filter(notifications::tenant_id.eq(tenant_id))
            .filter(notifications::id.eq(id)),
    )
    .set(notifications::mail_id.eq(mail_id))
    .execute(conn)?;
    Ok(())
}

/// A resident's notifications, newest first.
pub fn notifications_of(
    conn: &mut Db,
    tenant_id: &str,
    user_id: &str,
    limit: i64,
) -> Result<Vec<NotificationRow>> {
    Ok(notifications::table
        .filter(notifications::tenant_id.eq(tenant_id))
        .filter(notifications::user_id.eq(user_id))
        .order((notifications::created_at.desc(), notifications::id.desc()))
        .limit(limit)
        .select(NotificationRow::as_select())
        .load(conn)?)
}

pub fn unread_notifications(conn: &mut Db, tenant_id: &str, user_id: &str) -> Result<i64> {
    Ok(notifications::table
        .filter(notifications::tenant_id.eq(tenant_id))
        .filter(notifications::user_id.eq(user_id))
        .filter(notifications::read_at.is_null())
        .count()
        .get_result(conn)?)
}

/// Marks a resident's notifications read: all, or those of one matter.
pub fn mark_notifications_read(
    conn: &mut Db,
    tenant_id: &str,
    user_id: &str,
    submission_id: Option<&str>,
    now: i64,
) -> Result<usize> {
    let q = notifications::table
        .filter(notifications::tenant_id.eq(tenant_id))
        .filter(notifications::user_id.eq(user_id))
        .filter(notifications::read_at.is_null())
        .into_boxed();
    let ids: Vec<String> = match submission_id {
        Some(s) => q.filter(notifications::submission_id.eq(s)),
        None => q,
    }
    .select(notifications::id)
    .load(conn)?;
    if ids.is_empty() {
        return Ok(0);
    }
    Ok(diesel::update(
        notifications::table
            .filter(notifications::tenant_id.eq(tenant_id))
            .filter(notifications::id.eq_any(&ids)),
    )
    .set(notifications::read_at.eq(now))
    .execute(conn)?)
}

// ---- preferences ----

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = notification_preferences)]
pub struct PreferencesRow {
    #[serde(skip)]
    pub user_id: String,
    #[serde(skip)]
    pub tenant_id: String,
    pub email_status: bool,
    pub email_messages: bool,
    pub email_deadlines: bool,
    pub email_surveys: bool,
    #[serde(skip)]
    pub updated_at: i64,
}

pub fn preferences(
    conn: &mut Db,
    tenant_id: &str,
    user_id: &str,
) -> Result<Option<PreferencesRow>> {
    Ok(notification_preferences::table
        .filter(notification_preferences::tenant_id.eq(tenant_id))
        .filter(notification_preferences::user_id.eq(user_id))
        .select(PreferencesRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn put_preferences(conn: &mut Db, row: &PreferencesRow) -> Result<()> {
    let n = diesel::update(
        notification_preferences::table
            .filter(notification_preferences::tenant_id.eq(&row.tenant_id))
            .filter(notification_preferences::user_id.eq(&row.user_id)),
    )
    .set((
        notification_preferences::email_status.eq(row.email_status),
        notification_preferences::email_messages.eq(row.email_messages),
        notification_preferences::email_deadlines.eq(row.email_deadlines),
        notification_preferences::email_surveys.eq(row.email_surveys),
        notification_preferences::updated_at.eq(row.updated_at),
    ))
    .execute(conn)?;
    if n == 0 {
        diesel::insert_into(notification_preferences::table)
            .values(row)
            .execute(conn)?;
    }
    Ok(())
}

// ---- satisfaction ----

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = satisfaction_answers)]
pub struct SatisfactionRow {
    #[serde(skip)]
    pub submission_id: String,
    #[serde(skip)]
    pub tenant_id: String,
    #[serde(skip)]
    pub service_id: String,
    #[serde(skip)]
    pub unit_id: String,
    pub rating: i32,
    pub comment: String,
    pub created_at: i64,
}

/// Records an answer; false when the matter was already rated.
pub fn insert_satisfaction(conn: &mut Db, row: &SatisfactionRow) -> Result<bool> {
    if satisfaction_of(conn, &row.tenant_id, &row.submission_id)?.is_some() {
        return Ok(false);
    }
    let inserted = conn.transaction(|c| {
        diesel::insert_into(satisfaction_answers::table)
            .values(row)
            .execute(c)
            .map_err(StoreError::from)
    });
    match inserted {
        Ok(_) => Ok(true),
        Err(StoreError::Conflict(_)) => Ok(false),
        Err(e) => Err(e),
    }
}

pub fn satisfaction_of(
    conn: &mut Db,
    tenant_id: &str,
    submission_id: &str,
) -> Result<Option<SatisfactionRow>> {
    Ok(satisfaction_answers::table
        .filter(satisfaction_answers::tenant_id.eq(tenant_id))
        .filter(satisfaction_answers::submission_id.eq(submission_id))
        .select(SatisfactionRow::as_select())
        .first(conn)
        .optional()?)
}

/// Answers per (service, unit, rating): the survey results without loading every answer.
pub fn satisfaction_counts(
    conn: &mut Db,
    tenant_id: &str,
) -> Result<Vec<(String, String, i32, i64)>> {
    Ok(satisfaction_answers::table
        .filter(satisfaction_answers::tenant_id.eq(tenant_id))
        .group_by((
            satisfaction_answers::service_id,
            satisfaction_answers::unit_id,
            satisfaction_answers::rating,
        ))
        .select((
            satisfaction_answers::service_id,
            satisfaction_answers::unit_id,
            satisfaction_answers::rating,
            count_star(),
        ))
        .load(conn)?)
}

/// A survey comment: (service id, unit id, rating, comment, answered at).
pub type CommentRow = (String, String, i32, String, i64);

/// The latest comments (non-empty), newest first.
pub fn satisfaction_comments(
    conn: &mut Db,
    tenant_id: &str,
    limit: i64,
) -> Result<Vec<CommentRow>> {
    Ok(satisfaction_answers::table
        .filter(satisfaction_answers::tenant_id.eq(tenant_id))
        .filter(satisfaction_answers::comment.ne(""))
        .order(satisfaction_answers::created_at.desc())
        .limit(limit)
        .select((
            satisfaction_answers::service_id,
            satisfaction_answers::unit_id,
            satisfaction_answers::rating,
            satisfaction_answers::comment,
            satisfaction_answers::created_at,
        ))
        .load(conn)?)
}
