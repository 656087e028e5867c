//! Writing an alert and the four-eyes rule: a clerk writes it (from a template), checks it
//! (every CAP problem at once, the SMS text shown before sending), sends it for approval, and a
//! second authorised person — never the author — approves it; only then is it published and
//! fanned out. An "exercise" goes to staff only. Every step is audited.

use ratusz_core::alerts::{
    self as cap, Alert, Area, Category, Certainty, Circle, Info, MsgType, NamedValue, Polygon,
    Reference, Severity, Status, Template, Urgency,
};
use ratusz_core::roles::Permission;
use ratusz_store::alerts::{self as repo, AlertRow};
use ratusz_store::new_id;
use serde_json::json;
use time::OffsetDateTime;

use super::JOB_FANOUT;
use crate::accounts::Principal;
use crate::audit::record;
use crate::registry::require;
use crate::{App, AppError, FieldError};

pub const DRAFT: &str = "draft";
pub const AWAITING: &str = "awaiting_approval";
pub const PUBLISHED: &str = "published";
pub const REJECTED: &str = "rejected";

/// An alert as a clerk enters it. Strings as received; times as `YYYY-MM-DDTHH:MM` in Polish
/// local time (the form's `datetime-local`).
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct AlertInput {
    /// [`Template`] code the form started from (may be empty).
    pub template: String,
    pub category: String,
    pub event: String,
    pub urgency: String,
    pub severity: String,
    pub certainty: String,
    pub headline: String,
    pub description: String,
    pub instruction: String,
    pub onset: String,
    pub expires: String,
    /// Localities of the address register the alert covers.
    pub localities: Vec<String>,
    /// A polygon as CAP writes it: `lat,lon lat,lon …`, closed (first point again at the end).
    pub polygon: String,
    /// A circle as CAP writes it: `lat,lon radius_km`.
    pub circle: String,
    /// The clerk's own SMS text; empty: derived from the headline and instruction.
    pub sms_text: String,
    /// An exercise goes to staff only.
    pub exercise: bool,
    /// `alert`, `update` or `cancel`.
    pub msg_type: String,
    /// For an update or cancellation: the id of the alert it refers to.
    pub refers_to: String,
    /// Staff who must confirm receipt: unit codes in the order they are alerted
    /// (`GK, OR`); empty: no confirmation needed (see [`super::escalate`]).
    pub confirm_groups: String,
    /// Confirmations needed before the next group is spared.
    pub confirm_min: String,
    /// Minutes each group has to confirm.
    pub confirm_minutes: String,
}

impl AlertInput {
    /// The form prefilled from a template.
    pub fn from_template(t: Template) -> Self {
        Self {
            template: t.as_str().into(),
            category: t.category().as_str().into(),
            event: t.event_pl().into(),
            urgency: t.urgency().as_str().into(),
            severity: t.severity().as_str().into(),
            certainty: t.certainty().as_str().into(),
            headline: t.headline_pl().into(),
            instruction: t.instruction_pl().into(),
            msg_type: "alert".into(),
            ..Self::default()
        }
    }
}

/// A `datetime-local` value in Polish local time; empty is `None`.
fn local_time(field: &str, value: &str) -> Result<Option<OffsetDateTime>, FieldError> {
    if value.trim().is_empty() {
        return Ok(None);
    }
    ratusz_core::clock::parse_warsaw_datetime_local(value)
        .map(Some)
        .ok_or_else(|| {
            FieldError::new(
                field,
                "format",
                "Podaj datę i godzinę, np. 2026-11-24 18:00.",
                "Enter a date and time, e.g. 2026-11-24 18:00.",
            )
        })
}

/// The form field a CAP problem belongs to.
fn form_field(issue_field: &str) -> &'static str {
    const FIELDS: [&str; 12] = [
        "polygon",
        "circle",
        "expires",
        "onset",
        "headline",
        "event",
        "instruction",
        "description",
        "references",
        "category",
        "sms",
        "area",
    ];
    let f = issue_field.to_lowercase();
    FIELDS
        .into_iter()
        .find(|name| f.contains(name))
        .map(|name| match name {
            "references" => "refers_to",
            "area" => "localities",
            "sms" => "sms_text",
            other => other,
        })
        .unwrap_or("headline")
}

