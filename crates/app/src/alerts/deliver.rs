//! The fan-out of an approved alert and what the dashboard shows of it.
//!
//! One `alert_fanout` job per alert walks the active subscribers a page at a time (keyset
//! pagination, so memory stays flat whatever their number) and, for each one whose topics and
//! place match, writes the delivery row and the e-mail in one transaction. The delivery row's
//! primary key (alert, recipient, channel) makes the fan-out safe to run again after a crash
//! or on two workers: nobody gets the alert twice. E-mails then go out through the mail queue
//! (retries with backoff, dead letters, per-recipient status). An exercise goes to the
//! office's staff only.

use ratusz_core::alerts::{
    Alert, AreaMatcher, Point, Status, Topic, topics_for, unsubscribe_suffix,
};
use ratusz_store::alerts::{self as repo, AlertRow, DeliveryRow, SubscriberRow};
use serde::{Deserialize, Serialize};

use super::compose::PUBLISHED;
use crate::accounts::Principal;
use crate::push::NewPush;
use crate::sms::NewSms;
use crate::{App, AppError};

/// Subscribers read per transaction.
const PAGE: i64 = 500;

#[derive(Deserialize)]
struct FanoutJob {
    alert_id: String,
}

/// What the dashboard shows for one alert.
#[derive(Debug, Clone, Default, Serialize)]
pub struct AlertStats {
    /// Recipients the fan-out wrote (one per subscriber and channel).
    pub targeted: i64,
    /// E-mails by the mail queue's status (`queued`, `sent`, `held`, `failed` …).
    pub email: Vec<(String, i64)>,
    /// Sent and failed on all channels.
    pub sent: i64,
    pub failed: i64,
    /// Seconds from approval to 95 % of the targeted messages sent, once reached.
    pub seconds_to_95: Option<f64>,
    /// The same per channel (`email`, `sms`), for the channels the alert used.
    pub channels: Vec<ChannelStats>,
    /// Delivery over time: rows of (seconds after approval, sent so far per channel in the
    /// order of `channels`).
    pub timeline: Vec<(i64, Vec<i64>)>,
    /// Staff confirmations, for an alert that needs them.
    pub confirmations: Option<super::escalate::ConfirmationStats>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct ChannelStats {
    pub channel: String,
    pub targeted: i64,
    /// Messages by status.
    pub statuses: Vec<(String, i64)>,
    pub sent: i64,
    pub failed: i64,
    pub seconds_to_95: Option<f64>,
    /// Visits of the alert's page from this channel's messages (see [`super::opens`]);
    /// `None` for a channel whose messages carry no link to the page (SMS).
    pub opened: Option<i64>,
}

/// Seconds from `approved` to the send time by which `share` of `targeted` were sent.
fn seconds_to(times: &[i64], approved: Option<i64>, targeted: i64, share: f64) -> Option<f64> {
    let need = ((targeted as f64) * share).ceil() as usize;
    match approved {
        Some(a) if need > 0 && times.len() >= need => {
            times.get(need - 1).map(|t| (t - a) as f64 / 1_000_000.0)
        }
        _ => None,
    }
}

/// Cumulative sends per channel at up to a dozen even steps from approval to the last send.
fn timeline(per_channel: &[Vec<i64>], approved: Option<i64>) -> Vec<(i64, Vec<i64>)> {
    let Some(approved) = approved else {
        return Vec::new();
    };
    let Some(last) = per_channel.iter().filter_map(|t| t.last()).max() else {
        return Vec::new();
    };
    let span = ((last - approved) / 1_000_000).max(1);
    let step = [
        1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600, 86400,
    ]
    .into_iter()
    .find(|s| span / s <= 12)
    .unwrap_or(86400);
    let mut rows = Vec::new();
    let mut at = step;
    loop {
        let cutoff = approved + at * 1_000_000;
        rows.push((
            at,
            per_channel
                .iter()
                .map(|t| t.partition_point(|x| *x <= cutoff) as i64)
                .collect(),
        ));
        if at >= span {
            break;
        }
        at += step;
    }
    rows
}

/// Whether a subscriber wants this alert: a topic in common (no topics: all) and either the
/// locality among those the alert names, or the address point inside the area, or (for a
/// subscriber of a whole locality, without a point) the locality among those the area
/// reaches (`reached`).
fn wants(
    s: &SubscriberRow,
    topics: &[Topic],
    matchers: &[AreaMatcher<'_>],
    localities: &[&str],
    reached: &[String],
) -> bool {
    let topic_ok = s.topics.trim().is_empty()
        || s.topics
            .lines()
            .filter_map(|t| Topic::parse(t.trim()))
            .any(|t| topics.contains(&t));
    if !topic_ok {
        return false;
    }
    if s.localities.lines().any(|l| localities.contains(&l.trim())) {
        return true;
    }
    match (s.lat, s.lon) {
        (Some(lat), Some(lon)) => {
            let point = Point { lat, lon };
            matchers.iter().any(|m| m.contains(point))
        }
        _ => s
            .localities
            .lines()
            .any(|l| reached.iter().any(|r| r == l.trim())),
    }
}

/// The e-mail of an alert, with the link to the alert's page and, for a subscriber, the
/// one-click unsubscribe link.
pub(crate) fn email_text(
    alert: &Alert,
    row: &AlertRow,
    base: &str,
    token: Option<&str>,
) -> (String, String) {
    let info = alert.infos.first();
    let headline = info
        .and_then(|i| i.headline.clone())
        .unwrap_or_else(|| info.map(|i| i.event.clone()).unwrap_or_default());
    let subject = format!("{}Ostrzeżenie: {headline}", kind_prefix(alert));
    let mut body = String::new();
    if let Some(i) = info {
        body.push_str(&format!("{}\n\n", headline));
        if let Some(d) = &i.description {
            body.push_str(&format!("{d}\n\n"));
        }
        if let Some(x) = &i.instruction {
            body.push_str(&format!("Co robić: {x}\n\n"));
        }
        let areas: Vec<&str> = i.areas.iter().map(|a| a.area_desc.as_str()).collect();
        body.push_str(&format!("Obszar: {}\n", areas.join("; ")));
        let warsaw = ratusz_core::clock::warsaw_text;
        if let Some(o) = i.onset {
            body.push_str(&format!("Od: {}\n", warsaw(o)));
        }
        if let Some(e) = i.expires {
            body.push_str(&format!("Do: {}\n", warsaw(e)));
        }
    }
    // `z=e`: the page counts visits from e-mails (see `opens`), nothing per person.
    body.push_str(&format!("\nSzczegóły: {base}/ostrzezenia/{}?z=e\n", row.id));
    if let Some(t) = token {
        body.push_str(&format!(
            "\nNie chcesz dostawać ostrzeżeń? Wypisz się jednym kliknięciem: {base}/ostrzezenia/wypisz/{t}\nZmień ustawienia: {base}/ostrzezenia/subskrypcja/{t}\n"
        ));
    }
    (subject, body)
}

/// The subject line's prefix for an exercise, an update or a cancellation.
fn kind_prefix(alert: &Alert) -> &'static str {
    match (alert.status, alert.msg_type.as_str()) {
        (Status::Exercise, _) => "[ĆWICZENIA] ",
        (_, "Cancel") => "[ODWOŁANE] ",
        (_, "Update") => "[AKTUALIZACJA] ",
        _ => "",
    }
}

/// The most characters of a push notification's body: phones show three or four lines; the
/// whole alert is one tap away on its page.
const PUSH_BODY_CHARS: usize = 240;

/// Shortens `text` to `max` characters at a word boundary, marking the cut with "…".
fn shorten(text: &str, max: usize) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max {
        return flat;
    }
    let cut: String = flat.chars().take(max.saturating_sub(1)).collect();
    let at = cut.rfind(' ').filter(|i| *i > max / 2).unwrap_or(cut.len());
    format!("{}…", cut[..at].trim_end())
}

