//! Drafts the robot writes for routine situations, from the office's own letter templates
//! (named in the intake settings) and the facts it read:
//!
//! - in a case it opened: the **confirmation of receipt**; or, when the application lacks
//!   something, the **notice to remedy deficiencies** (KPA art. 64 § 2) listing what; or, when a
//!   rule says the office is not competent, the **forwarding letter** to the competent authority
//!   with the **notice to the applicant** (art. 65 § 1);
//! - in any open case whose deadline is near and which has no decision yet: the **delay
//!   notice** (art. 36 § 1), with the reason and the new term left marked for the handler.
//!
//! A robot's draft is marked as such (in the case log and in `generated_documents`) and, like
//! every draft, is dispatched only after a person approves it: the robot holds no approving role.
//! A draft still holding a [`letters::TO_FILL`] mark cannot even be sent for approval.
//!
//! Each draft has a key (`generated_documents.generator`) so it is written once per case, even
//! when a job or a sweep runs twice.

use std::collections::HashMap;

use ratusz_core::calendar::words::letter_date_pl;
use ratusz_core::cases::ProcedureKind;
use ratusz_core::intake::route::Source;
use ratusz_core::intake::rules::{missing, requirements, words};
use ratusz_core::letters;
use ratusz_store::cases::CaseRow;
use ratusz_store::intake as repo;
use ratusz_store::registry::IncomingItemRow;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::IntakeSettings;
use super::read::Reading;
use crate::accounts::Principal;
use crate::audit::record;
use crate::casefiles::{draft_file_name, draft_row, insert_document};
use crate::registry::kinds::{DocumentKind, DocumentStatus};
use crate::registry::{iso, parse_iso};
use crate::{App, AppError};

/// The competent authority a letter goes to (KPA art. 65 § 1), from the rule that said so.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Forward {
    pub to: String,
    pub address: String,
    /// The rule's name, for the explanation.
    pub rule: String,
}

/// The deficiency of an application sent by plain e-mail: it carries no signature the law
/// accepts for an electronic application (art. 63 § 3a KPA).
pub const EMAIL_SIGNATURE: &str = "podpis wnoszącego: podanie przesłane zwykłą pocztą elektroniczną należy opatrzyć kwalifikowanym podpisem elektronicznym, podpisem zaufanym albo podpisem osobistym (art. 63 § 3a KPA), albo podpisać je w urzędzie lub nadesłać podpisane pocztą";

/// File-name endings of detached electronic signatures (XAdES, CAdES/PKCS #7, ASiC containers)
/// sent along a letter.
const SIGNATURE_ENDINGS: [&str; 5] = [".xades", ".p7s", ".sig", ".asice", ".asics"];

/// How many days before the deadline the sweep looks at most (the office's own setting is
/// capped to this).
pub const MAX_DELAY_NOTICE_DAYS: i64 = 14;

/// Which routine draft a new case gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Routine {
    Receipt,
    Deficiency,
    Forward,
}

impl Routine {
    /// What a new case needs, from the robot's reading.
    pub fn for_reading(r: &Reading) -> Routine {
        if r.forward.is_some() {
            Routine::Forward
        } else if !r.deficiencies.is_empty() {
            Routine::Deficiency
        } else {
            Routine::Receipt
        }
    }
}

