//! After submission: messages between the resident and the office on a matter (with files),
//! answers to requests to remedy deficiencies given in place, and letters delivered to the
//! portal inbox with their proof of delivery.
//!
//! A resident's message is correspondence from a party, so it is registered like any other:
//! an incoming item of channel `portal` with the text and files as documents, joined to the
//! matter's case when the case is open (case log "item.joined"), otherwise left with the unit.
//!
//! A letter dispatched with method `portal` lands in the inbox; it is delivered when the
//! resident first opens it (the opening time is recorded in the case log) or, left unopened,
//! on the 14th day after it was placed there (set by [`App::portal_sweep`]; modelled on the
//! e-Delivery rule, ustawa o doręczeniach elektronicznych art. 41). For a request to remedy
//! deficiencies the resident's term (KPA art. 64 § 2) runs from that delivery.

use ratusz_core::cases::deficiency_deadline;
use ratusz_core::clock::warsaw_date;
use ratusz_core::roles::Permission;
use ratusz_store::casefiles::{self as files_repo, DocumentRow};
use ratusz_store::cases::{self as cases_repo, CaseRow};
use ratusz_store::eservices::SubmissionRow;
use ratusz_store::eservices::contact::{self as repo, DeliveryRow, MessageRow};
use ratusz_store::registry::{self as reg, IncomingItemRow};
use ratusz_store::{Db, from_ts, new_id};
use serde::Serialize;
use serde_json::json;

use super::notify::{self, Event};
use crate::accounts::Principal;
use crate::audit::{Actor, record};
use crate::casefiles::Content;
use crate::cases::{ensure_open, join_item_in, lock_for_handling, log};
use crate::registry::kinds::{DocumentKind, DocumentStatus};
use crate::registry::upload::{CheckedFile, Upload};
use crate::registry::{iso, require};
use crate::{App, AppError};

/// The longest message accepted.
pub const MAX_MESSAGE_CHARS: usize = 5_000;
/// Files per message.
pub const MAX_MESSAGE_FILES: usize = 10;
/// Days after which an unopened letter counts as delivered.
pub const DEEMED_AFTER_DAYS: i64 = 14;
const DAY_US: i64 = 86_400 * 1_000_000;

/// A message with its files, as either side sees it.
#[derive(Debug, Clone, Serialize)]
pub struct ThreadMessage {
    #[serde(flatten)]
    pub row: MessageRow,
    /// (document id, file name).
    pub files: Vec<(String, String)>,
}

/// Where a delivered letter stands: `waiting`, `opened` or `deemed`.
pub fn delivery_state(d: &DeliveryRow) -> &'static str {
    if d.opened_at.is_some() {
        "opened"
    } else if d.deemed_at.is_some() {
        "deemed"
    } else {
        "waiting"
    }
}

/// A case's portal matter as the office sees it: the submission, the thread, the deliveries.
pub type CasePortal = (SubmissionRow, Vec<ThreadMessage>, Vec<DeliveryRow>);

/// What the sweep did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SweepReport {
    pub deemed: usize,
    pub reminders: usize,
}

fn message_body(body: &str, has_files: bool) -> Result<String, AppError> {
    let body = body.trim();
    if body.chars().count() > MAX_MESSAGE_CHARS {
        return Err(AppError::field(
            "body",
            "too-long",
            format!(
                "Wiadomość jest za długa: najwyżej {MAX_MESSAGE_CHARS} znaków. Dłuższy tekst dołącz jako plik."
            ),
            format!(
                "The message is too long: at most {MAX_MESSAGE_CHARS} characters. Attach a longer text as a file."
            ),
        ));
    }
    if body.is_empty() && !has_files {
        return Err(AppError::field(
            "body",
            "empty",
            "Wpisz treść wiadomości albo dołącz plik.",
            "Write a message or attach a file.",
        ));
    }
    Ok(body.to_owned())
}

fn too_many_files() -> AppError {
    AppError::field(
        "files",
        "too-many",
        format!("Do jednej wiadomości dołącz najwyżej {MAX_MESSAGE_FILES} plików."),
        format!("Attach at most {MAX_MESSAGE_FILES} files to one message."),
    )
}

