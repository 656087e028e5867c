//! The case clock in words, for the clerk who must meet the term.

use super::ProcedureKind;
use super::clock::{CaseDue, PauseEffect, PauseReason, PauseStep};
use super::words::{date_en, date_pl, day_en, day_pl, days_en, days_pl, term_en, term_pl};
use crate::calendar::ShiftReason;
use time::Date;

/// Whether the kind's term is a KPA term (otherwise the Kodeks cywilny counts it the same way).
fn under_kpa(kind: ProcedureKind) -> bool {
    !matches!(
        kind,
        ProcedureKind::PublicInformation | ProcedureKind::Petition
    )
}

fn reason_pl(reason: PauseReason) -> &'static str {
    match reason {
        PauseReason::Suspension => "zawieszenie postępowania (art. 97 KPA)",
        PauseReason::Deficiency => "oczekiwanie na usunięcie braków (art. 64 § 2 KPA)",
        PauseReason::PartyDelay => {
            "opóźnienie z winy strony albo z przyczyn niezależnych od organu"
        }
    }
}

fn reason_en(reason: PauseReason) -> &'static str {
    match reason {
        PauseReason::Suspension => "proceedings suspended (KPA art. 97)",
        PauseReason::Deficiency => "waiting for deficiencies to be remedied (KPA art. 64 § 2)",
        PauseReason::PartyDelay => "delay caused by the party or beyond the authority's control",
    }
}

fn day_before(date: Date) -> Date {
    date.previous_day().unwrap_or(date)
}

fn pause_pl(step: &PauseStep) -> String {
    let pause = &step.pause;
    let what = reason_pl(pause.reason);
    let from = day_pl(pause.from);
    let span = match pause.until {
        Some(until) => format!("od {from}, bieg terminu wznowiony {}", day_pl(until)),
        None => format!("od {from}"),
    };
    match step.effect {
        PauseEffect::Counted {
            excluded_from,
            excluded_until,
            days_added,
        } => format!(
            "– {what}, {span}: nie wlicza się dni od {} do {}; termin wydłuża się o {}",
            day_pl(excluded_from),
            day_pl(day_before(excluded_until)),
            days_pl(u64::from(days_added))
        ),
        PauseEffect::Absorbed => format!(
            "– {what}, {span}: te dni były już wyłączone z terminu, więc termin się nie wydłuża"
        ),
        PauseEffect::AfterDue { due } => format!(
            "– {what}, {span}: rozpoczęło się po upływie terminu ({}), więc go nie wydłuża",
            day_pl(due)
        ),
        PauseEffect::NoTerm => format!("– {what}, {span}: w tym czasie nie biegł żaden termin"),
        PauseEffect::StopsClock => {
            format!("– {what}, {span}, nadal trwa: bieg terminu jest wstrzymany")
        }
        PauseEffect::NotReached => format!(
            "– {what}, {span}: przypada po wstrzymaniu biegu terminu i zostanie uwzględnione po jego wznowieniu"
        ),
    }
}

fn pause_en(step: &PauseStep) -> String {
    let pause = &step.pause;
    let what = reason_en(pause.reason);
    let from = day_en(pause.from);
    let span = match pause.until {
        Some(until) => format!("from {from}, the clock ran again on {}", day_en(until)),
        None => format!("from {from}"),
    };
    match step.effect {
        PauseEffect::Counted {
            excluded_from,
            excluded_until,
            days_added,
        } => format!(
            "- {what}, {span}: the days from {} to {} do not count; the term grows by {}",
            day_en(excluded_from),
            day_en(day_before(excluded_until)),
            days_en(u64::from(days_added))
        ),
        PauseEffect::Absorbed => {
            format!("- {what}, {span}: these days were already excluded, so the term does not grow")
        }
        PauseEffect::AfterDue { due } => format!(
            "- {what}, {span}: it began after the term had expired ({}), so it does not extend it",
            day_en(due)
        ),
        PauseEffect::NoTerm => format!("- {what}, {span}: no term was running then"),
        PauseEffect::StopsClock => {
            format!("- {what}, {span}, still going on: the clock is stopped")
        }
        PauseEffect::NotReached => format!(
            "- {what}, {span}: it comes after the clock stopped and will count once it runs again"
        ),
    }
}

