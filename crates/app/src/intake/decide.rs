//! The registrar's decisions on the robot's work: confirm a suggestion, correct it (the
//! correction becomes training data), or undo what the robot did by itself with one action.

use ratusz_core::cases::CaseStatus;
use ratusz_core::roles::Permission;
use ratusz_store::Db;
use ratusz_store::intake::{self as repo, IntakeRow};
use ratusz_store::registry as reg;
use serde_json::json;

use super::read::Reading;
use super::{ASSIGNED, CONFIRMED, CORRECTED, MANUAL, READING, SUGGESTED, UNDONE};
use crate::accounts::Principal;
use crate::audit::record;
use crate::registry::assign::{AssignInput, ITEM, assign_item_in};
use crate::registry::{iso, require};
use crate::{App, AppError};

fn reading_of(row: &IntakeRow) -> Reading {
    serde_json::from_str(&row.suggestions).unwrap_or_default()
}

fn not_waiting() -> AppError {
    AppError::field(
        "item",
        "not-waiting",
        "To pismo nie czeka już na decyzję w kolejce wpływu (ktoś je przydzielił).",
        "This item no longer waits in the intake queue (someone has assigned it).",
    )
}

/// Records a person's assignment of an item the robot read (called for every assignment made
/// by a person): confirmed when it agrees with the suggestion, corrected when not.
pub(crate) fn on_human_assignment(
    conn: &mut Db,
    p: &Principal,
    item_id: &str,
    unit_id: &str,
    now: i64,
) -> Result<(), AppError> {
    let Some(mut row) = repo::intake(conn, &p.tenant_id, item_id)? else {
        return Ok(());
    };
    // Also before the robot has read it: the person's choice stands, and is training data.
    if ![READING, SUGGESTED, MANUAL, ASSIGNED].contains(&row.status.as_str()) {
        return Ok(());
    }
    decided(conn, p, &mut row, unit_id, now)
}

/// Writes a person's decision: confirmed when the unit is the suggested one, else corrected.
fn decided(
    conn: &mut Db,
    p: &Principal,
    row: &mut IntakeRow,
    unit_id: &str,
    now: i64,
) -> Result<(), AppError> {
    let suggested = reading_of(row).unit.map(|u| u.value);
    row.status = if suggested.as_deref() == Some(unit_id) {
        CONFIRMED
    } else {
        CORRECTED
    }
    .into();
    row.decided_by = Some(p.user.id.clone());
    row.decided_at = Some(now);
    row.updated_at = now;
    repo::update_intake(conn, row)?;
    Ok(())
}

impl App {
    /// Confirms the robot's suggested unit: the item is assigned to it (when the robot has not
    /// already done so).
    pub fn confirm_intake(&self, p: &Principal, item_id: &str) -> Result<IntakeRow, AppError> {
        let item = self.incoming_item(p, item_id)?;
        let now = self.now_ts();
        self.store.write(|conn| {
            require(p, Permission::AssignItems, None)?;
            let mut row = repo::intake(conn, &p.tenant_id, &item.id)?.ok_or(AppError::NotFound)?;
            if ![SUGGESTED, MANUAL, ASSIGNED].contains(&row.status.as_str()) {
                return Err(not_waiting());
            }
            let Some(unit) = reading_of(&row).unit else {
                return Err(AppError::field(
                    "unit_id",
                    "no-suggestion",
                    "Robot nie wskazał komórki; wybierz ją sam.",
                    "The robot suggested no unit; choose one yourself.",
                ));
            };
            let item = reg::incoming(conn, &p.tenant_id, &item.id)?.ok_or(AppError::NotFound)?;
            if item.unit_id.as_deref() != Some(unit.value.as_str()) {
                assign_item_in(
                    conn,
                    p,
                    &item,
                    &AssignInput {
                        unit_id: unit.value.clone(),
                        ..AssignInput::default()
                    },
                    now,
                )?;
            }
            decided(conn, p, &mut row, &unit.value, now)?;
            record(
                conn,
                &p.tenant_id,
                &p.actor(),
                "intake.confirmed",
                ("incoming_item", Some(&item.id)),
                json!({"unit_id": unit.value, "confidence": unit.confidence}),
                now,
            )?;
            Ok(row)
        })
    }

    /// Assigns the item to another unit than the robot suggested; the choice becomes training
    /// data for the model.
    pub fn correct_intake(
        &self,
        p: &Principal,
        item_id: &str,
        unit_id: &str,
    ) -> Result<IntakeRow, AppError> {
        let item = self.incoming_item(p, item_id)?;
        if item.case_id.is_some() {
            return Err(AppError::field(
                "unit_id",
                "in-case",
                "Pismo jest już w sprawie; aby je przenieść, najpierw cofnij działanie robota.",
                "The item is already in a case; undo the robot's action first to move it.",
            ));
        }
        let now = self.now_ts();
        self.store.write(|conn| {
            let mut row = repo::intake(conn, &p.tenant_id, &item.id)?.ok_or(AppError::NotFound)?;
            if ![SUGGESTED, MANUAL, ASSIGNED].contains(&row.status.as_str()) {
                return Err(not_waiting());
            }
            assign_item_in(
                conn,
                p,
                &item,
                &AssignInput {
                    unit_id: unit_id.trim().to_owned(),
                    ..AssignInput::default()
                },
                now,
            )?;
            let suggested = reading_of(&row).unit.map(|u| u.value);
            decided(conn, p, &mut row, unit_id.trim(), now)?;
            record(
                conn,
                &p.tenant_id,
                &p.actor(),
                "intake.corrected",
                ("incoming_item", Some(&item.id)),
                json!({"unit_id": unit_id.trim(), "suggested": suggested}),
                now,
            )?;
            Ok(row)
        })
    }