/// The notification a browser shows (JSON read by the service worker, `/sw.js`): title,
/// body, the alert's page, the subscription's settings and one-click unsubscribe pages, and
/// the alert's identifier as a tag (a repeat replaces, not doubles, the notification); a
/// severe alert stays on screen until dismissed; buttons to unsubscribe and to the settings.
pub(crate) fn push_payload(alert: &Alert, row: &AlertRow, base: &str, token: &str) -> String {
    let info = alert.infos.first();
    let headline = info
        .and_then(|i| i.headline.clone())
        .unwrap_or_else(|| info.map(|i| i.event.clone()).unwrap_or_default());
    let text = info
        .and_then(|i| i.instruction.clone().or_else(|| i.description.clone()))
        .unwrap_or_default();
    serde_json::json!({
        "title": format!("{}{headline}", kind_prefix(alert)),
        "body": shorten(&text, PUSH_BODY_CHARS),
        "url": format!("{base}/ostrzezenia/{}?z=p", row.id),
        "settings": format!("{base}/ostrzezenia/subskrypcja/{token}"),
        "unsubscribe": format!("{base}/ostrzezenia/wypisz/{token}"),
        "tag": row.identifier,
        "lang": "pl",
        "require_interaction": severe(alert),
        "actions": [
            {"action": "unsubscribe", "title": "Wypisz się"},
            {"action": "settings", "title": "Ustawienia"},
        ],
    })
    .to_string()
}