/// Ends every line of a list with ';' and the last with '.'.
fn punctuate(lines: Vec<String>) -> Vec<String> {
    let count = lines.len();
    lines
        .into_iter()
        .enumerate()
        .map(|(i, line)| format!("{line}{}", if i + 1 == count { '.' } else { ';' }))
        .collect()
}

impl CaseDue {
    /// The computation in plain Polish, one step a line, for the clerk handling the case.
    pub fn explain_pl(&self) -> String {
        let kpa = under_kpa(self.kind);
        let mut lines = vec![format!("Rodzaj sprawy: {}.", self.kind.label_pl())];
        lines.push(format!(
            "Początek biegu terminu: {} (tego dnia nie wlicza się do terminu – {}).",
            date_pl(self.start),
            if kpa {
                "art. 57 § 1 KPA"
            } else {
                "art. 111 § 2 Kodeksu cywilnego"
            }
        ));
        match (self.statutory, self.nominal_end) {
            (Some(statutory), Some(end)) => {
                lines.push(format!(
                    "Termin ustawowy: {} ({}).",
                    term_pl(statutory.term),
                    statutory.basis_pl
                ));
                lines.push(format!(
                    "Koniec terminu według kalendarza: {}",
                    date_pl(end)
                ));
            }
            _ => lines.push("Przepisy nie określają terminu załatwienia tej sprawy.".to_owned()),
        }
        if !self.pauses.is_empty() {
            lines.push(if kpa {
                "Okresy niewliczane do terminu (art. 35 § 5 KPA):".to_owned()
            } else {
                "Okresy niewliczane do terminu:".to_owned()
            });
            lines.extend(punctuate(self.pauses.iter().map(pause_pl).collect()));
        }
        if let Some(step) = &self.extension {
            let basis = if self.kind == ProcedureKind::PublicInformation {
                "art. 13 ust. 2 ustawy o dostępie do informacji publicznej"
            } else {
                "art. 36 § 1 KPA"
            };
            let x = &step.extension;
            if step.applied {
                let mut line = format!(
                    "Zawiadomienie o niezałatwieniu sprawy w terminie ({basis}) wyznacza nowy termin: {}; przyczyna zwłoki: {}.",
                    date_pl(x.new_due),
                    x.reason.trim()
                );
                if let Some(replaced) = step.replaced_due {
                    line.push_str(&format!(" Zastępuje termin {}.", day_pl(replaced)));
                }
                if let Some(cap) = step.cap {
                    line.push_str(&format!(
                        " Najpóźniejszy dopuszczalny termin to {} (2 miesiące od dnia złożenia wniosku).",
                        day_pl(cap)
                    ));
                }
                lines.push(line);
            } else {
                lines.push(format!(
                    "Zawiadomienie o niezałatwieniu sprawy w terminie (nowy termin: {}) zostanie uwzględnione po wznowieniu biegu terminu.",
                    day_pl(x.new_due)
                ));
            }
        }
        if let Some(since) = self.stopped_since {
            lines.push(format!(
                "Bieg terminu jest wstrzymany od {}; termin zostanie obliczony, gdy przerwa się zakończy.",
                day_pl(since)
            ));
            return no_double_stop(lines.join("\n"));
        }
        let Some(due) = self.due else {
            lines.push("Termin załatwienia sprawy nie został wyznaczony.".to_owned());
            return no_double_stop(lines.join("\n"));
        };
        if let Some(end) = self
            .end_before_shift
            .filter(|end| Some(*end) != self.nominal_end)
        {
            lines.push(format!(
                "Koniec terminu po uwzględnieniu powyższego: {}",
                date_pl(end)
            ));
        }
        if !self.shifts.is_empty() {
            lines.push(format!(
                "Termin nie może upłynąć w dniu wolnym od pracy ani w sobotę, więc przesuwa się na następny dzień roboczy ({}):",
                if kpa { "art. 57 § 4 KPA" } else { "art. 115 Kodeksu cywilnego" }
            ));
            let skipped = self
                .shifts
                .iter()
                .map(|shift| {
                    let why = match shift.reason {
                        ShiftReason::Saturday => "sobota".to_owned(),
                        ShiftReason::Sunday => {
                            "niedziela – dzień ustawowo wolny od pracy".to_owned()
                        }
                        ShiftReason::Holiday(name) => {
                            format!("święto „{name}” – dzień ustawowo wolny od pracy")
                        }
                    };
                    format!("– {}: {why}", date_pl(shift.from))
                })
                .collect();
            lines.extend(punctuate(skipped));
        }
        lines.push(format!("Termin upływa: {}", date_pl(due)));
        no_double_stop(lines.join("\n"))
    }