impl App {
    /// The CAP message of an input, checked: all problems at once.
    fn build_alert(
        &self,
        p: &Principal,
        input: &AlertInput,
        identifier: &str,
        now: OffsetDateTime,
    ) -> Result<(Alert, String, Vec<String>), AppError> {
        let mut errors: Vec<FieldError> = Vec::new();
        let enum_err = |field: &str| {
            FieldError::new(
                field,
                "unknown-value",
                "Wybierz wartość z listy.",
                "Choose a value from the list.",
            )
        };
        let category = Category::parse(input.category.trim());
        let urgency = Urgency::parse(input.urgency.trim());
        let severity = Severity::parse(input.severity.trim());
        let certainty = Certainty::parse(input.certainty.trim());
        for (ok, field) in [
            (category.is_some(), "category"),
            (urgency.is_some(), "urgency"),
            (severity.is_some(), "severity"),
            (certainty.is_some(), "certainty"),
        ] {
            if !ok {
                errors.push(enum_err(field));
            }
        }
        let onset = local_time("onset", &input.onset).unwrap_or_else(|e| {
            errors.push(e);
            None
        });
        let expires = local_time("expires", &input.expires).unwrap_or_else(|e| {
            errors.push(e);
            None
        });
        if expires.is_none() && !errors.iter().any(|e| e.field == "expires") {
            errors.push(FieldError::new(
                "expires",
                "empty",
                "Podaj, do kiedy ostrzeżenie obowiązuje.",
                "Enter when the alert expires.",
            ));
        }
        let known = self.alert_localities(&p.tenant_id)?;
        let mut localities: Vec<String> = Vec::new();
        for l in input
            .localities
            .iter()
            .map(|l| l.trim())
            .filter(|l| !l.is_empty())
        {
            match known.iter().find(|k| k.as_str() == l) {
                Some(k) if !localities.contains(k) => localities.push(k.clone()),
                Some(_) => {}
                None => errors.push(enum_err("localities")),
            }
        }
        let polygon = match input.polygon.trim() {
            "" => None,
            text => match Polygon::parse(text) {
                Some(poly) => Some(poly),
                None => {
                    errors.push(FieldError::new(
                        "polygon",
                        "format",
                        "Wielokąt zapisz jako pary „szerokość,długość” oddzielone spacjami, np. 50.06,19.94 50.07,19.95 50.05,19.96 50.06,19.94 (pierwszy punkt powtórzony na końcu).",
                        "Write the polygon as \"lat,lon\" pairs separated by spaces, e.g. 50.06,19.94 50.07,19.95 50.05,19.96 50.06,19.94 (the first point again at the end).",
                    ));
                    None
                }
            },
        };
        let circle = match input.circle.trim() {
            "" => None,
            text => match Circle::parse(text) {
                Some(c) => Some(c),
                None => {
                    errors.push(FieldError::new(
                        "circle",
                        "format",
                        "Koło zapisz jako „szerokość,długość promień_km”, np. 50.06,19.94 2.5.",
                        "Write the circle as \"lat,lon radius_km\", e.g. 50.06,19.94 2.5.",
                    ));
                    None
                }
            },
        };
        if localities.is_empty() && polygon.is_none() && circle.is_none() {
            errors.push(FieldError::new(
                "localities",
                "empty",
                "Wskaż obszar: zaznacz miejscowości albo narysuj wielokąt lub koło.",
                "Choose the area: tick localities or draw a polygon or a circle.",
            ));
        }
        let msg_type = match input.msg_type.trim() {
            "" | "alert" => MsgType::Alert,
            "update" => MsgType::Update,
            "cancel" => MsgType::Cancel,
            _ => {
                errors.push(enum_err("msg_type"));
                MsgType::Alert
            }
        };
        let mut references = Vec::new();
        if msg_type != MsgType::Alert {
            let original = self
                .store
                .read(|c| Ok::<_, AppError>(repo::alert(c, &p.tenant_id, input.refers_to.trim())?))?
                .filter(|a| a.workflow == PUBLISHED)
                .and_then(|a| serde_json::from_str::<Alert>(&a.cap).ok());
            match original {
                Some(o) => references.push(Reference::to(&o)),
                None => errors.push(FieldError::new(
                    "refers_to",
                    "unknown-alert",
                    "Aktualizacja i odwołanie muszą wskazywać opublikowane ostrzeżenie.",
                    "An update or cancellation must refer to a published alert.",
                )),
            }
        }
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        let (Some(category), Some(urgency), Some(severity), Some(certainty)) =
            (category, urgency, severity, certainty)
        else {
            return Err(AppError::Internal("alert validation".into()));
        };
        let tenant = self
            .store
            .read(|c| Ok::<_, AppError>(ratusz_store::tenants::tenant(c, &p.tenant_id)?))?;
        let office = crate::tenants::office_of(Some(&tenant));
        let host = self
            .settings
            .public_url
            .split("://")
            .nth(1)
            .unwrap_or("localhost")
            .split(['/', ':'])
            .next()
            .unwrap_or("localhost")
            .to_owned();
        let mut alert = Alert::new(identifier, format!("ostrzezenia@{host}"), now);
        alert.status = if input.exercise {
            Status::Exercise
        } else {
            Status::Actual
        };
        alert.msg_type = msg_type;
        alert.references = references;
        let mut info = Info::new(category, input.event.trim(), urgency, severity, certainty);
        info.language = Some("pl-PL".into());
        info.onset = onset;
        info.effective = onset;
        info.expires = expires;
        info.sender_name = Some(office.name.clone());
        let opt = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        info.headline = opt(&input.headline);
        info.description = opt(&input.description);
        info.instruction = opt(&input.instruction);
        if let Some(t) = Template::parse(input.template.trim()) {
            info.response_types = vec![t.response_type()];
        }
        let mut desc = localities.join(", ");
        if polygon.is_some() || circle.is_some() {
            if !desc.is_empty() {
                desc.push_str("; ");
            }
            desc.push_str("obszar zaznaczony na mapie");
        }
        let mut area = Area::new(format!("{}: {desc}", office.name));
        area.polygons.extend(polygon);
        area.circles.extend(circle);
        for l in &localities {
            area.geocodes
                .push(NamedValue::new("miejscowosc", l.clone()));
        }
        info.areas.push(area);
        alert.infos.push(info);
        let suffix = self.sms_suffix_sample();
        let sms = if input.sms_text.trim().is_empty() {
            // An update or cancellation says so first, as the e-mail's subject does: the
            // resident may already hold the original.
            let mut info = alert.infos[0].clone();
            let prefix = match alert.msg_type {
                MsgType::Update => "AKTUALIZACJA: ",
                MsgType::Cancel => "ODWOLANE: ",
                _ => "",
            };
            if !prefix.is_empty() {
                let headline = info.headline.as_deref().unwrap_or(info.event.as_str());
                info.headline = Some(format!("{prefix}{headline}"));
            }
            cap::derive_sms_for_with(&info, &suffix).text
        } else {
            input.sms_text.trim().to_owned()
        };
        if let Err(issues) = cap::validate_with_sms(&alert, &sms, &suffix) {
            let errors = issues
                .iter()
                .map(|i| {
                    FieldError::new(
                        form_field(&i.field),
                        i.code(),
                        i.message_pl(),
                        i.message_en(),
                    )
                })
                .collect();
            return Err(AppError::Invalid(errors));
        }
        Ok((alert, sms, localities))
    }

