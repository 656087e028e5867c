//! Cases (sprawy) under the instrukcja kancelaryjna and KPA: opening with a gap-free case sign,
//! the case view, "my work", the case index (spis spraw), deadlines, closing and the archive.

pub mod archive;
pub mod deadlines;
pub mod index;
pub mod log;
pub mod view;

use ratusz_core::cases::{CaseStatus, ProcedureKind};
use ratusz_core::registry::CaseSign;
use ratusz_core::roles::Permission;
use ratusz_store::cases::{self as repo, CasePartyRow, CaseRow};
use ratusz_store::registry as reg;
use ratusz_store::{Db, new_id};
use serde_json::json;

use crate::accounts::Principal;
use crate::audit::record;
use crate::registry::kinds::AccessLevel;
use crate::registry::{Fields, Scope, date_field, iso, long_text, require, text_field};
use crate::{App, AppError, FieldError};

/// A case to open, as entered. Strings as received.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct OpenCaseInput {
    pub unit_id: String,
    /// JRWA symbol of a leaf class, e.g. `6733`.
    pub class_symbol: String,
    /// `administrative`, `certificate`, `public_information`, `petition`, `complaint`,
    /// `motion`, `invoice`, `other`.
    pub procedure_kind: String,
    /// Empty: the title of the incoming item.
    #[serde(default)]
    pub title: String,
    /// A particularly complicated matter (KPA art. 35 § 3: two months).
    #[serde(default)]
    pub complicated: bool,
    /// `YYYY-MM-DD`; empty: the day the item was received (KPA art. 61 § 3) or today.
    #[serde(default)]
    pub start_date: String,
    /// Empty: the person opening the case.
    #[serde(default)]
    pub handler_id: String,
    #[serde(default)]
    pub access_level: String,
    /// The incoming item the case starts from (empty: on the office's own initiative).
    #[serde(default)]
    pub incoming_item_id: String,
    /// The party; empty: the sender of the item.
    #[serde(default)]
    pub party_name: String,
    #[serde(default)]
    pub party_address: String,
}

/// Whether any case uses a JRWA class (then it cannot leave the file plan).
pub fn class_in_use(conn: &mut Db, tenant_id: &str, symbol: &str) -> Result<bool, AppError> {
    let f = repo::CaseFilter {
        class_symbol: Some(symbol.to_owned()),
        ..Default::default()
    };
    Ok(!repo::list(conn, tenant_id, &f, 1, 0)?.is_empty())
}

/// Locks a case for change and checks that the principal sees it (else: not found).
pub fn lock_visible(conn: &mut Db, p: &Principal, id: &str) -> Result<CaseRow, AppError> {
    let case = repo::lock(conn, &p.tenant_id, id)?.ok_or(AppError::NotFound)?;
    if Scope::of(p).sees(
        Some(&case.unit_id),
        &case.access_level,
        case.handler_id.as_deref(),
    ) {
        Ok(case)
    } else {
        Err(AppError::NotFound)
    }
}

/// Locks a case the principal may handle (HandleCases in its unit, or being its handler).
pub fn lock_for_handling(conn: &mut Db, p: &Principal, id: &str) -> Result<CaseRow, AppError> {
    let case = lock_visible(conn, p, id)?;
    let handler = case.handler_id.as_deref() == Some(p.user.id.as_str());
    if !handler {
        require(p, Permission::HandleCases, Some(&case.unit_id))?;
    }
    Ok(case)
}

/// A case to insert, already validated.
pub(crate) struct NewCase<'a> {
    pub unit: &'a ratusz_store::tenants::UnitRow,
    pub class_symbol: &'a str,
    pub kind: ProcedureKind,
    pub complicated: bool,
    pub title: String,
    pub start: time::Date,
    pub handler_id: Option<String>,
    pub access: AccessLevel,
    pub item: Option<&'a reg::IncomingItemRow>,
    /// The applicant: name and address.
    pub party: Option<(String, String)>,
}