/// Whether the alert is severe or extreme (a notification that stays on screen, sent with
/// high urgency).
fn severe(alert: &Alert) -> bool {
    use ratusz_core::alerts::Severity;
    alert
        .infos
        .first()
        .is_some_and(|i| matches!(i.severity, Severity::Extreme | Severity::Severe))
}

/// RFC 8030's urgency and time to live of an alert's push messages: `high` for extreme and
/// severe alerts; kept by the push service until the alert expires (one minute to a day).
fn push_delivery(alert: &Alert, now: i64) -> (&'static str, i64) {
    let info = alert.infos.first();
    let urgent = severe(alert);
    let now_s = now / 1_000_000;
    let ttl = info
        .and_then(|i| i.expires)
        .map(|e| e.unix_timestamp() - now_s)
        .unwrap_or(12 * 3600)
        .clamp(60, 24 * 3600);
    (if urgent { "high" } else { "normal" }, ttl)
}

/// The ids of the office's staff (every role but resident), optionally of one unit only.
pub(crate) fn staff_ids(
    conn: &mut ratusz_store::Db,
    tenant_id: &str,
    unit_id: Option<&str>,
) -> Result<Vec<String>, AppError> {
    let mut users: Vec<String> = ratusz_store::accounts::all_roles(conn, tenant_id)?
        .into_iter()
        .filter(|r| r.role != "resident" && unit_id.is_none_or(|u| r.unit_id.as_deref() == Some(u)))
        .map(|r| r.user_id)
        .collect();
    users.sort();
    users.dedup();
    Ok(users)
}