/// The case of a matter (through its item), if the office opened one.
pub(crate) fn case_of(conn: &mut Db, sub: &SubmissionRow) -> Result<Option<CaseRow>, AppError> {
    let item = reg::incoming(conn, &sub.tenant_id, &sub.incoming_item_id)?;
    Ok(match item.and_then(|i| i.case_id) {
        Some(id) => cases_repo::get(conn, &sub.tenant_id, &id)?,
        None => None,
    })
}

fn thread(conn: &mut Db, tenant_id: &str, sub_id: &str) -> Result<Vec<ThreadMessage>, AppError> {
    let rows = repo::messages_of(conn, tenant_id, sub_id)?;
    let files = repo::message_files(conn, tenant_id, sub_id)?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let files = files
                .iter()
                .filter(|(m, _, _)| *m == row.id)
                .map(|(_, d, t)| (d.clone(), t.clone()))
                .collect();
            ThreadMessage { row, files }
        })
        .collect())
}

impl App {
    /// A message's text and files, checked: not empty, not too long, not too many files,
    /// each file of an allowed type and size.
    fn message_parts(
        &self,
        p: &Principal,
        body: &str,
        uploads: Vec<Upload>,
    ) -> Result<(String, Vec<CheckedFile>), AppError> {
        let uploads: Vec<Upload> = uploads
            .into_iter()
            .filter(|u| !u.bytes.is_empty())
            .collect();
        if uploads.len() > MAX_MESSAGE_FILES {
            return Err(too_many_files());
        }
        let body = message_body(body, !uploads.is_empty())?;
        Ok((body, self.check_uploads(p, uploads)?))
    }