/// Gives a validated case the next sign of its unit's case index for the class and year and
/// writes it with its applicant, the item joining it and the case log, in the caller's
/// transaction. The caller records the audit event and the case's search change.
pub(crate) fn insert_case(
    conn: &mut Db,
    actor: &crate::audit::Actor,
    opened_by: &str,
    new: NewCase<'_>,
    today: time::Date,
    now: i64,
) -> Result<CaseRow, AppError> {
    let year = today.year();
    let tenant_id = new.unit.tenant_id.clone();
    let number = reg::next_number(
        conn,
        &tenant_id,
        &format!("case:{}:{}:{year}", new.unit.id, new.class_symbol),
    )?;
    let sign = CaseSign {
        unit: new.unit.symbol.clone(),
        class: new.class_symbol.to_owned(),
        number: u32::try_from(number).map_err(|_| AppError::Internal("case number".into()))?,
        year,
    }
    .to_string();
    let mut case = CaseRow {
        id: new_id(),
        tenant_id: tenant_id.clone(),
        sign,
        unit_id: new.unit.id.clone(),
        class_symbol: new.class_symbol.to_owned(),
        year,
        number,
        title: new.title,
        procedure_kind: new.kind.as_str().into(),
        complicated: new.complicated,
        status: CaseStatus::Open.as_str().into(),
        handler_id: new.handler_id,
        opened_by: opened_by.to_owned(),
        access_level: new.access.as_str().into(),
        start_date: iso(new.start),
        due_date: None,
        extension_due: None,
        extension_reason: None,
        incoming_item_id: new.item.map(|i| i.id.clone()),
        closed_on: None,
        final_document_id: None,
        transfer_id: None,
        created_at: now,
        updated_at: now,
    };
    case.due_date = deadlines::compute(&case, &[])?.due.map(iso);
    repo::insert(conn, &case)?;
    if let Some((name, address)) = new.party {
        repo::insert_party(
            conn,
            &CasePartyRow {
                id: new_id(),
                tenant_id: tenant_id.clone(),
                case_id: case.id.clone(),
                role: "applicant".into(),
                name,
                address,
                email: None,
                edelivery_address: None,
                created_at: now,
            },
        )?;
    }
    log::append(
        conn,
        &tenant_id,
        &case.id,
        actor,
        "case.opened",
        None,
        json!({"sign": case.sign, "procedure_kind": case.procedure_kind, "start_date": case.start_date, "due_date": case.due_date}),
        now,
    )?;
    if let Some(i) = new.item {
        join_item_in(conn, actor, i, &case, now)?;
    }
    Ok(case)
}

/// Puts a registered item and its files into a case, with the case-log entry and the search
/// changes, inside the caller's transaction. Fails when the item is already in a case (also
/// when a concurrent join got there first).
pub(crate) fn join_item_in(
    conn: &mut Db,
    actor: &crate::audit::Actor,
    item: &reg::IncomingItemRow,
    case: &CaseRow,
    now: i64,
) -> Result<usize, AppError> {
    if !reg::set_incoming_case(conn, &case.tenant_id, &item.id, &case.id)? {
        return Err(already_in_case());
    }
    let docs =
        ratusz_store::casefiles::attach_item_to_case(conn, &case.tenant_id, &item.id, &case.id)?;
    log::append(
        conn,
        &case.tenant_id,
        &case.id,
        actor,
        "item.joined",
        None,
        json!({"item_ref": item.item_ref, "documents": docs}),
        now,
    )?;
    reg::record_change(conn, &case.tenant_id, "item", &item.id, now)?;
    Ok(docs)
}

fn already_in_case() -> AppError {
    AppError::field(
        "incoming_item_id",
        "already-in-case",
        "To pismo jest już w sprawie; otwórz tamtą sprawę.",
        "This item is already in a case; open that case instead.",
    )
}

/// Refuses changes to a closed case (reopen it first).
pub fn ensure_open(case: &CaseRow) -> Result<(), AppError> {
    if case.status == CaseStatus::Closed.as_str() {
        return Err(AppError::field(
            "case",
            "closed",
            "Sprawa jest zakończona; aby coś zmienić, najpierw ją wznów.",
            "The case is closed; reopen it first to change anything.",
        ));
    }
    Ok(())
}