impl App {
    /// What the reading implies beyond routing: the competent authority when a deciding rule
    /// names one, and what the application lacks.
    pub(crate) fn findings(
        &self,
        item: &IncomingItemRow,
        rules: &[ratusz_store::intake::RuleRow],
        reading: &Reading,
        text: &str,
    ) -> Result<(Option<Forward>, Vec<String>), AppError> {
        let Some(unit) = &reading.unit else {
            return Ok((None, Vec::new()));
        };
        let rule_ids: Vec<&str> = unit
            .reasons
            .iter()
            .filter(|r| r.source == Source::Rule)
            .filter_map(|r| r.id.as_deref())
            .collect();
        // The sender's own name and address are not the application's content ("ul. Lipowa"
        // is no species of tree): their lines are left out of the check.
        let head: Vec<&str> = [&reading.sender_name, &reading.sender_address]
            .into_iter()
            .flatten()
            .flat_map(|s| s.split(['\n', '|']))
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        let body: String = text
            .lines()
            .filter(|l| !head.contains(&l.trim()))
            .collect::<Vec<_>>()
            .join("\n");
        let text = body.as_str();
        let ws = words(text);
        let mut forward = None;
        let mut lacking: Vec<String> = Vec::new();
        // In the order of the reasons: the strongest rule speaks first.
        for id in rule_ids {
            let Some(r) = rules.iter().find(|r| r.id == id && r.unit_id == unit.value) else {
                continue;
            };
            if forward.is_none()
                && let (Some(to), Some(address)) = (&r.forward_to, &r.forward_address)
            {
                forward = Some(Forward {
                    to: to.clone(),
                    address: address.clone(),
                    rule: r.name.clone(),
                });
            }
            if let Ok(required) = requirements(&r.required) {
                for what in missing(&required, text, &ws) {
                    if !lacking.iter().any(|l| l == what) {
                        lacking.push(what.to_owned());
                    }
                }
            }
        }
        // The competent authority judges the form of what it receives.
        if forward.is_some() {
            return Ok((forward, Vec::new()));
        }
        let application = reading
            .kind
            .as_ref()
            .is_some_and(|k| k.value == "application");
        if application && item.channel == "email" && !self.has_signature_file(item)? {
            lacking.push(EMAIL_SIGNATURE.to_owned());
        }
        Ok((None, lacking))
    }

