//! Crisis alerts: the municipality's address points, residents' subscriptions, the alerts staff
//! write (with their four-eyes workflow) and one delivery row per recipient and channel;
//! other services' CAP feeds in [`feeds`].

pub mod feeds;

use diesel::prelude::*;
use serde::Serialize;

use crate::schema::{
    address_points, alert_deliveries, alert_subscribers, alerts, mail_messages, push_outbox,
    sms_outbox,
};
use crate::{Db, Result};

// ---- address points ----

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = address_points)]
pub struct AddressPointRow {
    pub id: String,
    #[serde(skip)]
    pub tenant_id: String,
    pub locality: String,
    pub street: String,
    pub number: String,
    pub postcode: String,
    pub lat: f64,
    pub lon: f64,
    /// The district (dzielnica, osiedle) of the locality it lies in; empty if none.
    pub district: String,
}

/// Inserts address points one statement each (the multi-backend connection has no batch
/// insert); callers wrap a whole import in one transaction.
pub fn insert_points(conn: &mut Db, rows: &[AddressPointRow]) -> Result<()> {
    for row in rows {
        diesel::insert_into(address_points::table)
            .values(row)
            .execute(conn)?;
    }
    Ok(())
}

pub fn delete_points(conn: &mut Db, tenant_id: &str) -> Result<usize> {
    Ok(
        diesel::delete(address_points::table.filter(address_points::tenant_id.eq(tenant_id)))
            .execute(conn)?,
    )
}

pub fn count_points(conn: &mut Db, tenant_id: &str) -> Result<i64> {
    Ok(address_points::table
        .filter(address_points::tenant_id.eq(tenant_id))
        .count()
        .get_result(conn)?)
}

/// Every address point's locality, district and coordinates (lat, lon): which places an
/// alert's area reaches, and the staff's map.
pub fn point_localities(conn: &mut Db, tenant_id: &str) -> Result<Vec<(String, String, f64, f64)>> {
    Ok(address_points::table
        .filter(address_points::tenant_id.eq(tenant_id))
        .select((
            address_points::locality,
            address_points::district,
            address_points::lat,
            address_points::lon,
        ))
        .load(conn)?)
}

/// The (locality, district) pairs of the register that name a district, sorted.
pub fn districts(conn: &mut Db, tenant_id: &str) -> Result<Vec<(String, String)>> {
    Ok(address_points::table
        .filter(address_points::tenant_id.eq(tenant_id))
        .filter(address_points::district.ne(""))
        .select((address_points::locality, address_points::district))
        .distinct()
        .order((
            address_points::locality.asc(),
            address_points::district.asc(),
        ))
        .load(conn)?)
}

/// The localities of the address register, sorted.
pub fn localities(conn: &mut Db, tenant_id: &str) -> Result<Vec<String>> {
    Ok(address_points::table
        .filter(address_points::tenant_id.eq(tenant_id))
        .select(address_points::locality)
        .distinct()
        .order(address_points::locality.asc())
        .load(conn)?)
}

/// The address point at `street` `number` in `locality` (exact, as the register spells it;
/// the caller normalises).
pub fn find_point(
    conn: &mut Db,
    tenant_id: &str,
    locality: &str,
    street: &str,
    number: &str,
) -> Result<Option<AddressPointRow>> {
    Ok(address_points::table
        .filter(address_points::tenant_id.eq(tenant_id))
        .filter(address_points::locality.eq(locality))
        .filter(address_points::street.eq(street))
        .filter(address_points::number.eq(number))
        .select(AddressPointRow::as_select())
        .first(conn)
        .optional()?)
}

/// The streets of a locality (for the form's suggestions and error messages).
pub fn streets(conn: &mut Db, tenant_id: &str, locality: &str) -> Result<Vec<String>> {
    Ok(address_points::table
        .filter(address_points::tenant_id.eq(tenant_id))
        .filter(address_points::locality.eq(locality))
        .select(address_points::street)
        .distinct()
        .order(address_points::street.asc())
        .load(conn)?)
}