    /// The resident writes to the office on one of their matters. `supplement` marks an answer
    /// to a request to remedy deficiencies (only where such a request was delivered).
    pub fn send_message(
        &self,
        p: &Principal,
        submission_id: &str,
        body: &str,
        supplement: bool,
        uploads: Vec<Upload>,
    ) -> Result<MessageRow, AppError> {
        let sub = self.my_submission(p, submission_id)?;
        let (body, checked) = self.message_parts(p, body, uploads)?;
        let mut all = Vec::with_capacity(checked.len() + 1);
        if !body.is_empty() {
            all.push(CheckedFile {
                file_name: if supplement {
                    "uzupelnienie.txt".into()
                } else {
                    "wiadomosc.txt".into()
                },
                media_type: "text/plain".into(),
                bytes: body.as_bytes().to_vec(),
            });
        }
        let has_body = !body.is_empty();
        all.extend(checked);
        let stored = self.store_blobs(&p.tenant_id, &all)?;
        let today = self.clock.today_warsaw();
        let now = self.now_ts();
        let row = self.store.write(|conn| {
            let case = match case_of(conn, &sub)? {
                Some(c) => cases_repo::lock(conn, &sub.tenant_id, &c.id)?,
                None => None,
            };
            if supplement {
                let asked = repo::deliveries_of(conn, &sub.tenant_id, &sub.id)?
                    .iter()
                    .any(|d| d.document_kind == DocumentKind::DeficiencyNotice.as_str());
                if !asked {
                    return Err(AppError::field(
                        "kind",
                        "no-request",
                        "Urząd nie wzywał do uzupełnienia braków w tej sprawie; wyślij zwykłą wiadomość.",
                        "The office has not asked for missing documents in this matter; send an ordinary message.",
                    ));
                }
            }
            let first = reg::incoming(conn, &sub.tenant_id, &sub.incoming_item_id)?
                .ok_or(AppError::NotFound)?;
            let year = today.year();
            let number = reg::next_number(conn, &sub.tenant_id, &format!("rpw:{year}"))?;
            let title = match (&case, supplement) {
                (Some(c), true) => format!("Uzupełnienie braków — {}", c.sign),
                (None, true) => format!("Uzupełnienie braków — {}", sub.receipt_number),
                (Some(c), false) => format!("Wiadomość w sprawie {}", c.sign),
                (None, false) => format!("Wiadomość do wniosku {}", sub.receipt_number),
            };
            let open_case = case.as_ref().filter(|c| ensure_open(c).is_ok());
            let item = IncomingItemRow {
                id: new_id(),
                tenant_id: sub.tenant_id.clone(),
                year,
                number,
                item_ref: crate::registry::incoming::item_ref(year, number),
                channel: "portal".into(),
                kind: "letter".into(),
                title,
                sender_name: p.user.display_name.clone(),
                sender_address: first.sender_address.clone(),
                sender_reference: Some(sub.receipt_number.clone()),
                letter_date: Some(iso(today)),
                received_on: iso(today),
                registered_at: now,
                registered_by: p.user.id.clone(),
                access_level: first.access_level.clone(),
                attachments_count: i32::try_from(all.len() - usize::from(has_body))
                    .unwrap_or(i32::MAX),
                paper_store_no: None,
                unit_id: case
                    .as_ref()
                    .map(|c| c.unit_id.clone())
                    .or(first.unit_id.clone()),
                handler_id: case.as_ref().and_then(|c| c.handler_id.clone()),
                case_id: None,
                notes: String::new(),
            };
            reg::insert_incoming(conn, &item)?;
            let mut docs = Vec::new();
            for (file, blob) in all.iter().zip(&stored) {
                docs.push(crate::registry::incoming::insert_filed_document(
                    conn, &item, file, blob, &p.user.id, now,
                )?);
            }
            if let Some(c) = open_case {
                join_item_in(conn, &p.actor(), &item, c, now)?;
            }
            let row = MessageRow {
                id: new_id(),
                tenant_id: sub.tenant_id.clone(),
                submission_id: sub.id.clone(),
                direction: "in".into(),
                kind: if supplement { "supplement" } else { "message" }.into(),
                body: body.clone(),
                author_id: p.user.id.clone(),
                incoming_item_id: Some(item.id.clone()),
                created_at: now,
                read_at: None,
            };
            repo::insert_message(conn, &row)?;
            // The text is the message itself; only the attached files are listed with it.
            for d in docs.iter().skip(usize::from(has_body)) {
                repo::insert_message_file(conn, &sub.tenant_id, &row.id, &d.id)?;
            }
            record(
                conn,
                &sub.tenant_id,
                &p.actor(),
                if supplement {
                    "portal.supplement"
                } else {
                    "portal.message"
                },
                ("submission", Some(&sub.id)),
                json!({"item_ref": item.item_ref, "files": docs.len()}),
                now,
            )?;
            reg::record_change(conn, &sub.tenant_id, "item", &item.id, now)?;
            Ok::<_, AppError>(row)
        })?;
        self.search_nudge();
        Ok(row)
    }

    /// The thread of a matter for its resident; the office's messages count as read.
    pub fn matter_messages(
        &self,
        p: &Principal,
        submission_id: &str,
    ) -> Result<Vec<ThreadMessage>, AppError> {
        let sub = self.my_submission(p, submission_id)?;
        let now = self.now_ts();
        self.store.write(|c| {
            repo::mark_messages_read(c, &sub.tenant_id, &sub.id, "out", now)?;
            thread(c, &sub.tenant_id, &sub.id)
        })
    }

    /// Letters delivered to a matter's inbox, oldest first.
    pub fn matter_deliveries(
        &self,
        p: &Principal,
        submission_id: &str,
    ) -> Result<Vec<DeliveryRow>, AppError> {
        let sub = self.my_submission(p, submission_id)?;
        self.store
            .read(|c| Ok(repo::deliveries_of(c, &sub.tenant_id, &sub.id)?))
    }

    /// A file of the matter's messages (either side's).
    pub fn matter_file(
        &self,
        p: &Principal,
        submission_id: &str,
        document_id: &str,
    ) -> Result<Content, AppError> {
        let sub = self.my_submission(p, submission_id)?;
        let doc = self.store.read(|c| {
            if !repo::is_message_file(c, &sub.tenant_id, &sub.id, document_id)? {
                return Err(AppError::NotFound);
            }
            files_repo::get(c, &sub.tenant_id, document_id)?.ok_or(AppError::NotFound)
        })?;
        self.version_content(&doc.tenant_id, &doc.id, doc.current_version)
    }

