//! The intake robot's work on one item: text from each file, facts, suggestions, duplicates,
//! the link to a cited case, and — when confident — the assignment, the new case and the draft
//! confirmation of receipt.
//!
//! The slow part (OCR) runs outside any transaction; what the robot decides is written in one
//! transaction, and the job is idempotent: an item whose reading is finished is not read again.

use ratusz_core::intake::facts::{Fact, FactKind};
use ratusz_core::intake::route::{Reason, Source, Suggestion};
use ratusz_core::intake::{sender, similar};
use ratusz_store::intake::{self as repo, DocumentTextRow, IntakeRow};
use ratusz_store::registry::{self as reg, IncomingItemRow};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{ASSIGNED, MANUAL, READING, SUGGESTED};
use crate::accounts::Principal;
use crate::audit::record;
use crate::registry::assign::{AssignInput, assign_item_in};
use crate::{App, AppError};

/// What the robot read and suggests for an item (stored as JSON in `intake_items`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Reading {
    pub unit: Option<Suggestion>,
    pub class: Option<Suggestion>,
    pub procedure: Option<Suggestion>,
    pub kind: Option<Suggestion>,
    pub sender_name: Option<String>,
    pub sender_address: Option<String>,
    pub title: Option<String>,
    pub letter_date: Option<String>,
    /// The sign of the existing case the letter cites and was linked to.
    pub linked_sign: Option<String>,
    /// Why the robot did not assign by itself (shown in the queue).
    pub held_because: Option<String>,
    /// The competent authority, when a rule that chose the unit says the office is not
    /// competent in such matters (KPA art. 65 § 1).
    pub forward: Option<super::draft::Forward>,
    /// What the application lacks (KPA art. 64 § 2): the deciding rules' required elements
    /// it does not mention, and the signature of an application sent by plain e-mail.
    pub deficiencies: Vec<String>,
}

/// Placeholders the channels register before the robot has read the letter.
pub const UNKNOWN_SENDER: &str = "(nadawca do ustalenia)";

#[derive(Deserialize)]
struct ReadJob {
    item_id: String,
}

/// The longest text analysed per item (a longer letter is cut for routing, not for storage).
const MAX_ANALYSED_CHARS: usize = 200_000;

impl App {
    /// Runs one `intake_read` job.
    pub fn run_intake_read(&self, tenant_id: &str, payload: &str) -> Result<(), String> {
        let job: ReadJob = serde_json::from_str(payload).map_err(|e| e.to_string())?;
        self.read_item(tenant_id, &job.item_id)
            .map_err(|e| e.to_string())
    }