    /// Undoes what the robot did by itself: its assignment is withdrawn and the item returns
    /// to the queue; a case it opened is closed as opened by mistake (its sign stays in the
    /// case index, as every sign given does) with its draft withdrawn, and the item leaves it.
    pub fn undo_intake(&self, p: &Principal, item_id: &str) -> Result<IntakeRow, AppError> {
        let item = self.incoming_item(p, item_id)?;
        let now = self.now_ts();
        let today = self.clock.today_warsaw();
        let robot = self.intake_robot(&p.tenant_id)?;
        self.store.write(|conn| {
            require(p, Permission::AssignItems, None)?;
            let mut row = repo::intake(conn, &p.tenant_id, &item.id)?.ok_or(AppError::NotFound)?;
            if row.status != ASSIGNED {
                return Err(AppError::field(
                    "item",
                    "not-automatic",
                    "Cofnąć można tylko to, co robot zrobił sam (status „przydzielone automatycznie”).",
                    "Only what the robot did by itself can be undone (status \"assigned automatically\").",
                ));
            }
            let item = reg::incoming(conn, &p.tenant_id, &item.id)?.ok_or(AppError::NotFound)?;
            let mut closed_sign = None;
            if let Some(case_id) = &row.linked_case_id
                && let Some(mut case) = ratusz_store::cases::get(conn, &p.tenant_id, case_id)?
            {
                if case.opened_by == robot.user.id {
                    close_robot_case(conn, p, &mut case, today, now)?;
                    closed_sign = Some(case.sign.clone());
                }
                ratusz_store::casefiles::detach_item_from_case(
                    conn,
                    &p.tenant_id,
                    &item.id,
                    &case.id,
                )?;
                crate::cases::log::append(
                    conn,
                    &p.tenant_id,
                    &case.id,
                    &p.actor(),
                    "item.detached",
                    None,
                    json!({"item_ref": item.item_ref, "reason": "intake undone"}),
                    now,
                )?;
                reg::record_change(conn, &p.tenant_id, "case", &case.id, now)?;
            }
            reg::supersede_assignments(conn, &p.tenant_id, ITEM, &item.id, now)?;
            // Back to the registry desk: no unit, no handler.
            reg::set_incoming_assignee(conn, &p.tenant_id, &item.id, None, None)?;
            reg::record_change(conn, &p.tenant_id, "item", &item.id, now)?;
            let mut reading = reading_of(&row);
            reading.linked_sign = None;
            reading.held_because = Some("Działanie robota cofnięte; wybierz komórkę.".into());
            row.suggestions = serde_json::to_string(&reading)
                .map_err(|e| AppError::Internal(e.to_string()))?;
            row.status = UNDONE.into();
            row.linked_case_id = None;
            row.draft_document_id = None;
            row.decided_by = Some(p.user.id.clone());
            row.decided_at = Some(now);
            row.updated_at = now;
            repo::update_intake(conn, &row)?;
            record(
                conn,
                &p.tenant_id,
                &p.actor(),
                "intake.undone",
                ("incoming_item", Some(&item.id)),
                json!({"closed_case": closed_sign}),
                now,
            )?;
            // Back in the queue for a person's choice.
            row.status = SUGGESTED.into();
            repo::update_intake(conn, &row)?;
            Ok(row)
        })
    }
}

/// Closes a case the robot opened by mistake, withdrawing the robot's drafts.
fn close_robot_case(
    conn: &mut Db,
    p: &Principal,
    case: &mut ratusz_store::cases::CaseRow,
    today: time::Date,
    now: i64,
) -> Result<(), AppError> {
    for doc in super::draft::robot_drafts_in(conn, &p.tenant_id, &case.id, None)? {
        crate::casefiles::withdraw_in(conn, &p.actor(), &case.id, &doc, now)?;
    }
    if case.status != CaseStatus::Closed.as_str() {
        case.status = CaseStatus::Closed.as_str().into();
        case.closed_on = Some(iso(today));
        case.updated_at = now;
        ratusz_store::cases::update(conn, case)?;
        crate::cases::log::append(
            conn,
            &p.tenant_id,
            &case.id,
            &p.actor(),
            "case.closed",
            None,
            json!({"closed_on": case.closed_on, "reason": "opened by mistake (intake robot undone)"}),
            now,
        )?;
        record(
            conn,
            &p.tenant_id,
            &p.actor(),
            "case.closed",
            ("case", Some(&case.id)),
            json!({"sign": case.sign, "reason": "intake undone"}),
            now,
        )?;
    }
    Ok(())
}