    /// The resident opens a delivered letter: the first opening is the delivery, recorded in
    /// the case log with its time; for a request to remedy deficiencies the term starts.
    pub fn open_delivery(
        &self,
        p: &Principal,
        submission_id: &str,
        delivery_id: &str,
    ) -> Result<Content, AppError> {
        let sub = self.my_submission(p, submission_id)?;
        let now = self.now_ts();
        let doc = self.store.write(|conn| {
            let d = repo::delivery(conn, &sub.tenant_id, delivery_id)?
                .filter(|d| d.submission_id == sub.id)
                .ok_or(AppError::NotFound)?;
            if repo::mark_opened(conn, &sub.tenant_id, &d.id, now)? {
                record_delivery(conn, &p.actor(), &d, now, false)?;
            }
            files_repo::get(conn, &sub.tenant_id, &d.document_id)?.ok_or(AppError::NotFound)
        })?;
        self.version_content(&doc.tenant_id, &doc.id, doc.current_version)
    }

    /// The office writes to the resident on a case that came from the portal.
    pub fn office_message(
        &self,
        p: &Principal,
        case_id: &str,
        body: &str,
        uploads: Vec<Upload>,
    ) -> Result<MessageRow, AppError> {
        let (body, checked) = self.message_parts(p, body, uploads)?;
        // The text goes into the case file too (as the resident's messages do), so the akta
        // hold both sides of the correspondence.
        let has_body = !body.is_empty();
        let mut all = Vec::with_capacity(checked.len() + 1);
        if has_body {
            all.push(CheckedFile {
                file_name: "wiadomosc-do-wnioskodawcy.txt".into(),
                media_type: "text/plain".into(),
                bytes: body.as_bytes().to_vec(),
            });
        }
        all.extend(checked);
        let stored = self.store_blobs(&p.tenant_id, &all)?;
        let now = self.now_ts();
        self.store.write(|conn| {
            let case = lock_for_handling(conn, p, case_id)?;
            ensure_open(&case)?;
            let sub =
                repo::submission_for_case(conn, &case.tenant_id, &case.id)?.ok_or_else(|| {
                    AppError::field(
                        "body",
                        "not-portal",
                        "Ta sprawa nie została złożona przez portal; odpowiedz pismem.",
                        "This case did not come through the portal; answer with a letter.",
                    )
                })?;
            let row = MessageRow {
                id: new_id(),
                tenant_id: case.tenant_id.clone(),
                submission_id: sub.id.clone(),
                direction: "out".into(),
                kind: "message".into(),
                body: body.clone(),
                author_id: p.user.id.clone(),
                incoming_item_id: None,
                created_at: now,
                read_at: None,
            };
            repo::insert_message(conn, &row)?;
            for (i, (file, blob)) in all.iter().zip(&stored).enumerate() {
                let is_text = has_body && i == 0;
                let doc = DocumentRow {
                    id: new_id(),
                    tenant_id: case.tenant_id.clone(),
                    case_id: Some(case.id.clone()),
                    incoming_item_id: None,
                    title: if is_text {
                        format!(
                            "Wiadomość do wnioskodawcy przez portal ({})",
                            sub.receipt_number
                        )
                    } else {
                        file.file_name.clone()
                    },
                    kind: if is_text {
                        DocumentKind::Note
                    } else {
                        DocumentKind::Attachment
                    }
                    .as_str()
                    .into(),
                    direction: "outgoing".into(),
                    status: DocumentStatus::Filed.as_str().into(),
                    access_level: case.access_level.clone(),
                    author_id: Some(p.user.id.clone()),
                    template_id: None,
                    addressee_name: None,
                    addressee_address: None,
                    self_approval: false,
                    current_version: 1,
                    created_at: now,
                    updated_at: now,
                };
                crate::casefiles::insert_document(
                    conn,
                    &doc,
                    blob,
                    &file.file_name,
                    &file.media_type,
                    is_text.then(|| body.clone()),
                    &p.user.id,
                    now,
                )?;
                if !is_text {
                    repo::insert_message_file(conn, &case.tenant_id, &row.id, &doc.id)?;
                }
            }
            log::append(
                conn,
                &case.tenant_id,
                &case.id,
                &p.actor(),
                "portal.message_sent",
                None,
                json!({"message": row.id, "files": all.len() - usize::from(has_body)}),
                now,
            )?;
            notify::enqueue(
                conn,
                &case.tenant_id,
                &Event {
                    user_id: sub.user_id.clone(),
                    submission_id: Some(sub.id.clone()),
                    event_key: format!("message:{}", row.id),
                    kind: "message".into(),
                    params: json!({"sign": case.sign}),
                },
                now,
            )?;
            record(
                conn,
                &case.tenant_id,
                &p.actor(),
                "portal.message_sent",
                ("case", Some(&case.id)),
                json!({"message": row.id}),
                now,
            )?;
            Ok(row)
        })
    }