    fn read_item(&self, tenant_id: &str, item_id: &str) -> Result<(), AppError> {
        let (item, intake) = self.store.read(|c| {
            Ok::<_, AppError>((
                reg::incoming(c, tenant_id, item_id)?,
                repo::intake(c, tenant_id, item_id)?,
            ))
        })?;
        let (Some(item), Some(intake)) = (item, intake) else {
            return Ok(());
        };
        // The text is read even when a person decided first: it is shown and searched.
        let texts = self.extract_texts(&item)?;
        if intake.status != READING {
            self.search_nudge();
            return Ok(());
        }
        let robot = self.intake_robot(tenant_id)?;
        let settings = self.intake_settings(tenant_id)?;
        let full = analysed_text(&item, &texts);
        let facts = ratusz_core::intake::extract(&full);
        let office_street = self.office_street(tenant_id)?;
        let found_sender = sender::find(&full, office_street.as_deref());
        let mut reading = Reading {
            unit: None,
            class: None,
            procedure: None,
            kind: None,
            sender_name: found_sender.as_ref().map(|s| s.name.clone()),
            sender_address: found_sender.as_ref().map(|s| s.address.clone()),
            title: guess_title(&full),
            letter_date: letter_date(&facts, &item.received_on),
            linked_sign: None,
            held_because: None,
            forward: None,
            deficiencies: Vec::new(),
        };
        let rules = self
            .store
            .read(|c| Ok::<_, AppError>(repo::rules(c, tenant_id)?))?;
        let s = self.suggest_with(tenant_id, &rules, &full)?;
        reading.unit = s.unit;
        reading.class = s.class;
        reading.procedure = s.procedure;
        reading.kind = s.kind;
        let (forward, deficiencies) = self.findings(&item, &rules, &reading, &full)?;
        reading.forward = forward;
        reading.deficiencies = deficiencies;
        let problem = texts.iter().find_map(|t| {
            t.problem
                .as_ref()
                .map(|p| (p.clone(), t.problem_detail.clone()))
        });
        let content_sha = texts.first().map(|t| t.sha256.clone());
        let fingerprint = similar::fingerprint(&full).map(|f| f as i64);
        let cited: Vec<String> = facts
            .iter()
            .filter(|f| f.kind == FactKind::CaseSign && f.referenced)
            .map(|f| f.value.clone())
            .collect();
        let now = self.now_ts();
        let opened = self.store.write(|conn| {
            let Some(mut row) = repo::intake(conn, tenant_id, item_id)? else {
                return Ok(None);
            };
            if row.status != READING {
                return Ok(None);
            }
            let Some(item) = reg::incoming(conn, tenant_id, item_id)? else {
                return Ok(None);
            };
            fill_details(conn, &robot, &item, &reading, now)?;
            let item = reg::incoming(conn, tenant_id, item_id)?.ok_or(AppError::NotFound)?;
            row.facts = serde_json::to_string(&facts).map_err(internal)?;
            row.problem = problem.as_ref().map(|p| p.0.clone());
            row.problem_detail = problem.as_ref().map(|p| p.1.clone()).unwrap_or_default();
            row.content_sha256 = content_sha.clone();
            row.fingerprint = fingerprint;
            group_duplicates(conn, &mut row)?;
            row.updated_at = now;
            let mut opened = None;
            if let Some(case) = link_cited_case(conn, &robot, &item, &cited, now)? {
                reading.linked_sign = Some(case.sign.clone());
                row.linked_case_id = Some(case.id.clone());
                row.status = ASSIGNED.into();
            } else if row.problem.is_some() {
                reading.held_because =
                    Some(format!("Wymaga ręcznego odczytu: {}", row.problem_detail));
                row.status = MANUAL.into();
            } else {
                match reading.unit.as_ref() {
                    Some(u) if u.confidence >= settings.auto_threshold => {
                        auto_assign(conn, &robot, &item, u, now)?;
                        row.status = ASSIGNED.into();
                        if settings.open_cases {
                            opened =
                                self.open_case_for(conn, &robot, &item, &reading, &settings, now)?;
                            row.linked_case_id = opened.as_ref().map(|c| c.id.clone());
                        }
                    }
                    Some(u) => {
                        reading.held_because = Some(format!(
                            "Pewność {:.0}% poniżej progu {:.0}% ustawionego dla urzędu.",
                            u.confidence * 100.0,
                            settings.auto_threshold * 100.0
                        ));
                        row.status = SUGGESTED.into();
                    }
                    None => {
                        reading.held_because =
                            Some("Żadna reguła ani model nie wskazały komórki.".into());
                        row.status = SUGGESTED.into();
                    }
                }
            }
            row.suggestions = serde_json::to_string(&reading).map_err(internal)?;
            repo::update_intake(conn, &row)?;
            record(
                conn,
                tenant_id,
                &robot.actor(),
                "intake.read",
                ("incoming_item", Some(item_id)),
                json!({
                    "status": row.status,
                    "unit": reading.unit.as_ref().map(|u| (&u.value, u.confidence)),
                    "problem": row.problem,
                    "duplicate_of": row.duplicate_of,
                    "linked_case": reading.linked_sign,
                }),
                now,
            )?;
            Ok::<_, AppError>(opened)
        })?;
        if let Some(case) = opened {
            self.draft_for_new_case(tenant_id, &robot, &case, &settings, &reading)?;
        }
        self.search_nudge();
        Ok(())
    }