    /// Writes a new alert as a draft (checked in full) and returns it.
    pub fn create_alert(&self, p: &Principal, input: &AlertInput) -> Result<AlertRow, AppError> {
        require(p, Permission::ComposeAlerts, None)?;
        let now = self.now_ts();
        let id = new_id();
        let slug = self
            .store
            .read(|c| Ok::<_, AppError>(ratusz_store::tenants::tenant(c, &p.tenant_id)?))?
            .slug;
        let identifier = format!("{slug}-{id}");
        let (alert, sms, localities) = self.build_alert(p, input, &identifier, self.clock.now())?;
        let escalation = self
            .escalation_of(&p.tenant_id, input)?
            .map(|e| serde_json::to_string(&e))
            .transpose()
            .map_err(|e| AppError::Internal(e.to_string()))?;
        let row = AlertRow {
            id,
            tenant_id: p.tenant_id.clone(),
            identifier,
            workflow: DRAFT.into(),
            template: Some(input.template.trim().to_owned()).filter(|t| !t.is_empty()),
            cap: serde_json::to_string(&alert).map_err(|e| AppError::Internal(e.to_string()))?,
            sms_text: sms,
            localities: localities.join("\n"),
            author_id: p.user.id.clone(),
            approver_id: None,
            created_at: now,
            updated_at: now,
            submitted_at: None,
            approved_at: None,
            fanned_out_at: None,
            escalation,
            escalation_stage: 0,
        };
        self.store.write(|conn| {
            repo::insert_alert(conn, &row)?;
            record(
                conn,
                &p.tenant_id,
                &p.actor(),
                "alert.created",
                ("alert", Some(&row.id)),
                json!({"identifier": row.identifier, "status": alert.status.as_str(), "msg_type": alert.msg_type.as_str()}),
                now,
            )?;
            Ok::<_, AppError>(())
        })?;
        Ok(row)
    }

    /// The address points' coordinates, for the map of the alert form (staff who compose).
    pub fn alert_map_points(&self, p: &Principal) -> Result<Vec<(f64, f64)>, AppError> {
        require(p, Permission::ComposeAlerts, None)?;
        self.store
            .read(|c| Ok::<_, AppError>(repo::point_localities(c, &p.tenant_id)?))
            .map(|points| {
                points
                    .into_iter()
                    .map(|(_, _, lat, lon)| (lat, lon))
                    .collect()
            })
    }

    /// An alert of the caller's office (staff who compose or approve).
    pub fn alert(&self, p: &Principal, id: &str) -> Result<AlertRow, AppError> {
        if require(p, Permission::ComposeAlerts, None).is_err() {
            require(p, Permission::ApproveAlerts, None)?;
        }
        self.store
            .read(|c| Ok::<_, AppError>(repo::alert(c, &p.tenant_id, id)?))?
            .ok_or(AppError::NotFound)
    }