    /// A case's portal matter for the office: the submission, the thread (the resident's
    /// messages count as read) and the deliveries; `None` when the case did not come through
    /// the portal.
    pub fn case_portal(
        &self,
        p: &Principal,
        case_id: &str,
    ) -> Result<Option<CasePortal>, AppError> {
        let case = self.case(p, case_id)?;
        let now = self.now_ts();
        self.store.write(|c| {
            let Some(sub) = repo::submission_for_case(c, &case.tenant_id, &case.id)? else {
                return Ok(None);
            };
            if require(p, Permission::HandleCases, Some(&case.unit_id)).is_ok()
                || case.handler_id.as_deref() == Some(p.user.id.as_str())
            {
                repo::mark_messages_read(c, &case.tenant_id, &sub.id, "in", now)?;
            }
            let msgs = thread(c, &case.tenant_id, &sub.id)?;
            let deliveries = repo::deliveries_of(c, &case.tenant_id, &sub.id)?;
            Ok(Some((sub, msgs, deliveries)))
        })
    }

    /// The portal robot's periodic work (all tenants): letters unopened for 14 days count as
    /// delivered; residents whose term to remedy deficiencies ends within three days and who
    /// have not answered are reminded (once).
    pub fn portal_sweep(&self) -> Result<SweepReport, AppError> {
        let now = self.now_ts();
        let mut report = SweepReport::default();
        let robot = Actor::Robot {
            name: "portal".into(),
        };
        loop {
            let batch = self.store.write(|conn| {
                let due = repo::unopened_before(conn, now - DEEMED_AFTER_DAYS * DAY_US, 200)?;
                let mut n = 0;
                for d in &due {
                    let at = d.available_at + DEEMED_AFTER_DAYS * DAY_US;
                    if repo::set_deemed(conn, &d.tenant_id, &d.id, at)? {
                        record_delivery(conn, &robot, d, at, true)?;
                        n += 1;
                    }
                }
                Ok::<_, AppError>((due.len(), n))
            })?;
            report.deemed += batch.1;
            if batch.0 < 200 {
                break;
            }
        }
        let today = self.clock.today_warsaw();
        let soon = today + time::Duration::days(3);
        report.reminders = self.store.write(|conn| {
            let mut n = 0;
            for d in repo::replies_due(conn, &iso(today), &iso(soon))? {
                let answered = repo::messages_of(conn, &d.tenant_id, &d.submission_id)?
                    .iter()
                    .any(|m| m.kind == "supplement" && m.created_at >= d.available_at);
                let case = cases_repo::get(conn, &d.tenant_id, &d.case_id)?;
                let waiting = case.as_ref().is_some_and(|c| c.status == "awaiting_party");
                if answered || !waiting {
                    continue;
                }
                let sign = case.map(|c| c.sign).unwrap_or_default();
                notify::enqueue(
                    conn,
                    &d.tenant_id,
                    &Event {
                        user_id: d.recipient_id.clone(),
                        submission_id: Some(d.submission_id.clone()),
                        event_key: format!("deadline:{}", d.id),
                        kind: "deadline".into(),
                        params: json!({"sign": sign, "date": d.reply_by}),
                    },
                    now,
                )?;
                n += 1;
            }
            Ok::<_, AppError>(n)
        })?;
        Ok(report)
    }
}