    /// Reads the text of each of the item's files that has none yet.
    fn extract_texts(&self, item: &IncomingItemRow) -> Result<Vec<DocumentTextRow>, AppError> {
        let docs = self.store.read(|c| {
            Ok::<_, AppError>(ratusz_store::casefiles::of_item(
                c,
                &item.tenant_id,
                &item.id,
            )?)
        })?;
        let limits = ratusz_documents::text::Limits::default();
        for doc in docs {
            let have = self.store.read(|c| {
                Ok::<_, AppError>(repo::text_of_document(c, &item.tenant_id, &doc.id)?)
            })?;
            if have.is_some() {
                continue;
            }
            let version = self.store.read(|c| {
                Ok::<_, AppError>(ratusz_store::casefiles::version(
                    c,
                    &item.tenant_id,
                    &doc.id,
                    doc.current_version,
                )?)
            })?;
            let Some(version) = version else { continue };
            let bytes = self.blobs()?.get(&version.blob_key, &version.sha256)?;
            // An error here is our own (temporary files, the machine): the job retries. What is
            // wrong with the file itself comes back as a problem, never as an error.
            let out = ratusz_documents::text::extract(
                &bytes,
                &version.file_name,
                Some(&version.media_type),
                &limits,
            )
            .map_err(|e| AppError::Unavailable(format!("text extraction: {e}")))?;
            let row = DocumentTextRow {
                tenant_id: item.tenant_id.clone(),
                document_id: doc.id.clone(),
                sha256: version.sha256.clone(),
                method: method_code(out.method).into(),
                pages: i32::try_from(out.pages).unwrap_or(i32::MAX),
                // 0–1 from the extractor; stored in percent.
                ocr_confidence: out.ocr_confidence.map(|c| (c * 100.0).round() as i32),
                problem: out.problem.as_ref().map(|p| p.code().to_owned()),
                problem_detail: out
                    .problem
                    .as_ref()
                    .map(|p| p.reason_pl())
                    .unwrap_or_default(),
                body: out.text,
                extracted_at: self.now_ts(),
            };
            self.store.write(|c| {
                repo::put_text(c, &row)?;
                reg::record_change(c, &item.tenant_id, "item", &item.id, row.extracted_at)?;
                Ok::<_, AppError>(())
            })?;
        }
        self.store
            .read(|c| Ok(repo::texts_of_item(c, &item.tenant_id, &item.id)?))
    }

    /// The office's own street line (from its letterhead), so its address is not taken for
    /// the sender's.
    fn office_street(&self, tenant_id: &str) -> Result<Option<String>, AppError> {
        let t = self
            .store
            .read(|c| ratusz_store::tenants::tenant(c, tenant_id))?;
        let office = crate::tenants::office_of(Some(&t));
        Ok(office.address_lines.first().cloned())
    }

    /// Opens the case of an application the robot assigned, when the class and procedure are
    /// suggested with confidence and the unit has a manager to hand it to.
    fn open_case_for(
        &self,
        conn: &mut ratusz_store::Db,
        robot: &Principal,
        item: &IncomingItemRow,
        reading: &Reading,
        settings: &super::IntakeSettings,
        now: i64,
    ) -> Result<Option<ratusz_store::cases::CaseRow>, AppError> {
        let confident = |s: &Option<Suggestion>| {
            s.as_ref()
                .filter(|s| s.confidence >= settings.auto_threshold)
                .map(|s| s.value.clone())
        };
        let (Some(unit_id), Some(class), Some(procedure)) = (
            confident(&reading.unit),
            confident(&reading.class),
            reading.procedure.as_ref().map(|p| p.value.clone()),
        ) else {
            return Ok(None);
        };
        if item.kind != "application" || item.case_id.is_some() {
            return Ok(None);
        }
        let Ok(kind) = procedure.parse::<ratusz_core::cases::ProcedureKind>() else {
            return Ok(None);
        };
        let Some(unit) = ratusz_store::tenants::unit(conn, &item.tenant_id, &unit_id)? else {
            return Ok(None);
        };
        let leaf = reg::file_class(conn, &item.tenant_id, &class)?
            .is_some_and(|c| c.category.is_some())
            && !reg::file_class_has_children(conn, &item.tenant_id, &class)?;
        let Some(manager) = unit_manager(conn, &item.tenant_id, &unit.id)? else {
            return Ok(None);
        };
        if !leaf {
            return Ok(None);
        }
        let today = self.clock.today_warsaw();
        let start = crate::registry::parse_iso(&item.received_on).unwrap_or(today);
        let access = crate::registry::kinds::AccessLevel::parse(&item.access_level)
            .unwrap_or(crate::registry::kinds::AccessLevel::Internal);
        let party = (item.sender_name != UNKNOWN_SENDER)
            .then(|| (item.sender_name.clone(), item.sender_address.clone()));
        let case = crate::cases::insert_case(
            conn,
            &robot.actor(),
            &robot.user.id,
            crate::cases::NewCase {
                unit: &unit,
                class_symbol: &class,
                kind,
                complicated: false,
                title: item.title.clone(),
                start,
                handler_id: Some(manager),
                access,
                item: Some(item),
                party,
            },
            today,
            now,
        )?;
        record(
            conn,
            &item.tenant_id,
            &robot.actor(),
            "case.opened",
            ("case", Some(&case.id)),
            json!({"sign": case.sign, "by": "intake"}),
            now,
        )?;
        reg::record_change(conn, &item.tenant_id, "case", &case.id, now)?;
        Ok(Some(case))
    }
}