    /// Whether the item carries an electronic signature: a file named as a detached signature
    /// (`.xades`, `.p7s`, … anywhere in the name, as our upload check may add its own ending),
    /// an XML file with an XML-DSig `Signature` (XAdES), or a PDF with a signature dictionary
    /// (PAdES). Whether the signature is valid is for the handler to check (the national
    /// verification service), not for the robot.
    fn has_signature_file(&self, item: &IncomingItemRow) -> Result<bool, AppError> {
        let versions = self.store.read(|c| {
            let mut out = Vec::new();
            for doc in ratusz_store::casefiles::of_item(c, &item.tenant_id, &item.id)? {
                if let Some(v) = ratusz_store::casefiles::version(
                    c,
                    &item.tenant_id,
                    &doc.id,
                    doc.current_version,
                )? {
                    out.push(v);
                }
            }
            Ok::<_, AppError>(out)
        })?;
        for v in versions {
            let name = v.file_name.to_lowercase();
            if SIGNATURE_ENDINGS.iter().any(|e| name.contains(e)) {
                return Ok(true);
            }
            let marks: &[&[u8]] = match v.media_type.as_str() {
                "application/xml" => &[b"http://www.w3.org/2000/09/xmldsig#", b"Signature"],
                "application/pdf" => &[b"/ByteRange", b"/Sig"],
                _ => continue,
            };
            let bytes = self.blobs()?.get(&v.blob_key, &v.sha256)?;
            if marks.iter().all(|m| contains(&bytes, m)) {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Drafts what a case the robot opened needs (see the module doc) and notes the first
    /// draft on the intake row.
    pub(crate) fn draft_for_new_case(
        &self,
        tenant_id: &str,
        robot: &Principal,
        case: &CaseRow,
        settings: &IntakeSettings,
        reading: &Reading,
    ) -> Result<(), AppError> {
        let drafted = match Routine::for_reading(reading) {
            Routine::Receipt => {
                self.draft_routine(robot, case, &settings.receipt_template, ("", ""), "receipt")?
            }
            Routine::Deficiency => self.draft_routine(
                robot,
                case,
                &settings.deficiency_template,
                ("", ""),
                "deficiency",
            )?,
            Routine::Forward => {
                let f = reading.forward.as_ref().ok_or(AppError::NotFound)?;
                let first = self.draft_routine(
                    robot,
                    case,
                    &settings.forward_template,
                    (&f.to, &f.address),
                    "forward",
                )?;
                self.draft_routine(
                    robot,
                    case,
                    &settings.forward_notice_template,
                    ("", ""),
                    "forward-notice",
                )?;
                first
            }
        };
        let Some(doc_id) = drafted else {
            return Ok(());
        };
        let now = self.now_ts();
        self.store.write(|conn| {
            let item_id = case.incoming_item_id.as_deref().unwrap_or_default();
            if let Some(mut row) = repo::intake(conn, tenant_id, item_id)?
                && row.draft_document_id.is_none()
            {
                row.draft_document_id = Some(doc_id.clone());
                row.updated_at = now;
                repo::update_intake(conn, &row)?;
            }
            Ok::<_, AppError>(())
        })
    }

    /// Drafts a letter in `case` from the template named `template`, addressed to `addressee`
    /// (empty: the case's first party), once per `key`. Returns the draft's id; `None` when
    /// the template is missing or does not fill (logged: the office has not set it up) or the
    /// draft was written before.
    pub(crate) fn draft_routine(
        &self,
        robot: &Principal,
        case: &CaseRow,
        template: &str,
        addressee: (&str, &str),
        key: &str,
    ) -> Result<Option<String>, AppError> {
        let tenant_id = &case.tenant_id;
        let templates = self.letter_templates(tenant_id)?;
        let Some(t) = templates.iter().find(|t| t.name == template) else {
            tracing::warn!(%template, "intake: the office has no such letter template; no draft");
            return Ok(None);
        };
        let values = self.placeholder_values_for(case, addressee)?;
        let (Ok(title), Ok(body)) = (
            letters::fill(&t.title, &values),
            letters::fill(&t.body, &values),
        ) else {
            tracing::warn!(template = %t.name, "intake: the template does not fill; no draft");
            return Ok(None);
        };
        let kind = DocumentKind::parse(&t.kind).unwrap_or(DocumentKind::Letter);
        let blob = self.blobs()?.put(tenant_id, body.as_bytes())?;
        let now = self.now_ts();
        let generator = format!("{key}:template:{}", t.name);
        self.store.write(|conn| {
            let ids: Vec<String> = ratusz_store::casefiles::of_case(conn, tenant_id, &case.id)?
                .into_iter()
                .map(|d| d.id)
                .collect();
            let prefix = format!("{key}:");
            if repo::generated_among(conn, tenant_id, &ids)?
                .iter()
                .any(|(_, g)| g.starts_with(&prefix))
            {
                return Ok(None);
            }
            let name = values.get("adresat").cloned();
            let address = values
                .get("adres_adresata")
                .cloned()
                .filter(|a| !a.is_empty());
            let doc = draft_row(
                case,
                &title,
                kind,
                (name, address),
                &robot.user.id,
                Some(t.id.clone()),
                now,
            );
            insert_document(
                conn,
                &doc,
                &blob,
                &draft_file_name(&title, 1),
                "text/plain",
                Some(body.clone()),
                &robot.user.id,
                now,
            )?;
            repo::mark_generated(conn, tenant_id, &doc.id, &generator, now)?;
            crate::cases::log::append(
                conn,
                tenant_id,
                &case.id,
                &robot.actor(),
                "draft.created",
                Some(&doc.id),
                json!({"title": doc.title, "kind": doc.kind, "template_id": doc.template_id, "generated_by": generator, "ai": true}),
                now,
            )?;
            record(
                conn,
                tenant_id,
                &robot.actor(),
                "draft.created",
                ("document", Some(&doc.id)),
                json!({"case": case.sign, "generated_by": generator}),
                now,
            )?;
            ratusz_store::registry::record_change(conn, tenant_id, "case", &case.id, now)?;
            Ok::<_, AppError>(Some(doc.id))
        })
    }

    /// The robot's delay notices: for each open case under a statutory term whose deadline is
    /// within the office's `delay_notice_days` and which has no decision (or notice) under way,
    /// a draft of the art. 36 notice, and an e-mail to the handler. Returns how many were
    /// drafted. Safe to run on several workers: each draft is keyed by the case's deadline.
    pub fn delay_sweep(&self) -> Result<usize, AppError> {
        let today = self.clock.today_warsaw();
        let horizon = today + time::Duration::days(MAX_DELAY_NOTICE_DAYS);
        let cases = self.store.read(|c| {
            Ok::<_, AppError>(ratusz_store::cases::open_due_between(
                c,
                &iso(today),
                &iso(horizon),
                1000,
            )?)
        })?;
        let mut settings: HashMap<String, IntakeSettings> = HashMap::new();
        let mut drafted = 0;
        for case in cases {
            if !matches!(
                case.procedure_kind.parse::<ProcedureKind>(),
                Ok(ProcedureKind::Administrative
                    | ProcedureKind::Certificate
                    | ProcedureKind::PublicInformation
                    | ProcedureKind::Petition
                    | ProcedureKind::Complaint)
            ) {
                continue;
            }
            let Some(due) = case.due_date.as_deref().and_then(parse_iso) else {
                continue;
            };
            if !settings.contains_key(&case.tenant_id) {
                settings.insert(
                    case.tenant_id.clone(),
                    self.intake_settings(&case.tenant_id)?,
                );
            }
            let Some(s) = settings.get(&case.tenant_id) else {
                continue;
            };
            let days = s.delay_notice_days.min(MAX_DELAY_NOTICE_DAYS);
            if days <= 0 || (due - today).whole_days() > days {
                continue;
            }
            let under_way = self.store.read(|c| {
                Ok::<_, AppError>(
                    ratusz_store::casefiles::of_case(c, &case.tenant_id, &case.id)?
                        .iter()
                        .any(|d| {
                            d.status != DocumentStatus::Withdrawn.as_str()
                                && d.status != DocumentStatus::Filed.as_str()
                                && matches!(
                                    DocumentKind::parse(&d.kind),
                                    Some(
                                        DocumentKind::Decision
                                            | DocumentKind::Certificate
                                            | DocumentKind::DelayNotice
                                    )
                                )
                        }),
                )
            })?;
            if under_way {
                continue;
            }
            let robot = self.intake_robot(&case.tenant_id)?;
            let key = format!("delay:{}", iso(due));
            let Some(doc_id) =
                self.draft_routine(&robot, &case, &s.delay_template, ("", ""), &key)?
            else {
                continue;
            };
            drafted += 1;
            let now = self.now_ts();
            self.store.write(|conn| {
                if let Some(h) = &case.handler_id
                    && let Some(user) = ratusz_store::accounts::user(conn, &case.tenant_id, h)?
                {
                    crate::mail::enqueue(
                        conn,
                        &case.tenant_id,
                        &user.email,
                        &format!("Termin sprawy {} mija {}", case.sign, letter_date_pl(due)),
                        &format!(
                            "Termin załatwienia sprawy {} („{}”) mija {}.\n\nRobot przygotował projekt zawiadomienia o niezałatwieniu sprawy w terminie (art. 36 § 1 KPA). Jeśli sprawa nie zostanie załatwiona w terminie, użyj w sprawie „Przedłuż termin”: wpisz przyczynę zwłoki i nowy termin, a projekt robota zostanie zastąpiony pismem z tymi danymi. Jeśli załatwisz sprawę w terminie, wycofaj projekt.",
                            case.sign,
                            case.title,
                            letter_date_pl(due)
                        ),
                        now,
                    )?;
                }
                tracing::info!(case = %case.sign, document = %doc_id, "intake: delay notice drafted");
                Ok::<_, AppError>(())
            })?;
        }
        Ok(drafted)
    }
}

/// The robot's drafts in a case still in draft (withdrawn when the robot is undone or a
/// person writes the letter the draft stood for).
pub(crate) fn robot_drafts_in(
    conn: &mut ratusz_store::Db,
    tenant_id: &str,
    case_id: &str,
    key: Option<&str>,
) -> Result<Vec<ratusz_store::casefiles::DocumentRow>, AppError> {
    let docs: Vec<_> = ratusz_store::casefiles::of_case(conn, tenant_id, case_id)?
        .into_iter()
        .filter(|d| d.status == DocumentStatus::Draft.as_str())
        .collect();
    let ids: Vec<String> = docs.iter().map(|d| d.id.clone()).collect();
    let generated = repo::generated_among(conn, tenant_id, &ids)?;
    Ok(docs
        .into_iter()
        .filter(|d| {
            generated
                .iter()
                .any(|(id, g)| *id == d.id && key.is_none_or(|k| g.starts_with(&format!("{k}:"))))
        })
        .collect())
}

/// Whether `needle` occurs in `haystack`.
fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}