/// E-mails an alert to members of staff not reached yet, in the caller's transaction, one
/// delivery each. `stage` 0 is an exercise (`staff:` recipients); a stage of escalation
/// (`duty:` recipients) gives each a confirmation link, which `body` receives to put in.
pub(crate) fn mail_staff(
    conn: &mut ratusz_store::Db,
    row: &AlertRow,
    users: &[String],
    stage: i32,
    subject: &str,
    body: impl Fn(Option<&str>) -> String,
    now: i64,
) -> Result<usize, AppError> {
    let tenant_id = row.tenant_id.as_str();
    let prefix = if stage == 0 { "staff" } else { "duty" };
    let mut n = 0;
    for id in users {
        let recipient = format!("{prefix}:{id}");
        if repo::delivery_exists(conn, &row.id, &recipient, "email")? {
            continue;
        }
        let Some(user) = ratusz_store::accounts::user(conn, tenant_id, id)? else {
            continue;
        };
        let token = (stage > 0).then(|| crate::accounts::random_token(24));
        let text = body(token.as_deref());
        let mail_id = crate::mail::enqueue(conn, tenant_id, &user.email, subject, &text, now)?;
        repo::insert_delivery(
            conn,
            &DeliveryRow {
                tenant_id: tenant_id.to_owned(),
                alert_id: row.id.clone(),
                recipient,
                channel: "email".into(),
                address: user.email.clone(),
                mail_id: Some(mail_id),
                created_at: now,
                sms_id: None,
                confirm_token: token,
                confirmed_at: None,
                stage,
                push_id: None,
            },
        )?;
        n += 1;
    }
    Ok(n)
}