/// The stored code of how a text was read.
fn method_code(m: ratusz_documents::text::Method) -> &'static str {
    use ratusz_documents::text::Method;
    match m {
        Method::PdfText => "pdf_text",
        Method::Ocr => "ocr",
        Method::Docx => "docx",
        Method::Odt => "odt",
        Method::Plain => "plain",
        Method::Html => "html",
        Method::Email => "email",
        Method::None => "none",
    }
}

fn internal(e: serde_json::Error) -> AppError {
    AppError::Internal(e.to_string())
}

/// The item's title and its files' texts, cut to [`MAX_ANALYSED_CHARS`].
pub(crate) fn analysed_text(item: &IncomingItemRow, texts: &[DocumentTextRow]) -> String {
    let mut full = String::new();
    if !item.title.starts_with(super::folder::TITLE_PREFIX) {
        full.push_str(&item.title);
        full.push('\n');
    }
    for t in texts {
        full.push_str(&t.body);
        full.push('\n');
        if full.len() > MAX_ANALYSED_CHARS {
            break;
        }
    }
    if full.len() > MAX_ANALYSED_CHARS {
        let mut cut = MAX_ANALYSED_CHARS;
        while !full.is_char_boundary(cut) {
            cut -= 1;
        }
        full.truncate(cut);
    }
    full
}

/// The heading of a letter: the first line that names what it is.
fn guess_title(text: &str) -> Option<String> {
    const STARTS: [&str; 12] = [
        "wniosek",
        "skarga",
        "petycja",
        "dotyczy",
        "dot.",
        "faktura",
        "zawiadomienie",
        "zgłoszenie",
        "prośba",
        "odwołanie",
        "informacja",
        "w sprawie",
    ];
    text.lines().map(str::trim).find_map(|l| {
        let lower = l.to_lowercase();
        STARTS.iter().any(|s| lower.starts_with(s)).then(|| {
            let mut t: String = l.chars().take(200).collect();
            if t.ends_with(':') {
                t.pop();
            }
            t
        })
    })
}

/// The letter's date: the first date in the text not later than the day it was received.
fn letter_date(facts: &[Fact], received_on: &str) -> Option<String> {
    facts
        .iter()
        .find(|f| f.kind == FactKind::Date && f.value.as_str() <= received_on)
        .map(|f| f.value.clone())
}

/// Writes what the robot read into the register entry it made (only placeholders are
/// replaced: what a person typed at the desk stays).
fn fill_details(
    conn: &mut ratusz_store::Db,
    robot: &Principal,
    item: &IncomingItemRow,
    reading: &Reading,
    now: i64,
) -> Result<(), AppError> {
    let placeholder_title = item.title.starts_with(super::folder::TITLE_PREFIX);
    let unknown_sender = item.sender_name == UNKNOWN_SENDER;
    if !placeholder_title && !unknown_sender {
        return Ok(());
    }
    let title = match (&reading.title, placeholder_title) {
        (Some(t), true) => t.clone(),
        _ => item.title.clone(),
    };
    let (name, address) = match (
        &reading.sender_name,
        &reading.sender_address,
        unknown_sender,
    ) {
        (Some(n), Some(a), true) => (n.clone(), a.clone()),
        _ => (item.sender_name.clone(), item.sender_address.clone()),
    };
    let kind = match (&reading.kind, item.kind.as_str()) {
        (Some(k), "letter") if k.confidence >= 0.5 => k.value.clone(),
        _ => item.kind.clone(),
    };
    let letter_date = item.letter_date.clone().or(reading.letter_date.clone());
    reg::fill_incoming_details(
        conn,
        &item.tenant_id,
        &item.id,
        &title,
        &kind,
        &name,
        &address,
        letter_date.as_deref(),
    )?;
    record(
        conn,
        &item.tenant_id,
        &robot.actor(),
        "incoming.details_filled",
        ("incoming_item", Some(&item.id)),
        json!({
            "before": {"title": item.title, "kind": item.kind, "sender_name": item.sender_name, "letter_date": item.letter_date},
            "after": {"title": title, "kind": kind, "sender_name": name, "letter_date": letter_date},
        }),
        now,
    )?;
    Ok(())
}