    /// The computation in plain English, one step a line.
    pub fn explain_en(&self) -> String {
        let kpa = under_kpa(self.kind);
        let mut lines = vec![format!("Kind of case: {}.", self.kind.label_en())];
        lines.push(format!(
            "The term runs from: {} (that day is not counted – {}).",
            date_en(self.start),
            if kpa {
                "KPA art. 57 § 1"
            } else {
                "Civil Code art. 111 § 2"
            }
        ));
        match (self.statutory, self.nominal_end) {
            (Some(statutory), Some(end)) => {
                lines.push(format!(
                    "Statutory term: {} ({}).",
                    term_en(statutory.term),
                    statutory.basis_en
                ));
                lines.push(format!("Calendar end of the term: {}.", date_en(end)));
            }
            _ => lines.push("No statute sets a term for this kind of case.".to_owned()),
        }
        if !self.pauses.is_empty() {
            lines.push(if kpa {
                "Periods not counted towards the term (KPA art. 35 § 5):".to_owned()
            } else {
                "Periods not counted towards the term:".to_owned()
            });
            lines.extend(punctuate(self.pauses.iter().map(pause_en).collect()));
        }
        if let Some(step) = &self.extension {
            let basis = if self.kind == ProcedureKind::PublicInformation {
                "Access to Public Information Act, art. 13(2)"
            } else {
                "KPA art. 36 § 1"
            };
            let x = &step.extension;
            if step.applied {
                let mut line = format!(
                    "The notice of delay ({basis}) names a new term: {}; reason: {}.",
                    date_en(x.new_due),
                    x.reason.trim()
                );
                if let Some(replaced) = step.replaced_due {
                    line.push_str(&format!(" It replaces the term of {}.", day_en(replaced)));
                }
                if let Some(cap) = step.cap {
                    line.push_str(&format!(
                        " The latest allowed term is {} (2 months from the request).",
                        day_en(cap)
                    ));
                }
                lines.push(line);
            } else {
                lines.push(format!(
                    "The notice of delay (new term: {}) will count once the clock runs again.",
                    day_en(x.new_due)
                ));
            }
        }
        if let Some(since) = self.stopped_since {
            lines.push(format!(
                "The clock is stopped since {}; the term will be computed when the pause ends.",
                day_en(since)
            ));
            return lines.join("\n");
        }
        let Some(due) = self.due else {
            lines.push("No term has been set for this case.".to_owned());
            return lines.join("\n");
        };
        if let Some(end) = self
            .end_before_shift
            .filter(|end| Some(*end) != self.nominal_end)
        {
            lines.push(format!(
                "End of the term after the above: {}.",
                date_en(end)
            ));
        }
        if !self.shifts.is_empty() {
            lines.push(format!(
                "A term cannot end on a day free from work or on a Saturday, so it moves to the next working day ({}):",
                if kpa { "KPA art. 57 § 4" } else { "Civil Code art. 115" }
            ));
            let skipped = self
                .shifts
                .iter()
                .map(|shift| {
                    let why = match shift.reason {
                        ShiftReason::Saturday => "Saturday".to_owned(),
                        ShiftReason::Sunday => "Sunday, a statutory day free from work".to_owned(),
                        ShiftReason::Holiday(name) => {
                            format!("public holiday “{name}”, a statutory day free from work")
                        }
                    };
                    format!("- {}: {why}", date_en(shift.from))
                })
                .collect();
            lines.extend(punctuate(skipped));
        }
        lines.push(format!("The term ends on: {}.", date_en(due)));
        lines.join("\n")
    }
}

/// Polish dates end in "r." (rok); a sentence ending with one takes no second full stop.
fn no_double_stop(text: String) -> String {
    text.replace("r..", "r.")
}
