//! The registry (EZD, instrukcja kancelaryjna — rozporządzenie Prezesa Rady Ministrów z dnia
//! 18 stycznia 2011 r.): the file plan, the incoming and outgoing registers and assignments.
//!
//! Shared here: who may see what ([`Scope`]), input validation helpers and uploads.

pub mod assign;
pub mod file_plan;
pub mod incoming;
pub mod kinds;
pub mod upload;

use ratusz_core::roles::{Permission, Role};
use time::Date;

use crate::accounts::Principal;
use crate::{AppError, FieldError};

/// What part of the office a staff member sees: everything (a tenant-wide grant) or the units
/// they hold a role in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    /// `None`: every unit.
    pub units: Option<Vec<String>>,
    /// Whether restricted objects of those units are visible (managers, tenant-wide staff).
    pub restricted: bool,
    pub user_id: String,
}

impl Scope {
    pub fn of(p: &Principal) -> Self {
        let staff: Vec<_> = p.grants.iter().filter(|g| g.role.is_staff()).collect();
        let wide = staff.iter().any(|g| g.unit.is_none());
        let units = if wide {
            None
        } else {
            let mut u: Vec<String> = staff
                .iter()
                .filter_map(|g| g.unit.map(|u| u.to_string()))
                .collect();
            u.sort();
            u.dedup();
            Some(u)
        };
        let restricted = wide || staff.iter().any(|g| g.role == Role::Manager);
        Self {
            units,
            restricted,
            user_id: p.user.id.clone(),
        }
    }

    pub fn covers(&self, unit_id: &str) -> bool {
        match &self.units {
            None => true,
            Some(u) => u.iter().any(|x| x == unit_id),
        }
    }

    /// Whether an object of `unit_id` with `access` handled by `handler` is visible.
    pub fn sees(&self, unit_id: Option<&str>, access: &str, handler: Option<&str>) -> bool {
        if handler == Some(self.user_id.as_str()) {
            return true;
        }
        let unit_ok = match unit_id {
            Some(u) => self.covers(u),
            None => self.units.is_none(),
        };
        unit_ok && (access != kinds::AccessLevel::Restricted.as_str() || self.restricted)
    }
}

/// Refuses unless the principal holds `perm` on `unit_id` (or office-wide when `None`).
pub fn require(p: &Principal, perm: Permission, unit_id: Option<&str>) -> Result<(), AppError> {
    let unit = match unit_id {
        Some(u) => Some(uuid::Uuid::parse_str(u).map_err(|_| AppError::NotFound)?),
        None => None,
    };
    if p.allowed(perm, unit) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// Refuses unless the principal holds `perm` in at least one unit (or office-wide). Token
/// scopes apply as everywhere (through [`Principal::allowed`]).
pub fn require_anywhere(p: &Principal, perm: Permission) -> Result<(), AppError> {
    let anywhere = p.allowed(perm, None)
        || p.grants
            .iter()
            .filter_map(|g| g.unit)
            .any(|u| p.allowed(perm, Some(u)));
    if anywhere {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// A required single-line text field: trimmed, 1..=max characters, no control characters.
pub fn text_field(field: &str, value: &str, max: usize) -> Result<String, FieldError> {
    let v = value.trim();
    if v.is_empty() {
        return Err(FieldError::new(
            field,
            "empty",
            "To pole jest wymagane.",
            "This field is required.",
        ));
    }
    check_len(field, v, max)?;
    Ok(v.to_owned())
}

/// An optional text field: empty means `None`.
pub fn optional_text(field: &str, value: &str, max: usize) -> Result<Option<String>, FieldError> {
    let v = value.trim();
    if v.is_empty() {
        return Ok(None);
    }
    check_len(field, v, max)?;
    Ok(Some(v.to_owned()))
}

/// Multi-line text (addresses, letter bodies): line breaks and tabs allowed.
pub fn long_text(field: &str, value: &str, max: usize) -> Result<String, FieldError> {
    let v = value.trim();
    let n = v.chars().count();
    if n > max {
        return Err(FieldError::new(
            field,
            "too-long",
            format!("Tekst może mieć najwyżej {max} znaków (jest {n})."),
            format!("The text may have at most {max} characters (it has {n})."),
        ));
    }
    if v.chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        return Err(control_chars(field));
    }
    Ok(v.replace("\r\n", "\n"))
}

fn check_len(field: &str, v: &str, max: usize) -> Result<(), FieldError> {
    let n = v.chars().count();
    if n > max {
        return Err(FieldError::new(
            field,
            "too-long",
            format!("Najwyżej {max} znaków (jest {n}); skróć tekst."),
            format!("At most {max} characters (it has {n}); shorten the text."),
        ));
    }
    if v.chars().any(char::is_control) {
        return Err(control_chars(field));
    }
    Ok(())
}

fn control_chars(field: &str) -> FieldError {
    FieldError::new(
        field,
        "control-characters",
        "Tekst zawiera niedozwolone znaki sterujące; wpisz go ponownie.",
        "The text contains control characters; type it again.",
    )
}

/// A calendar date `YYYY-MM-DD` (the format of `<input type="date">`).
pub fn date_field(field: &str, value: &str) -> Result<Date, FieldError> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    let v = value.trim();
    Date::parse(v, &fmt)
        .ok()
        .filter(|d| (1990..=2200).contains(&d.year()))
        .ok_or_else(|| {
            FieldError::new(
                field,
                "date",
                "Podaj datę w formacie RRRR-MM-DD, np. 2026-11-23.",
                "Enter a date as YYYY-MM-DD, e.g. 2026-11-23.",
            )
        })
}

pub fn optional_date(field: &str, value: &str) -> Result<Option<Date>, FieldError> {
    if value.trim().is_empty() {
        Ok(None)
    } else {
        date_field(field, value).map(Some)
    }
}

/// A stored calendar date.
pub fn iso(d: Date) -> String {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    d.format(&fmt).unwrap_or_default()
}

/// Reads a stored calendar date (written by [`iso`]).
pub fn parse_iso(s: &str) -> Option<Date> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(s, &fmt).ok()
}

/// Collects field errors; `Ok` when there were none.
#[derive(Default)]
pub struct Fields(pub Vec<FieldError>);

impl Fields {
    pub fn take<T>(&mut self, r: Result<T, FieldError>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                self.0.push(e);
                None
            }
        }
    }

    pub fn finish(self) -> Result<(), AppError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(AppError::Invalid(self.0))
        }
    }
}