    /// The office's alerts, newest first (staff).
    pub fn alerts(&self, p: &Principal) -> Result<Vec<AlertRow>, AppError> {
        if require(p, Permission::ComposeAlerts, None).is_err() {
            require(p, Permission::ApproveAlerts, None)?;
        }
        self.store
            .read(|c| Ok(repo::alerts_in(c, &p.tenant_id, &[], 200)?))
    }

    /// The author sends a draft for approval.
    pub fn submit_alert(&self, p: &Principal, id: &str) -> Result<AlertRow, AppError> {
        require(p, Permission::ComposeAlerts, None)?;
        self.move_alert(
            p,
            id,
            &[DRAFT, REJECTED],
            AWAITING,
            "alert.submitted",
            |row, now| {
                row.submitted_at = Some(now);
                Ok(())
            },
        )
    }

    /// A second person approves: the alert is published and its fan-out queued in the same
    /// transaction. The author can never approve their own alert.
    pub fn approve_alert(&self, p: &Principal, id: &str) -> Result<AlertRow, AppError> {
        require(p, Permission::ApproveAlerts, None)?;
        self.move_alert(
            p,
            id,
            &[AWAITING],
            PUBLISHED,
            "alert.approved",
            |row, now| {
                if row.author_id == p.user.id {
                    return Err(AppError::field(
                        "alert",
                        "own-alert",
                        "Ostrzeżenie zatwierdza inna osoba niż autor (zasada dwóch par oczu).",
                        "Someone other than the author approves an alert (four-eyes rule).",
                    ));
                }
                row.approver_id = Some(p.user.id.clone());
                row.approved_at = Some(now);
                Ok(())
            },
        )
    }

    /// A second person sends the alert back to its author.
    pub fn reject_alert(&self, p: &Principal, id: &str) -> Result<AlertRow, AppError> {
        require(p, Permission::ApproveAlerts, None)?;
        self.move_alert(p, id, &[AWAITING], REJECTED, "alert.rejected", |row, _| {
            row.approver_id = Some(p.user.id.clone());
            Ok(())
        })
    }

    fn move_alert(
        &self,
        p: &Principal,
        id: &str,
        from: &[&str],
        to: &str,
        event: &str,
        change: impl FnOnce(&mut AlertRow, i64) -> Result<(), AppError>,
    ) -> Result<AlertRow, AppError> {
        let now = self.now_ts();
        self.store.write(|conn| {
            let mut row = repo::alert(conn, &p.tenant_id, id)?.ok_or(AppError::NotFound)?;
            if !from.contains(&row.workflow.as_str()) {
                return Err(AppError::field(
                    "alert",
                    "wrong-state",
                    "Tego ostrzeżenia nie można teraz przenieść do tego etapu (odśwież stronę).",
                    "The alert cannot move to that step now (reload the page).",
                ));
            }
            change(&mut row, now)?;
            let before = row.workflow.clone();
            row.workflow = to.into();
            row.updated_at = now;
            repo::update_alert(conn, &row)?;
            if to == PUBLISHED {
                let payload = json!({"alert_id": row.id}).to_string();
                let key = format!("alert-fanout:{}", row.id);
                ratusz_store::jobs::enqueue(
                    conn,
                    &ratusz_store::jobs::NewJob {
                        tenant_id: &p.tenant_id,
                        kind: JOB_FANOUT,
                        payload: &payload,
                        run_at: now,
                        max_attempts: 10,
                        idempotency_key: Some(&key),
                    },
                    now,
                )?;
            }
            record(
                conn,
                &p.tenant_id,
                &p.actor(),
                event,
                ("alert", Some(&row.id)),
                json!({"from": before, "to": to, "identifier": row.identifier}),
                now,
            )?;
            Ok::<_, AppError>(row)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_land_on_the_form_fields() {
        assert_eq!(form_field("info[0].area[1].polygon[0]"), "polygon");
        assert_eq!(form_field("info[0].expires"), "expires");
        assert_eq!(form_field("references"), "refers_to");
        assert_eq!(form_field("info[0].area[0]"), "localities");
    }

    #[test]
    fn local_times_carry_the_polish_offset() {
        let winter = local_time("onset", "2026-11-24T18:00").unwrap().unwrap();
        assert_eq!(winter.offset().whole_hours(), 1);
        let summer = local_time("onset", "2026-07-01T18:00").unwrap().unwrap();
        assert_eq!(summer.offset().whole_hours(), 2);
        assert!(local_time("onset", "jutro").is_err());
        assert_eq!(local_time("onset", "").unwrap(), None);
    }
}