// ---- subscribers ----

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset, Serialize)]
#[diesel(table_name = alert_subscribers, treat_none_as_null = true)]
pub struct SubscriberRow {
    pub id: String,
    #[serde(skip)]
    pub tenant_id: String,
    /// `email` or `sms`.
    pub channel: String,
    pub address: String,
    /// Topic codes, one per line; empty means every topic.
    pub topics: String,
    /// Localities, one per line.
    pub localities: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    /// The address point in words ("Przykładowo, ul. Polna 5").
    pub place_label: String,
    /// `pending` (until the link in the e-mail is used), `active`, `unsubscribed`.
    pub status: String,
    #[serde(skip)]
    pub token: String,
    pub created_at: i64,
    pub confirmed_at: Option<i64>,
    pub unsubscribed_at: Option<i64>,
    /// SHA-256 (hex) of the code an SMS subscription is confirmed with.
    #[serde(skip)]
    pub confirm_code: Option<String>,
    /// Wrong codes entered so far.
    pub confirm_attempts: i32,
    /// The short unsubscribe code of an SMS subscription (`/w/<code>`).
    #[serde(skip)]
    pub short_code: Option<String>,
    /// A browser's push subscription keys (RFC 8291, base64url): its P-256 public key and
    /// authentication secret; `address` is then the push service's endpoint.
    #[serde(skip)]
    pub push_p256dh: Option<String>,
    #[serde(skip)]
    pub push_auth: Option<String>,
}