impl App {
    /// Opens a case under a leaf JRWA class and gives it the next sign of the unit's case index
    /// for the class and year (`GK.6733.5.2026`). One transaction: the number, the case, its
    /// party, the item joining it, the case log, the audit event and the search change.
    pub fn open_case(&self, p: &Principal, input: &OpenCaseInput) -> Result<CaseRow, AppError> {
        let today = self.clock.today_warsaw();
        let now = self.now_ts();
        let row = self.store.write(|conn| {
            let mut f = Fields::default();
            let unit = ratusz_store::tenants::unit(conn, &p.tenant_id, input.unit_id.trim())?;
            if unit.is_none() {
                f.0.push(FieldError::new(
                    "unit_id",
                    "unknown-unit",
                    "Wybierz komórkę z listy.",
                    "Choose a unit from the list.",
                ));
            }
            let kind = f.take(
                input
                    .procedure_kind
                    .trim()
                    .parse::<ProcedureKind>()
                    .map_err(|_| {
                        let allowed = ProcedureKind::ALL
                            .iter()
                            .map(|k| k.as_str())
                            .collect::<Vec<_>>()
                            .join(", ");
                        FieldError::new(
                            "procedure_kind",
                            "unknown-value",
                            format!("Wybierz rodzaj postępowania: {allowed}."),
                            format!("Choose the kind of procedure: {allowed}."),
                        )
                    }),
            );
            let access = if input.access_level.trim().is_empty() {
                // A case from a restricted item stays restricted (checked below once the item is
                // known); otherwise internal.
                Some(AccessLevel::Internal)
            } else {
                f.take(AccessLevel::parse_field("access_level", &input.access_level))
            };
            let class_symbol = input.class_symbol.trim().to_owned();
            let class = reg::file_class(conn, &p.tenant_id, &class_symbol)?;
            match &class {
                None => f.0.push(FieldError::new(
                    "class_symbol",
                    "unknown-class",
                    format!("Klasy „{class_symbol}” nie ma w wykazie akt (JRWA); wybierz klasę z wykazu."),
                    format!("Class \"{class_symbol}\" is not in the file plan (JRWA); choose a class from the plan."),
                )),
                Some(c) if reg::file_class_has_children(conn, &p.tenant_id, &c.symbol)?
                    || c.category.is_none() =>
                {
                    f.0.push(FieldError::new(
                        "class_symbol",
                        "not-leaf",
                        format!("Klasa {} ma podklasy; sprawę zakłada się w klasie końcowej (z kategorią archiwalną).", c.symbol),
                        format!("Class {} has sub-classes; open cases in a final class (one with an archival category).", c.symbol),
                    ))
                }
                Some(_) => {}
            }
            let item = match input.incoming_item_id.trim() {
                "" => None,
                id => {
                    let item = reg::incoming(conn, &p.tenant_id, id)?;
                    match item {
                        Some(i) if self.sees_item(p, &i) => {
                            if i.case_id.is_some() {
                                f.0.push(FieldError::new(
                                    "incoming_item_id",
                                    "already-in-case",
                                    "To pismo jest już w sprawie; otwórz tamtą sprawę.",
                                    "This item is already in a case; open that case instead.",
                                ));
                            }
                            Some(i)
                        }
                        _ => {
                            f.0.push(FieldError::new(
                                "incoming_item_id",
                                "unknown-item",
                                "Nie ma takiego pisma w rejestrze.",
                                "There is no such item in the register.",
                            ));
                            None
                        }
                    }
                }
            };
            let title = if input.title.trim().is_empty() {
                match &item {
                    Some(i) => Some(i.title.clone()),
                    None => f.take(text_field("title", "", 500)),
                }
            } else {
                f.take(text_field("title", &input.title, 500))
            };
            let start = if input.start_date.trim().is_empty() {
                Some(
                    item.as_ref()
                        .and_then(|i| crate::registry::parse_iso(&i.received_on))
                        .unwrap_or(today),
                )
            } else {
                f.take(date_field("start_date", &input.start_date))
            };
            if let Some(s) = start
                && s > today
            {
                f.0.push(FieldError::new(
                    "start_date",
                    "future",
                    "Data wszczęcia nie może być późniejsza niż dzisiaj.",
                    "The start date cannot be later than today.",
                ));
            }
            let handler_id = match input.handler_id.trim() {
                "" => p.user.id.clone(),
                h => h.to_owned(),
            };
            let party_name = match input.party_name.trim() {
                "" => item.as_ref().map(|i| i.sender_name.clone()),
                n => f.take(text_field("party_name", n, 300)),
            };
            let party_address = match input.party_address.trim() {
                "" => item.as_ref().map(|i| i.sender_address.clone()),
                a => f.take(long_text("party_address", a, 500)),
            };
            if let Some(u) = &unit {
                require(p, Permission::HandleCases, Some(&u.id))?;
                let roles = ratusz_store::accounts::roles(conn, &p.tenant_id, &handler_id)?;
                if !roles.iter().any(|r| r.unit_id.as_deref() == Some(u.id.as_str())) {
                    f.0.push(FieldError::new(
                        "handler_id",
                        "not-in-unit",
                        format!("Prowadzący musi pracować w komórce {}.", u.symbol),
                        format!("The handler must work in unit {}.", u.symbol),
                    ));
                }
            }
            f.finish()?;
            let access = match (&item, input.access_level.trim().is_empty()) {
                (Some(i), true) => AccessLevel::parse(&i.access_level).or(access),
                _ => access,
            };
            let (Some(unit), Some(kind), Some(access), Some(class), Some(title), Some(start)) =
                (unit, kind, access, class, title, start)
            else {
                return Err(AppError::Internal("case validation".into()));
            };
            let case = insert_case(
                conn,
                &p.actor(),
                &p.user.id,
                NewCase {
                    unit: &unit,
                    class_symbol: &class.symbol,
                    kind,
                    complicated: input.complicated,
                    title,
                    start,
                    handler_id: Some(handler_id),
                    access,
                    item: item.as_ref(),
                    party: party_name.map(|n| (n, party_address.unwrap_or_default())),
                },
                today,
                now,
            )?;
            record(
                conn,
                &p.tenant_id,
                &p.actor(),
                "case.opened",
                ("case", Some(&case.id)),
                json!({"sign": case.sign}),
                now,
            )?;
            reg::record_change(conn, &p.tenant_id, "case", &case.id, now)?;
            Ok::<_, AppError>(case)
        })?;
        self.search_nudge();
        Ok(row)
    }