impl App {
    /// Runs one `alert_fanout` job.
    pub fn run_alert_fanout(&self, tenant_id: &str, payload: &str) -> Result<(), String> {
        let job: FanoutJob = serde_json::from_str(payload).map_err(|e| e.to_string())?;
        self.fan_out(tenant_id, &job.alert_id)
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    /// Writes the deliveries of a published alert; returns how many were new.
    pub fn fan_out(&self, tenant_id: &str, alert_id: &str) -> Result<usize, AppError> {
        let Some(row) = self
            .store
            .read(|c| Ok::<_, AppError>(repo::alert(c, tenant_id, alert_id)?))?
        else {
            return Ok(0);
        };
        if row.workflow != PUBLISHED {
            return Ok(0);
        }
        let alert: Alert =
            serde_json::from_str(&row.cap).map_err(|e| AppError::Internal(e.to_string()))?;
        let base = self.settings.public_url.trim_end_matches('/').to_owned();
        let mut written = 0;
        if alert.status == Status::Exercise {
            written += self.fan_out_to_staff(&row, &alert, &base)?;
        } else {
            let topics: Vec<Topic> = alert.infos.iter().flat_map(topics_for).collect();
            let areas: Vec<_> = alert.infos.iter().flat_map(|i| i.areas.iter()).collect();
            let matchers: Vec<AreaMatcher<'_>> =
                areas.iter().map(|a| AreaMatcher::new(a)).collect();
            // Residents who chose a whole locality get an alert whose area reaches any of its
            // addresses, as well as one sent to the locality by name.
            let mut reached = self.localities_reached(tenant_id, &matchers)?;
            // Places by name: a locality also names its districts; a district reaches those
            // who chose its whole locality (not the other districts' addresses).
            let districts = self
                .store
                .read(|c| Ok::<_, AppError>(repo::districts(c, tenant_id)?))?;
            let chosen_places: Vec<&str> = row.localities.lines().map(str::trim).collect();
            let mut names: Vec<String> = chosen_places.iter().map(|l| (*l).to_owned()).collect();
            for (l, d) in &districts {
                let place = super::place_of(l, d);
                if chosen_places.contains(&l.as_str()) {
                    names.push(place);
                } else if chosen_places.contains(&place.as_str()) && !reached.contains(l) {
                    reached.push(l.clone());
                }
            }
            let localities: Vec<&str> = names.iter().map(String::as_str).collect();
            let mut after = String::new();
            loop {
                let page = self.store.read(|c| {
                    Ok::<_, AppError>(repo::active_subscribers(c, tenant_id, &after, PAGE)?)
                })?;
                let Some(last) = page.last() else { break };
                after = last.id.clone();
                let chosen: Vec<&SubscriberRow> = page
                    .iter()
                    .filter(|s| wants(s, &topics, &matchers, &localities, &reached))
                    .collect();
                let now = self.now_ts();
                written += self.store.write(|conn| {
                    let mut n = 0;
                    for channel in ["email", "sms", "push"] {
                        let of_channel: Vec<&SubscriberRow> = chosen
                            .iter()
                            .copied()
                            .filter(|s| s.channel == channel)
                            .collect();
                        let (Some(first), Some(last)) = (page.first(), page.last()) else {
                            continue;
                        };
                        let done =
                            repo::delivered_in_range(conn, &row.id, channel, &first.id, &last.id)?;
                        let fresh: Vec<&SubscriberRow> = of_channel
                            .into_iter()
                            .filter(|s| !done.contains(&s.id))
                            .collect();
                        n += fresh.len();
                        self.write_deliveries(conn, &alert, &row, &base, channel, &fresh, now)?;
                    }
                    Ok::<_, AppError>(n)
                })?;
                if (page.len() as i64) < PAGE {
                    break;
                }
            }
        }
        // An alert that needs confirmation goes to the first group on duty too.
        if let Some(esc) = row
            .escalation
            .as_deref()
            .and_then(|e| serde_json::from_str::<super::escalate::Escalation>(e).ok())
            && row.escalation_stage == 0
        {
            let (subject, body) = email_text(&alert, &row, &base, None);
            let now = self.now_ts();
            written += self
                .store
                .write(|conn| self.alert_group(conn, &row, &esc, 1, (&subject, &body), now))?;
        }
        let now = self.now_ts();
        self.store.write(|conn| {
            if let Some(mut r) = repo::alert(conn, tenant_id, &row.id)?
                && r.fanned_out_at.is_none()
            {
                r.fanned_out_at = Some(now);
                repo::update_alert(conn, &r)?;
            }
            Ok::<_, AppError>(())
        })?;
        tracing::info!(alert = %row.identifier, recipients = written, "alert fanned out");
        Ok(written)
    }

    /// The localities with at least one address point inside the areas.
    fn localities_reached(
        &self,
        tenant_id: &str,
        matchers: &[AreaMatcher<'_>],
    ) -> Result<Vec<String>, AppError> {
        if matchers.is_empty() {
            return Ok(Vec::new());
        }
        let points = self
            .store
            .read(|c| Ok::<_, AppError>(repo::point_localities(c, tenant_id)?))?;
        let mut reached: Vec<String> = Vec::new();
        for (locality, district, lat, lon) in points {
            let place = (!district.is_empty()).then(|| super::place_of(&locality, &district));
            let known =
                reached.contains(&locality) && place.as_ref().is_none_or(|p| reached.contains(p));
            if known || !matchers.iter().any(|m| m.contains(Point { lat, lon })) {
                continue;
            }
            if !reached.contains(&locality) {
                reached.push(locality);
            }
            if let Some(p) = place.filter(|p| !reached.contains(p)) {
                reached.push(p);
            }
        }
        Ok(reached)
    }

    /// Writes one page's deliveries on one channel and their messages, in the caller's
    /// transaction: e-mails in batches of the mail queue, SMS in batches of the SMS outbox
    /// (one template, each subscriber's unsubscribe code as the gateway's parameter).
    #[allow(clippy::too_many_arguments)]
    fn write_deliveries(
        &self,
        conn: &mut ratusz_store::Db,
        alert: &Alert,
        row: &AlertRow,
        base: &str,
        channel: &str,
        fresh: &[&SubscriberRow],
        now: i64,
    ) -> Result<(), AppError> {
        let tenant_id = row.tenant_id.as_str();
        // (mail, sms, push) message id of each subscriber, in order.
        let ids: Vec<(Option<String>, Option<String>, Option<String>)> = match channel {
            "sms" => {
                let template = format!(
                    "{}{}",
                    row.sms_text,
                    unsubscribe_suffix(base, ratusz_store::sms::PLACEHOLDER)
                );
                let messages: Vec<NewSms> = fresh
                    .iter()
                    .map(|s| NewSms {
                        to: s.address.clone(),
                        template: template.clone(),
                        param: s.short_code.clone().unwrap_or_default(),
                    })
                    .collect();
                crate::sms::enqueue_batch(conn, tenant_id, &messages, now)?
                    .into_iter()
                    .map(|id| (None, Some(id), None))
                    .collect()
            }
            "push" => {
                let (urgency, ttl_secs) = push_delivery(alert, now);
                let messages: Vec<NewPush> = fresh
                    .iter()
                    .map(|s| NewPush {
                        subscriber_id: s.id.clone(),
                        endpoint: s.address.clone(),
                        p256dh: s.push_p256dh.clone().unwrap_or_default(),
                        auth: s.push_auth.clone().unwrap_or_default(),
                        payload: push_payload(alert, row, base, &s.token),
                        urgency,
                        ttl_secs,
                    })
                    .collect();
                crate::push::enqueue_batch(conn, tenant_id, &messages, now)?
                    .into_iter()
                    .map(|id| (None, None, Some(id)))
                    .collect()
            }
            _ => {
                let messages: Vec<(String, String, String)> = fresh
                    .iter()
                    .map(|s| {
                        let (subject, body) = email_text(alert, row, base, Some(&s.token));
                        (s.address.clone(), subject, body)
                    })
                    .collect();
                crate::mail::enqueue_batch(conn, tenant_id, &messages, now)?
                    .into_iter()
                    .map(|id| (Some(id), None, None))
                    .collect()
            }
        };
        let rows: Vec<DeliveryRow> = fresh
            .iter()
            .zip(ids)
            .map(|(s, (mail_id, sms_id, push_id))| DeliveryRow {
                tenant_id: tenant_id.to_owned(),
                alert_id: row.id.clone(),
                recipient: s.id.clone(),
                channel: s.channel.clone(),
                address: s.address.clone(),
                mail_id,
                created_at: now,
                sms_id,
                confirm_token: None,
                confirmed_at: None,
                stage: 0,
                push_id,
            })
            .collect();
        repo::insert_deliveries(conn, &rows)?;
        Ok(())
    }

    /// An exercise: every member of staff with an e-mail, nobody else.
    fn fan_out_to_staff(
        &self,
        row: &AlertRow,
        alert: &Alert,
        base: &str,
    ) -> Result<usize, AppError> {
        let now = self.now_ts();
        let (subject, body) = email_text(alert, row, base, None);
        self.store.write(|conn| {
            let users = staff_ids(conn, &row.tenant_id, None)?;
            mail_staff(conn, row, &users, 0, &subject, |_| body.clone(), now)
        })
    }

    /// The dashboard's figures for an alert.
    pub fn alert_stats(&self, p: &Principal, id: &str) -> Result<AlertStats, AppError> {
        let row = self.alert(p, id)?;
        // This node's counted visits first, so the figure is current (other nodes write theirs
        // within seconds).
        if let Err(e) = self.flush_alert_opens() {
            tracing::warn!("alert opens: {e}");
        }
        self.store.read(|c| {
            let targeted = repo::count_deliveries(c, &p.tenant_id, &row.id)?;
            let opens = repo::opens_by_channel(c, &p.tenant_id, &row.id)?;
            let mut stats = AlertStats {
                targeted,
                ..AlertStats::default()
            };
            let mut all_times = Vec::new();
            let mut per_channel = Vec::new();
            for channel in ["email", "sms", "push"] {
                let statuses = repo::channel_statuses(c, &p.tenant_id, &row.id, channel)?;
                let count = |pick: &dyn Fn(&str) -> bool| -> i64 {
                    statuses
                        .iter()
                        .filter(|(s, _)| pick(s))
                        .map(|(_, n)| n)
                        .sum()
                };
                let ch_targeted = count(&|_| true);
                if channel == "email" {
                    stats.email = statuses.clone();
                }
                if ch_targeted == 0 {
                    continue;
                }
                let times = repo::channel_sent_times(c, &p.tenant_id, &row.id, channel)?;
                let sent = count(&|s| s == "sent");
                let failed = count(&|s| s == "failed" || s == "dead");
                stats.sent += sent;
                stats.failed += failed;
                stats.channels.push(ChannelStats {
                    channel: channel.to_owned(),
                    targeted: ch_targeted,
                    statuses,
                    sent,
                    failed,
                    seconds_to_95: seconds_to(&times, row.approved_at, ch_targeted, 0.95),
                    opened: super::opens::channel_of(match channel {
                        "email" => "e",
                        "push" => "p",
                        _ => "",
                    })
                    .map(|_| {
                        opens
                            .iter()
                            .find(|(c, _)| c == channel)
                            .map_or(0, |(_, n)| *n)
                    }),
                });
                all_times.extend_from_slice(&times);
                per_channel.push(times);
            }
            all_times.sort_unstable();
            stats.seconds_to_95 = seconds_to(&all_times, row.approved_at, targeted, 0.95);
            stats.timeline = timeline(&per_channel, row.approved_at);
            stats.confirmations = self.confirmation_stats(c, &row)?;
            Ok::<_, AppError>(stats)
        })
    }

    /// Published alerts for the public page, newest first.
    pub fn public_alerts(&self, tenant_id: &str) -> Result<Vec<(AlertRow, Alert)>, AppError> {
        let rows = self
            .store
            .read(|c| Ok::<_, AppError>(repo::alerts_in(c, tenant_id, &[PUBLISHED], 200)?))?;
        Ok(rows
            .into_iter()
            .filter_map(|r| serde_json::from_str::<Alert>(&r.cap).ok().map(|a| (r, a)))
            .filter(|(_, a)| a.status != Status::Exercise)
            .collect())
    }

    /// The CAP 1.2 XML of a published alert.
    pub fn public_alert_cap(&self, tenant_id: &str, id: &str) -> Result<Option<String>, AppError> {
        Ok(self
            .public_alert(tenant_id, id)?
            .map(|(_, a)| ratusz_documents::cap::write_cap(&a)))
    }

    /// The Atom feed of published alerts: each entry links the alert's page and its CAP XML
    /// under `base` (the site's public URL).
    pub fn public_alerts_atom(
        &self,
        tenant_id: &str,
        base: &str,
        title: &str,
        author: &str,
    ) -> Result<String, AppError> {
        let rows = self.public_alerts(tenant_id)?;
        let urls: Vec<(String, String)> = rows
            .iter()
            .map(|(r, _)| {
                (
                    format!("{base}/ostrzezenia/{}", r.id),
                    format!("{base}/ostrzezenia/{}/cap.xml", r.id),
                )
            })
            .collect();
        let entries: Vec<ratusz_documents::cap::AtomEntry<'_>> = rows
            .iter()
            .zip(&urls)
            .map(|((_, a), (page, cap))| ratusz_documents::cap::AtomEntry {
                alert: a,
                page_url: page,
                cap_url: cap,
            })
            .collect();
        let self_url = format!("{base}/ostrzezenia.atom");
        let page_url = format!("{base}/ostrzezenia");
        Ok(ratusz_documents::cap::write_atom(
            &ratusz_documents::cap::AtomFeed {
                id: &self_url,
                title,
                self_url: &self_url,
                page_url: &page_url,
                author,
                updated: self.clock.now(),
            },
            &entries,
        ))
    }

    /// One published alert (public), with its CAP message.
    pub fn public_alert(
        &self,
        tenant_id: &str,
        id: &str,
    ) -> Result<Option<(AlertRow, Alert)>, AppError> {
        Ok(self
            .public_alerts(tenant_id)?
            .into_iter()
            .find(|(r, _)| r.id == id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sub(topics: &str, localities: &str, at: Option<(f64, f64)>) -> SubscriberRow {
        SubscriberRow {
            id: "s".into(),
            tenant_id: "t".into(),
            channel: "email".into(),
            address: "a@example.pl".into(),
            topics: topics.into(),
            localities: localities.into(),
            lat: at.map(|p| p.0),
            lon: at.map(|p| p.1),
            place_label: String::new(),
            status: "active".into(),
            token: "x".into(),
            created_at: 0,
            confirmed_at: None,
            unsubscribed_at: None,
            confirm_code: None,
            confirm_attempts: 0,
            short_code: None,
            push_p256dh: None,
            push_auth: None,
        }
    }

    #[test]
    fn subscribers_match_by_topic_and_place() {
        let mut area = ratusz_core::alerts::Area::new("pole");
        area.polygons.push(ratusz_core::alerts::Polygon::new(vec![
            Point {
                lat: 50.0,
                lon: 19.0,
            },
            Point {
                lat: 50.0,
                lon: 19.1,
            },
            Point {
                lat: 50.1,
                lon: 19.1,
            },
            Point {
                lat: 50.1,
                lon: 19.0,
            },
            Point {
                lat: 50.0,
                lon: 19.0,
            },
        ]));
        let matchers = vec![AreaMatcher::new(&area)];
        let weather = [Topic::Weather];
        let inside = Some((50.05, 19.05));
        let outside = Some((50.5, 19.05));
        assert!(wants(
            &sub("", "Wola", inside),
            &weather,
            &matchers,
            &[],
            &[]
        ));
        assert!(wants(
            &sub("weather", "Wola", inside),
            &weather,
            &matchers,
            &[],
            &[]
        ));
        assert!(!wants(
            &sub("events", "Wola", inside),
            &weather,
            &matchers,
            &[],
            &[]
        ));
        assert!(!wants(
            &sub("", "Wola", outside),
            &weather,
            &matchers,
            &[],
            &[]
        ));
        assert!(wants(
            &sub("", "Wola", outside),
            &weather,
            &matchers,
            &["Wola"],
            &[]
        ));
        assert!(wants(
            &sub("", "Wola", None),
            &weather,
            &matchers,
            &["Wola"],
            &[]
        ));
        assert!(!wants(
            &sub("", "Dobra", None),
            &weather,
            &matchers,
            &["Wola"],
            &[]
        ));
        // The area reaches Wola: its whole-locality subscribers get the alert, those with an
        // address point outside the area do not.
        let reached = ["Wola".to_owned()];
        assert!(wants(
            &sub("", "Wola", None),
            &weather,
            &matchers,
            &[],
            &reached
        ));
        assert!(!wants(
            &sub("", "Wola", outside),
            &weather,
            &matchers,
            &[],
            &reached
        ));
        assert!(!wants(
            &sub("", "Dobra", None),
            &weather,
            &matchers,
            &[],
            &reached
        ));
    }

    #[test]
    fn the_timeline_counts_sends_per_channel_at_even_steps() {
        let approved = 1_000_000_000;
        let at = |secs: f64| approved + (secs * 1_000_000.0) as i64;
        let email = vec![at(0.5), at(1.5), at(3.0), at(9.0)];
        let sms = vec![at(2.0), at(2.5)];
        let rows = timeline(&[email, sms], Some(approved));
        assert_eq!(rows.first(), Some(&(1, vec![1, 0])));
        assert_eq!(rows.iter().find(|r| r.0 == 3), Some(&(3, vec![3, 2])));
        assert_eq!(rows.last(), Some(&(9, vec![4, 2])));
        assert!(timeline(&[vec![]], Some(approved)).is_empty());
        assert_eq!(
            seconds_to(&[at(1.0), at(2.0)], Some(approved), 2, 0.95),
            Some(2.0)
        );
        assert_eq!(seconds_to(&[at(1.0)], Some(approved), 2, 0.95), None);
    }
}
