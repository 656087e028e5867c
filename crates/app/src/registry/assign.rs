//! Assignment (dekretacja): a registrar or manager gives an item or a case to a unit and a
//! handler, with an optional manner and deadline. Re-assignment keeps the history (the current
//! row is superseded, a new one added); only the person who made an assignment may change its
//! manner or deadline.

use ratusz_core::roles::{Permission, Role};
use ratusz_store::accounts as users;
use ratusz_store::registry::{self as repo, AssignmentRow};
use ratusz_store::tenants as units;
use ratusz_store::{Db, new_id};
use serde_json::json;

use super::kinds::Manner;
use super::{Fields, iso, long_text, optional_date, require};
use crate::accounts::Principal;
use crate::audit::record;
use crate::{App, AppError, FieldError};

/// An assignment as entered. Strings as received.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct AssignInput {
    /// The unit's id.
    pub unit_id: String,
    /// The handler's user id; empty leaves the choice to the unit's manager.
    #[serde(default)]
    pub handler_id: String,
    /// `handle`, `for_information`, `for_opinion`, `cooperate`; empty = none.
    #[serde(default)]
    pub manner: String,
    /// `YYYY-MM-DD`; empty = none.
    #[serde(default)]
    pub deadline: String,
    #[serde(default)]
    pub note: String,
}

pub const ITEM: &str = "item";
pub const CASE: &str = "case";

struct ValidAssignment {
    unit_id: String,
    handler_id: Option<String>,
    manner: Option<Manner>,
    deadline: Option<String>,
    note: String,
}

/// Checks the target unit and that the handler works in it (holds a staff role scoped to it).
fn validate(
    conn: &mut Db,
    tenant_id: &str,
    input: &AssignInput,
) -> Result<ValidAssignment, AppError> {
    let mut f = Fields::default();
    let unit = units::unit(conn, tenant_id, input.unit_id.trim())?;
    if unit.is_none() {
        f.0.push(FieldError::new(
            "unit_id",
            "unknown-unit",
            "Wybierz komórkę z listy.",
            "Choose a unit from the list.",
        ));
    }
    let manner = if input.manner.trim().is_empty() {
        Some(None)
    } else {
        f.take(Manner::parse_field("manner", &input.manner).map(Some))
    };
    let deadline = f.take(optional_date("deadline", &input.deadline));
    let note = f.take(long_text("note", &input.note, 1000));
    let handler_id = input.handler_id.trim();
    let handler = if handler_id.is_empty() {
        None
    } else {
        Some(handler_id.to_owned())
    };
    if let (Some(unit), Some(h)) = (&unit, &handler) {
        let roles = users::roles(conn, tenant_id, h)?;
        let works_there = roles.iter().any(|r| {
            r.unit_id.as_deref() == Some(unit.id.as_str())
                && r.role
                    .parse::<Role>()
                    .is_ok_and(|r| matches!(r, Role::Clerk | Role::Manager))
        });
        let active = users::user(conn, tenant_id, h)?.is_some_and(|u| u.disabled_at.is_none());
        if !works_there || !active {
            f.0.push(FieldError::new(
                "handler_id",
                "not-in-unit",
                format!(
                    "Ta osoba nie pracuje w komórce {}; wybierz prowadzącego z tej komórki.",
                    unit.symbol
                ),
                format!(
                    "This person does not work in unit {}; choose a handler from that unit.",
                    unit.symbol
                ),
            ));
        }
    }
    f.finish()?;
    match (unit, manner, deadline, note) {
        (Some(unit), Some(manner), Some(deadline), Some(note)) => Ok(ValidAssignment {
            unit_id: unit.id,
            handler_id: handler,
            manner,
            deadline: deadline.map(iso),
            note,
        }),
        _ => Err(AppError::Internal("assignment validation".into())),
    }
}

/// Writes a new current assignment of an object, superseding the previous one.
fn write_assignment(
    conn: &mut Db,
    p: &Principal,
    object_type: &str,
    object_id: &str,
    a: &ValidAssignment,
    now: i64,
) -> Result<AssignmentRow, AppError> {
    repo::supersede_assignments(conn, &p.tenant_id, object_type, object_id, now)?;
    let row = AssignmentRow {
        id: new_id(),
        tenant_id: p.tenant_id.clone(),
        object_type: object_type.into(),
        object_id: object_id.into(),
        unit_id: a.unit_id.clone(),
        handler_id: a.handler_id.clone(),
        manner: a.manner.map(|m| m.as_str().to_owned()),
        deadline: a.deadline.clone(),
        note: a.note.clone(),
        assigned_by: p.user.id.clone(),
        assigned_at: now,
        changed_at: None,
        superseded_at: None,
    };
    repo::insert_assignment(conn, &row)?;
    Ok(row)
}

/// Assigns an item in the caller's transaction (the registrar's form, the intake robot and the
/// confirmation of its suggestion).
pub(crate) fn assign_item_in(
    conn: &mut Db,
    p: &Principal,
    item: &repo::IncomingItemRow,
    input: &AssignInput,
    now: i64,
) -> Result<AssignmentRow, AppError> {
    let a = validate(conn, &p.tenant_id, input)?;
    require(p, Permission::AssignItems, Some(&a.unit_id))?;
    let row = write_assignment(conn, p, ITEM, &item.id, &a, now)?;
    repo::set_incoming_assignee(
        conn,
        &p.tenant_id,
        &item.id,
        Some(&a.unit_id),
        a.handler_id.as_deref(),
    )?;
    if let Some(case_id) = &item.case_id {
        crate::cases::log::append(
            conn,
            &p.tenant_id,
            case_id,
            &p.actor(),
            "item.assigned",
            None,
            json!({"item_ref": item.item_ref, "unit_id": a.unit_id, "handler_id": a.handler_id}),
            now,
        )?;
    }
    record(
        conn,
        &p.tenant_id,
        &p.actor(),
        "incoming.assigned",
        ("incoming_item", Some(&item.id)),
        json!({"unit_id": a.unit_id, "handler_id": a.handler_id, "manner": row.manner, "deadline": row.deadline}),
        now,
    )?;
    repo::record_change(conn, &p.tenant_id, "item", &item.id, now)?;
    Ok(row)
}