    /// Joins a further incoming item (the party's reply, a supplement, another letter in the
    /// matter) to an existing open case given by its sign: the item and its files go into the
    /// case file and the case log records it. One transaction.
    pub fn join_item(
        &self,
        p: &Principal,
        item_id: &str,
        case_sign: &str,
    ) -> Result<CaseRow, AppError> {
        let now = self.now_ts();
        let sign = case_sign.trim();
        if sign.is_empty() {
            return Err(AppError::field(
                "case_sign",
                "required",
                "Wpisz znak sprawy, np. GK.6733.5.2026.",
                "Enter the case sign, e.g. GK.6733.5.2026.",
            ));
        }
        let unknown = || {
            AppError::field(
                "case_sign",
                "unknown-case",
                format!("Nie ma sprawy o znaku „{sign}” (albo nie masz do niej dostępu)."),
                format!("There is no case with sign \"{sign}\" (or you cannot see it)."),
            )
        };
        let target = self.case_by_sign(p, sign).map_err(|e| match e {
            AppError::NotFound => unknown(),
            e => e,
        })?;
        let case = self.store.write(|conn| {
            let item = reg::incoming(conn, &p.tenant_id, item_id)?
                .filter(|i| self.sees_item(p, i))
                .ok_or(AppError::NotFound)?;
            if item.case_id.is_some() {
                return Err(already_in_case());
            }
            let case = lock_for_handling(conn, p, &target.id)?;
            ensure_open(&case)?;
            let docs = join_item_in(conn, &p.actor(), &item, &case, now)?;
            record(
                conn,
                &p.tenant_id,
                &p.actor(),
                "case.item_joined",
                ("case", Some(&case.id)),
                json!({"item_ref": item.item_ref, "documents": docs}),
                now,
            )?;
            reg::record_change(conn, &p.tenant_id, "case", &case.id, now)?;
            Ok::<_, AppError>(case)
        })?;
        self.search_nudge();
        Ok(case)
    }