/// Records a delivery (opened or deemed) in the case log and, for a request to remedy
/// deficiencies, the resident's last day to answer.
fn record_delivery(
    conn: &mut Db,
    actor: &Actor,
    d: &DeliveryRow,
    at: i64,
    deemed: bool,
) -> Result<(), AppError> {
    let out = reg::outgoing(conn, &d.tenant_id, &d.outgoing_item_id)?;
    let mut details = json!({
        "item_ref": out.map(|o| o.item_ref),
        "via": "portal",
        "deemed": deemed,
        "at": from_ts(at).format(&time::format_description::well_known::Rfc3339).ok(),
    });
    if d.document_kind == DocumentKind::DeficiencyNotice.as_str()
        && let Some(days) = deficiency_days(conn, d)?
        && let Ok(term) = deficiency_deadline(warsaw_date(from_ts(at)), days)
    {
        let by = iso(term.due);
        repo::set_reply_by(conn, &d.tenant_id, &d.id, &by)?;
        details["reply_by"] = json!(by);
    }
    log::append(
        conn,
        &d.tenant_id,
        &d.case_id,
        actor,
        "document.delivered",
        Some(&d.document_id),
        details,
        at,
    )?;
    record(
        conn,
        &d.tenant_id,
        actor,
        "document.delivered",
        ("document", Some(&d.document_id)),
        json!({"deemed": deemed}),
        at,
    )?;
    Ok(())
}

/// The days given in the request (from the case log entry that drafted it).
fn deficiency_days(conn: &mut Db, d: &DeliveryRow) -> Result<Option<u32>, AppError> {
    Ok(cases_repo::log(conn, &d.tenant_id, &d.case_id)?
        .into_iter()
        .filter(|e| {
            e.action == "deadline.deficiency_notice"
                && e.document_id.as_deref() == Some(&d.document_id)
        })
        .find_map(|e| {
            serde_json::from_str::<serde_json::Value>(&e.details)
                .ok()?
                .get("days")?
                .as_u64()
                .and_then(|x| u32::try_from(x).ok())
        }))
}

/// Puts a dispatched letter into the resident's portal inbox (in the dispatch transaction)
/// and tells them. Errors when the case did not come through the portal.
pub(crate) fn deliver(
    conn: &mut Db,
    case: &CaseRow,
    doc: &DocumentRow,
    out: &ratusz_store::registry::OutgoingItemRow,
    now: i64,
) -> Result<DeliveryRow, AppError> {
    let sub = repo::submission_for_case(conn, &case.tenant_id, &case.id)?.ok_or_else(|| {
        AppError::field(
            "dispatch_method",
            "not-portal",
            "Ta sprawa nie została złożona przez portal, więc adresat nie ma skrzynki w portalu; wybierz inny sposób wysyłki.",
            "This case did not come through the portal, so the addressee has no portal inbox; choose another method.",
        )
    })?;
    let row = DeliveryRow {
        id: new_id(),
        tenant_id: case.tenant_id.clone(),
        submission_id: sub.id.clone(),
        case_id: case.id.clone(),
        outgoing_item_id: out.id.clone(),
        document_id: doc.id.clone(),
        recipient_id: sub.user_id.clone(),
        title: doc.title.clone(),
        document_kind: doc.kind.clone(),
        available_at: now,
        opened_at: None,
        deemed_at: None,
        reply_by: None,
    };
    repo::insert_delivery(conn, &row)?;
    let deficiency = doc.kind == DocumentKind::DeficiencyNotice.as_str();
    notify::enqueue(
        conn,
        &case.tenant_id,
        &Event {
            user_id: sub.user_id.clone(),
            submission_id: Some(sub.id.clone()),
            event_key: format!("delivery:{}", row.id),
            kind: if deficiency { "deficiency" } else { "delivery" }.into(),
            params: json!({"sign": case.sign, "title": doc.title}),
        },
        now,
    )?;
    Ok(row)
}