impl App {
    /// Assigns an incoming item (dekretacja) to a unit and optionally a handler.
    pub fn assign_item(
        &self,
        p: &Principal,
        item_id: &str,
        input: &AssignInput,
    ) -> Result<AssignmentRow, AppError> {
        let item = self.incoming_item(p, item_id)?;
        let now = self.now_ts();
        self.store.write(|conn| {
            let row = assign_item_in(conn, p, &item, input, now)?;
            crate::intake::decide::on_human_assignment(conn, p, &item.id, &row.unit_id, now)?;
            Ok(row)
        })
    }

    /// Gives a case to another handler of its unit (the unit is part of the case sign and
    /// does not change).
    pub fn assign_case(
        &self,
        p: &Principal,
        case_id: &str,
        input: &AssignInput,
    ) -> Result<AssignmentRow, AppError> {
        let now = self.now_ts();
        self.store.write(|conn| {
            let mut case = crate::cases::lock_visible(conn, p, case_id)?;
            let a = validate(conn, &p.tenant_id, input)?;
            if a.unit_id != case.unit_id {
                return Err(AppError::field(
                    "unit_id",
                    "other-unit",
                    "Sprawa należy do komórki ze znaku sprawy; wybierz prowadzącego z tej komórki.",
                    "A case stays in the unit of its sign; choose a handler from that unit.",
                ));
            }
            require(p, Permission::AssignItems, Some(&case.unit_id))?;
            let row = write_assignment(conn, p, CASE, &case.id, &a, now)?;
            case.handler_id = a.handler_id.clone();
            case.updated_at = now;
            ratusz_store::cases::update(conn, &case)?;
            crate::cases::log::append(
                conn,
                &p.tenant_id,
                &case.id,
                &p.actor(),
                "case.assigned",
                None,
                json!({"handler_id": a.handler_id, "manner": row.manner, "deadline": row.deadline}),
                now,
            )?;
            record(
                conn,
                &p.tenant_id,
                &p.actor(),
                "case.assigned",
                ("case", Some(&case.id)),
                json!({"handler_id": a.handler_id}),
                now,
            )?;
            repo::record_change(conn, &p.tenant_id, "case", &case.id, now)?;
            Ok(row)
        })
    }

    /// Changes the manner or deadline of the current assignment; only its author may.
    pub fn change_assignment(
        &self,
        p: &Principal,
        assignment_id: &str,
        manner: &str,
        deadline: &str,
    ) -> Result<(), AppError> {
        let now = self.now_ts();
        self.store.write(|conn| {
            let all: Vec<AssignmentRow> =
                ratusz_store::registry::assignment(conn, &p.tenant_id, assignment_id)?
                    .into_iter()
                    .collect();
            let a = all.into_iter().next().ok_or(AppError::NotFound)?;
            if a.superseded_at.is_some() {
                return Err(AppError::field(
                    "assignment",
                    "superseded",
                    "Ta dekretacja została już zastąpiona nową; zmień bieżącą.",
                    "This assignment has been replaced; change the current one.",
                ));
            }
            if a.assigned_by != p.user.id {
                return Err(AppError::field(
                    "assignment",
                    "not-assigner",
                    "Sposób i termin załatwienia może zmienić tylko osoba, która dekretowała.",
                    "Only the person who made the assignment may change its manner or deadline.",
                ));
            }
            let mut f = Fields::default();
            let manner = if manner.trim().is_empty() {
                Some(None)
            } else {
                f.take(Manner::parse_field("manner", manner).map(Some))
            };
            let deadline = f.take(optional_date("deadline", deadline));
            f.finish()?;
            let (Some(manner), Some(deadline)) = (manner, deadline) else {
                return Err(AppError::Internal("assignment validation".into()));
            };
            let manner = manner.map(|m| m.as_str());
            let deadline = deadline.map(iso);
            repo::change_assignment_terms(
                conn,
                &p.tenant_id,
                &a.id,
                manner,
                deadline.as_deref(),
                now,
            )?;
            if a.object_type == CASE {
                crate::cases::log::append(
                    conn,
                    &p.tenant_id,
                    &a.object_id,
                    &p.actor(),
                    "assignment.changed",
                    None,
                    json!({"manner": manner, "deadline": deadline}),
                    now,
                )?;
            }
            record(
                conn,
                &p.tenant_id,
                &p.actor(),
                "assignment.changed",
                (a.object_type.as_str(), Some(&a.object_id)),
                json!({"manner": manner, "deadline": deadline}),
                now,
            )?;
            Ok(())
        })
    }

    /// The assignment history of an object, oldest first.
    pub fn assignments(
        &self,
        tenant_id: &str,
        object_type: &str,
        object_id: &str,
    ) -> Result<Vec<AssignmentRow>, AppError> {
        self.store
            .read(|c| Ok(repo::assignments_of(c, tenant_id, object_type, object_id)?))
    }
}