    /// A case the principal may see.
    pub fn case(&self, p: &Principal, id: &str) -> Result<CaseRow, AppError> {
        let case = self
            .store
            .read(|c| Ok::<_, AppError>(repo::get(c, &p.tenant_id, id)?))?
            .ok_or(AppError::NotFound)?;
        if Scope::of(p).sees(
            Some(&case.unit_id),
            &case.access_level,
            case.handler_id.as_deref(),
        ) {
            Ok(case)
        } else {
            Err(AppError::NotFound)
        }
    }

    pub fn case_by_sign(&self, p: &Principal, sign: &str) -> Result<CaseRow, AppError> {
        let case = self
            .store
            .read(|c| Ok::<_, AppError>(repo::by_sign(c, &p.tenant_id, sign.trim())?))?
            .ok_or(AppError::NotFound)?;
        self.case(p, &case.id)
    }

    /// Adds a party to an open case.
    pub fn add_party(
        &self,
        p: &Principal,
        case_id: &str,
        name: &str,
        address: &str,
        email: &str,
    ) -> Result<CasePartyRow, AppError> {
        let now = self.now_ts();
        self.store.write(|conn| {
            let case = lock_for_handling(conn, p, case_id)?;
            ensure_open(&case)?;
            let mut f = Fields::default();
            let name = f.take(text_field("party_name", name, 300));
            let address = f.take(long_text("party_address", address, 500));
            let email = f.take(crate::registry::optional_text("party_email", email, 254));
            f.finish()?;
            let (Some(name), Some(address), Some(email)) = (name, address, email) else {
                return Err(AppError::Internal("party validation".into()));
            };
            let row = CasePartyRow {
                id: new_id(),
                tenant_id: p.tenant_id.clone(),
                case_id: case.id.clone(),
                role: "party".into(),
                name,
                address,
                email,
                edelivery_address: None,
                created_at: now,
            };
            repo::insert_party(conn, &row)?;
            log::append(
                conn,
                &p.tenant_id,
                &case.id,
                &p.actor(),
                "party.added",
                None,
                json!({"name": row.name}),
                now,
            )?;
            record(
                conn,
                &p.tenant_id,
                &p.actor(),
                "case.party_added",
                ("case", Some(&case.id)),
                json!({}),
                now,
            )?;
            Ok(row)
        })
    }

    /// Links two cases as related (both must be visible).
    pub fn link_cases(
        &self,
        p: &Principal,
        case_id: &str,
        other_sign: &str,
    ) -> Result<(), AppError> {
        let now = self.now_ts();
        let other = self.case_by_sign(p, other_sign).map_err(|_| {
            AppError::field(
                "related_sign",
                "unknown-case",
                "Nie ma sprawy o takim znaku (albo nie masz do niej dostępu).",
                "There is no case with that sign (or you cannot see it).",
            )
        })?;
        self.store.write(|conn| {
            let case = lock_for_handling(conn, p, case_id)?;
            if case.id == other.id {
                return Err(AppError::field(
                    "related_sign",
                    "same-case",
                    "Sprawy nie można powiązać z nią samą.",
                    "A case cannot be related to itself.",
                ));
            }
            if repo::related(conn, &p.tenant_id, &case.id)?
                .iter()
                .any(|c| c.id == other.id)
            {
                return Ok(());
            }
            repo::insert_link(
                conn,
                &repo::CaseLinkRow {
                    tenant_id: p.tenant_id.clone(),
                    case_id: case.id.clone(),
                    related_case_id: other.id.clone(),
                    created_at: now,
                },
            )?;
            log::append(
                conn,
                &p.tenant_id,
                &case.id,
                &p.actor(),
                "case.linked",
                None,
                json!({"related": other.sign}),
                now,
            )?;
            record(
                conn,
                &p.tenant_id,
                &p.actor(),
                "case.linked",
                ("case", Some(&case.id)),
                json!({"related": other.sign}),
                now,
            )?;
            Ok(())
        })
    }
}