/// Exact duplicates share the content hash; near duplicates a close fingerprint. The item
/// joins the group of the first one found.
fn group_duplicates(conn: &mut ratusz_store::Db, row: &mut IntakeRow) -> Result<(), AppError> {
    if let Some(sha) = &row.content_sha256
        && let Some(first) = repo::same_content(conn, &row.tenant_id, sha, &row.item_id)?
            .into_iter()
            .next()
    {
        row.duplicate_of = Some(first.duplicate_of.unwrap_or(first.item_id));
        row.duplicate_kind = Some("exact".into());
        return Ok(());
    }
    if let Some(fp) = row.fingerprint {
        let recent = repo::recent_fingerprints(conn, &row.tenant_id, &row.item_id, 5_000)?;
        if let Some((item, _, group)) = recent
            .into_iter()
            .filter(|(_, other, _)| similar::near(fp as u64, *other as u64))
            .min_by_key(|(_, other, _)| similar::distance(fp as u64, *other as u64))
        {
            row.duplicate_of = Some(group.unwrap_or(item));
            row.duplicate_kind = Some("near".into());
        }
    }
    Ok(())
}

/// Joins the item to the first open case it cites (by sign) and tells the case's handler.
fn link_cited_case(
    conn: &mut ratusz_store::Db,
    robot: &Principal,
    item: &IncomingItemRow,
    signs: &[String],
    now: i64,
) -> Result<Option<ratusz_store::cases::CaseRow>, AppError> {
    if item.case_id.is_some() {
        return Ok(None);
    }
    for sign in signs {
        let Some(case) = ratusz_store::cases::by_sign(conn, &item.tenant_id, sign)? else {
            continue;
        };
        if case.status == ratusz_core::cases::CaseStatus::Closed.as_str() {
            continue;
        }
        crate::cases::join_item_in(conn, &robot.actor(), item, &case, now)?;
        reg::set_incoming_assignee(
            conn,
            &item.tenant_id,
            &item.id,
            Some(&case.unit_id),
            case.handler_id.as_deref(),
        )?;
        record(
            conn,
            &item.tenant_id,
            &robot.actor(),
            "case.item_joined",
            ("case", Some(&case.id)),
            json!({"item_ref": item.item_ref, "cited_sign": sign, "by": "intake"}),
            now,
        )?;
        reg::record_change(conn, &item.tenant_id, "case", &case.id, now)?;
        if let Some(h) = &case.handler_id
            && let Some(user) = ratusz_store::accounts::user(conn, &item.tenant_id, h)?
        {
            crate::mail::enqueue(
                conn,
                &item.tenant_id,
                &user.email,
                &format!("Nowe pismo w sprawie {}", case.sign),
                &format!(
                    "Do sprawy {} dołączono pismo {} („{}”) od: {}.\n\nRobot wpływu rozpoznał znak sprawy w treści pisma. Jeśli pismo nie dotyczy tej sprawy, zgłoś to w kancelarii.",
                    case.sign, item.item_ref, item.title, item.sender_name
                ),
                now,
            )?;
        }
        return Ok(Some(case));
    }
    Ok(None)
}

fn auto_assign(
    conn: &mut ratusz_store::Db,
    robot: &Principal,
    item: &IncomingItemRow,
    unit: &Suggestion,
    now: i64,
) -> Result<(), AppError> {
    let why: Vec<String> = unit.reasons.iter().map(describe).collect();
    assign_item_in(
        conn,
        robot,
        item,
        &AssignInput {
            unit_id: unit.value.clone(),
            note: format!(
                "Przydzielone automatycznie (pewność {:.0}%): {}",
                unit.confidence * 100.0,
                why.join("; ")
            )
            .chars()
            .take(1_000)
            .collect(),
            ..AssignInput::default()
        },
        now,
    )?;
    Ok(())
}

/// One reason in words, for notes and the queue.
pub fn describe(r: &Reason) -> String {
    let source = match r.source {
        Source::Rule => "reguła",
        Source::Model => "model",
        Source::Builtin => "słownik",
        Source::CaseSign => "znak sprawy",
    };
    if r.evidence.is_empty() {
        format!("{source} „{}”", r.label)
    } else {
        format!("{source} „{}” ({})", r.label, r.evidence.join(", "))
    }
}

/// Who receives the robot's cases in a unit: its manager (the first by account creation), or
/// in a unit without one, its first clerk.
fn unit_manager(
    conn: &mut ratusz_store::Db,
    tenant_id: &str,
    unit_id: &str,
) -> Result<Option<String>, AppError> {
    let roles = ratusz_store::accounts::all_roles(conn, tenant_id)?;
    let first = |role: &str| {
        roles
            .iter()
            .find(|r| r.role == role && r.unit_id.as_deref() == Some(unit_id))
            .map(|r| r.user_id.clone())
    };
    Ok(first("manager").or_else(|| first("clerk")))
}