pub fn insert_subscriber(conn: &mut Db, row: &SubscriberRow) -> Result<()> {
    diesel::insert_into(alert_subscribers::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn update_subscriber(conn: &mut Db, row: &SubscriberRow) -> Result<()> {
    diesel::update(
        alert_subscribers::table
            .filter(alert_subscribers::tenant_id.eq(&row.tenant_id))
            .filter(alert_subscribers::id.eq(&row.id)),
    )
    .set(row)
    .execute(conn)?;
    Ok(())
}

pub fn subscriber_by_address(
    conn: &mut Db,
    tenant_id: &str,
    channel: &str,
    address: &str,
) -> Result<Option<SubscriberRow>> {
    Ok(alert_subscribers::table
        .filter(alert_subscribers::tenant_id.eq(tenant_id))
        .filter(alert_subscribers::channel.eq(channel))
        .filter(alert_subscribers::address.eq(address))
        .select(SubscriberRow::as_select())
        .first(conn)
        .optional()?)
}

/// The SMS subscription with this short unsubscribe code.
pub fn subscriber_by_short_code(
    conn: &mut Db,
    tenant_id: &str,
    code: &str,
) -> Result<Option<SubscriberRow>> {
    Ok(alert_subscribers::table
        .filter(alert_subscribers::tenant_id.eq(tenant_id))
        .filter(alert_subscribers::short_code.eq(code))
        .select(SubscriberRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn subscriber(conn: &mut Db, tenant_id: &str, id: &str) -> Result<Option<SubscriberRow>> {
    Ok(alert_subscribers::table
        .filter(alert_subscribers::tenant_id.eq(tenant_id))
        .filter(alert_subscribers::id.eq(id))
        .select(SubscriberRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn subscriber_by_token(
    conn: &mut Db,
    tenant_id: &str,
    token: &str,
) -> Result<Option<SubscriberRow>> {
    Ok(alert_subscribers::table
        .filter(alert_subscribers::tenant_id.eq(tenant_id))
        .filter(alert_subscribers::token.eq(token))
        .select(SubscriberRow::as_select())
        .first(conn)
        .optional()?)
}

/// Active subscribers after `after_id` (keyset pagination), at most `limit`.
pub fn active_subscribers(
    conn: &mut Db,
    tenant_id: &str,
    after_id: &str,
    limit: i64,
) -> Result<Vec<SubscriberRow>> {
    Ok(alert_subscribers::table
        .filter(alert_subscribers::tenant_id.eq(tenant_id))
        .filter(alert_subscribers::status.eq("active"))
        .filter(alert_subscribers::id.gt(after_id))
        .order(alert_subscribers::id.asc())
        .limit(limit)
        .select(SubscriberRow::as_select())
        .load(conn)?)
}

pub fn count_subscribers(conn: &mut Db, tenant_id: &str, status: &str) -> Result<i64> {
    Ok(alert_subscribers::table
        .filter(alert_subscribers::tenant_id.eq(tenant_id))
        .filter(alert_subscribers::status.eq(status))
        .count()
        .get_result(conn)?)
}

// ---- alerts ----

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset, Serialize)]
#[diesel(table_name = alerts, treat_none_as_null = true)]
pub struct AlertRow {
    pub id: String,
    #[serde(skip)]
    pub tenant_id: String,
    /// The CAP identifier.
    pub identifier: String,
    /// `draft`, `awaiting_approval`, `published`, `rejected`.
    pub workflow: String,
    pub template: Option<String>,
    /// `ratusz_core::alerts::Alert` as JSON.
    pub cap: String,
    pub sms_text: String,
    /// Localities chosen as the area, one per line.
    pub localities: String,
    pub author_id: String,
    pub approver_id: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub submitted_at: Option<i64>,
    pub approved_at: Option<i64>,
    pub fanned_out_at: Option<i64>,
    /// Who must confirm and when to go to the next group (JSON); `None`: no confirmation.
    pub escalation: Option<String>,
    /// Groups the alert has reached so far.
    pub escalation_stage: i32,
}

pub fn insert_alert(conn: &mut Db, row: &AlertRow) -> Result<()> {
    diesel::insert_into(alerts::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn update_alert(conn: &mut Db, row: &AlertRow) -> Result<()> {
    diesel::update(
        alerts::table
            .filter(alerts::tenant_id.eq(&row.tenant_id))
            .filter(alerts::id.eq(&row.id)),
    )
    .set(row)
    .execute(conn)?;
    Ok(())
}

pub fn alert(conn: &mut Db, tenant_id: &str, id: &str) -> Result<Option<AlertRow>> {
    Ok(alerts::table
        .filter(alerts::tenant_id.eq(tenant_id))
        .filter(alerts::id.eq(id))
        .select(AlertRow::as_select())
        .first(conn)
        .optional()?)
}

/// The alert with this CAP identifier (unique per municipality).
pub fn alert_by_identifier(
    conn: &mut Db,
    tenant_id: &str,
    identifier: &str,
) -> Result<Option<AlertRow>> {
    Ok(alerts::table
        .filter(alerts::tenant_id.eq(tenant_id))
        .filter(alerts::identifier.eq(identifier))
        .select(AlertRow::as_select())
        .first(conn)
        .optional()?)
}

/// The alerts in `workflows` (all when empty), newest first.
pub fn alerts_in(
    conn: &mut Db,
    tenant_id: &str,
    workflows: &[&str],
    limit: i64,
) -> Result<Vec<AlertRow>> {
    let mut q = alerts::table
        .filter(alerts::tenant_id.eq(tenant_id))
        .into_boxed();
    if !workflows.is_empty() {
        q = q.filter(alerts::workflow.eq_any(workflows.to_vec()));
    }
    Ok(q.order(alerts::created_at.desc())
        .limit(limit)
        .select(AlertRow::as_select())
        .load(conn)?)
}

// ---- deliveries ----

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = alert_deliveries)]
pub struct DeliveryRow {
    #[serde(skip)]
    pub tenant_id: String,
    pub alert_id: String,
    /// The subscriber's id, or `staff:<user id>` for an exercise.
    pub recipient: String,
    pub channel: String,
    pub address: String,
    pub mail_id: Option<String>,
    pub created_at: i64,
    pub sms_id: Option<String>,
    /// The secret of the confirmation link (staff deliveries of an alert that needs one).
    #[serde(skip)]
    pub confirm_token: Option<String>,
    pub confirmed_at: Option<i64>,
    /// The escalation group it went to (1, 2, …); 0 for residents.
    pub stage: i32,
    pub push_id: Option<String>,
}

/// Whether the alert already has a delivery for this recipient and channel.
pub fn delivery_exists(
    conn: &mut Db,
    alert_id: &str,
    recipient: &str,
    channel: &str,
) -> Result<bool> {
    let n: i64 = alert_deliveries::table
        .filter(alert_deliveries::alert_id.eq(alert_id))
        .filter(alert_deliveries::recipient.eq(recipient))
        .filter(alert_deliveries::channel.eq(channel))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// The recipients between `first` and `last` (inclusive, by id) that already have a delivery
/// of the alert on `channel`: one range scan of the primary key for a page of the fan-out,
/// whose subscribers come in id order. (An `IN` list of 500 ids made PostgreSQL's generic
/// plan scan every delivery of the alert, so the fan-out slowed as it went.)
pub fn delivered_in_range(
    conn: &mut Db,
    alert_id: &str,
    channel: &str,
    first: &str,
    last: &str,
) -> Result<std::collections::HashSet<String>> {
    Ok(alert_deliveries::table
        .filter(alert_deliveries::alert_id.eq(alert_id))
        .filter(alert_deliveries::recipient.ge(first))
        .filter(alert_deliveries::recipient.le(last))
        .filter(alert_deliveries::channel.eq(channel))
        .select(alert_deliveries::recipient)
        .load::<String>(conn)?
        .into_iter()
        .collect())
}

/// Inserts deliveries in multi-row statements (a page of the fan-out).
pub fn insert_deliveries(conn: &mut Db, rows: &[DeliveryRow]) -> Result<()> {
    crate::insert_chunked!(conn, alert_deliveries::table, rows, 12);
    Ok(())
}

pub fn insert_delivery(conn: &mut Db, row: &DeliveryRow) -> Result<()> {
    diesel::insert_into(alert_deliveries::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// Counts equal strings: (value, count), sorted by value.
fn tally(values: Vec<String>) -> Vec<(String, i64)> {
    let mut counts: Vec<(String, i64)> = Vec::new();
    for v in values {
        match counts.iter_mut().find(|(s, _)| *s == v) {
            Some((_, n)) => *n += 1,
            None => counts.push((v, 1)),
        }
    }
    counts.sort();
    counts
}

/// How an alert's messages on `channel` (`email`, `sms` or `push`) stand: (status, count), by status.
pub fn channel_statuses(
    conn: &mut Db,
    tenant_id: &str,
    alert_id: &str,
    channel: &str,
) -> Result<Vec<(String, i64)>> {
    let base = alert_deliveries::table
        .filter(alert_deliveries::tenant_id.eq(tenant_id))
        .filter(alert_deliveries::alert_id.eq(alert_id));
    let rows: Vec<String> = if channel == "push" {
        base.inner_join(
            push_outbox::table.on(push_outbox::id.nullable().eq(alert_deliveries::push_id)),
        )
        .select(push_outbox::status)
        .load(conn)?
    } else if channel == "sms" {
        base.inner_join(
            sms_outbox::table.on(sms_outbox::id.nullable().eq(alert_deliveries::sms_id)),
        )
        .select(sms_outbox::status)
        .load(conn)?
    } else {
        base.inner_join(
            mail_messages::table.on(mail_messages::id.nullable().eq(alert_deliveries::mail_id)),
        )
        .select(mail_messages::status)
        .load(conn)?
    };
    Ok(tally(rows))
}

/// The send times of an alert's messages on `channel` that were sent, ascending (for "95 %
/// delivered" and delivery over time).
pub fn channel_sent_times(
    conn: &mut Db,
    tenant_id: &str,
    alert_id: &str,
    channel: &str,
) -> Result<Vec<i64>> {
    let base = alert_deliveries::table
        .filter(alert_deliveries::tenant_id.eq(tenant_id))
        .filter(alert_deliveries::alert_id.eq(alert_id));
    let times: Vec<Option<i64>> = if channel == "push" {
        base.inner_join(
            push_outbox::table.on(push_outbox::id.nullable().eq(alert_deliveries::push_id)),
        )
        .filter(push_outbox::sent_at.is_not_null())
        .select(push_outbox::sent_at)
        .load(conn)?
    } else if channel == "sms" {
        base.inner_join(
            sms_outbox::table.on(sms_outbox::id.nullable().eq(alert_deliveries::sms_id)),
        )
        .filter(sms_outbox::sent_at.is_not_null())
        .select(sms_outbox::sent_at)
        .load(conn)?
    } else {
        base.inner_join(
            mail_messages::table.on(mail_messages::id.nullable().eq(alert_deliveries::mail_id)),
        )
        .filter(mail_messages::sent_at.is_not_null())
        .select(mail_messages::sent_at)
        .load(conn)?
    };
    let mut times: Vec<i64> = times.into_iter().flatten().collect();
    times.sort_unstable();
    Ok(times)
}

/// The delivery a confirmation link's token belongs to.
pub fn delivery_by_confirm_token(conn: &mut Db, token: &str) -> Result<Option<DeliveryRow>> {
    Ok(alert_deliveries::table
        .filter(alert_deliveries::confirm_token.eq(token))
        .select(DeliveryRow::as_select())
        .first(conn)
        .optional()?)
}

/// Marks a delivery confirmed (once; a second confirmation keeps the first time).
pub fn confirm_delivery(conn: &mut Db, token: &str, at: i64) -> Result<bool> {
    let n = diesel::update(
        alert_deliveries::table
            .filter(alert_deliveries::confirm_token.eq(token))
            .filter(alert_deliveries::confirmed_at.is_null()),
    )
    .set(alert_deliveries::confirmed_at.eq(at))
    .execute(conn)?;
    Ok(n > 0)
}

/// The deliveries of an alert to escalation groups (stage > 0), by stage then address.
pub fn staged_deliveries(
    conn: &mut Db,
    tenant_id: &str,
    alert_id: &str,
) -> Result<Vec<DeliveryRow>> {
    Ok(alert_deliveries::table
        .filter(alert_deliveries::tenant_id.eq(tenant_id))
        .filter(alert_deliveries::alert_id.eq(alert_id))
        .filter(alert_deliveries::stage.gt(0))
        .order((
            alert_deliveries::stage.asc(),
            alert_deliveries::address.asc(),
        ))
        .select(DeliveryRow::as_select())
        .load(conn)?)
}

pub fn count_deliveries(conn: &mut Db, tenant_id: &str, alert_id: &str) -> Result<i64> {
    Ok(alert_deliveries::table
        .filter(alert_deliveries::tenant_id.eq(tenant_id))
        .filter(alert_deliveries::alert_id.eq(alert_id))
        .count()
        .get_result(conn)?)
}

/// Adds counted openings of alert pages: `(alert_id, channel, minute, opens)` of one tenant,
/// `minute` being the timestamp of the minute's start.
pub fn add_opens(
    conn: &mut Db,
    tenant_id: &str,
    counts: &[(String, String, i64, i64)],
) -> Result<()> {
    use crate::schema::alert_opens::dsl as o;
    for (alert_id, channel, minute, n) in counts {
        let row = (
            o::tenant_id.eq(tenant_id),
            o::alert_id.eq(alert_id),
            o::channel.eq(channel),
            o::minute.eq(minute),
            o::opens.eq(n),
        );
        let key = (o::tenant_id, o::alert_id, o::channel, o::minute);
        // Upserts need the concrete backend.
        match conn {
            Db::Pg(c) => diesel::insert_into(o::alert_opens)
                .values(row)
                .on_conflict(key)
                .do_update()
                .set(o::opens.eq(o::opens + n))
                .execute(c)?,
            Db::Sqlite(c) => diesel::insert_into(o::alert_opens)
                .values(row)
                .on_conflict(key)
                .do_update()
                .set(o::opens.eq(o::opens + n))
                .execute(c)?,
        };
    }
    Ok(())
}

/// Openings of an alert's page from its messages, per channel.
pub fn opens_by_channel(
    conn: &mut Db,
    tenant_id: &str,
    alert_id: &str,
) -> Result<Vec<(String, i64)>> {
    use crate::schema::alert_opens::dsl as o;
    let rows: Vec<(String, i64)> = o::alert_opens
        .filter(o::tenant_id.eq(tenant_id))
        .filter(o::alert_id.eq(alert_id))
        .select((o::channel, o::opens))
        .load(conn)?;
    let mut out: Vec<(String, i64)> = Vec::new();
    for (channel, n) in rows {
        match out.iter_mut().find(|(c, _)| *c == channel) {
            Some((_, total)) => *total += n,
            None => out.push((channel, n)),
        }
    }
    Ok(out)
}

/// Records the messages one use of the subscription form made the office send (`channels`:
/// "email", "sms") from `ip`, and forgets the tenant's records older than `forget_before`.
pub fn record_form_sends(
    conn: &mut Db,
    tenant_id: &str,
    ip: &str,
    channels: &[&str],
    now: i64,
    forget_before: i64,
) -> Result<()> {
    use crate::schema::alert_form_sends::dsl as f;
    diesel::delete(
        f::alert_form_sends
            .filter(f::tenant_id.eq(tenant_id))
            .filter(f::at.lt(forget_before)),
    )
    .execute(conn)?;
    for channel in channels {
        diesel::insert_into(f::alert_form_sends)
            .values((
                f::id.eq(crate::new_id()),
                f::tenant_id.eq(tenant_id),
                f::ip.eq(ip),
                f::channel.eq(*channel),
                f::at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Since `since`: the messages the form sent from `ip`, and the SMS it sent from anywhere.
pub fn form_sends_since(
    conn: &mut Db,
    tenant_id: &str,
    ip: &str,
    since: i64,
) -> Result<(i64, i64)> {
    use crate::schema::alert_form_sends::dsl as f;
    let by_ip = f::alert_form_sends
        .filter(f::tenant_id.eq(tenant_id))
        .filter(f::at.ge(since))
        .filter(f::ip.eq(ip))
        .count()
        .get_result(conn)?;
    let sms = f::alert_form_sends
        .filter(f::tenant_id.eq(tenant_id))
        .filter(f::at.ge(since))
        .filter(f::channel.eq("sms"))
        .count()
        .get_result(conn)?;
    Ok((by_ip, sms))
}
