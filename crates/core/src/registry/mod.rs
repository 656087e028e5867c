//! The registry's law: the file plan (JRWA), archival categories and retention, case signs.
//!
//! # Legal basis
//!
//! Rozporządzenie Prezesa Rady Ministrów z dnia 18 stycznia 2011 r. w sprawie instrukcji
//! kancelaryjnej, jednolitych rzeczowych wykazów akt oraz instrukcji w sprawie organizacji
//! i zakresu działania archiwów zakładowych (Dz.U. 2011 nr 14 poz. 67, z późn. zm.):
//! - załącznik nr 1, the instrukcja kancelaryjna: case signs ([`CaseSign`]), the case index;
//! - załącznik nr 2, the jednolity rzeczowy wykaz akt (JRWA) for the organs of gminas and
//!   związki międzygminne: the decimal file plan ([`FilePlan`]) with archival categories
//!   ([`ArchiveCategory`]); an office may extend it with further levels of its own (§ 4 ust. 9);
//! - the instrukcja archiwalna: retention counted in full years from 1 January of the year after
//!   the case was closed ([`ArchiveCategory::retention`]).
//!
//! # The demo file plan
//!
//! [`JRWA_GMINA_DEMO_CSV`] (`jrwa-gmina.csv`, UTF-8, RFC 4180, header `symbol,heading,category`)
//! is a demonstration file plan for a gmina, shaped after załącznik nr 2: every first-level class
//! with its second-level classes, and complete branches down to final classes for the matters the
//! demo and the e-services use (council and wójt, public information, complaints and petitions,
//! staff, procurement, budget and taxes, population register and civil status, environment, trees,
//! spatial planning, real estate, roads, education and social matters).
//!
//! **It is not the text of the act.** The annex itself was not at hand when it was written.
//! Checked against copies of the annex: the first-level class 0, its second-level classes 00–06
//! and the council's classes 0000–0007. Recalled from the case signs gminas use, not checked:
//! 0012, 0050, 1431, 1510, 152, 2110, 271, 6131, 6220, 6721, 6727, 6730, 6733, 6831, 6840, 6845.
//! Every other symbol, every first-level heading from 1 to 9 and every archival category are
//! illustrative: they give the demo a realistic tree and do not claim to reproduce the act. An
//! office imports its own file plan (the annex plus its extensions) before registering real
//! cases, and the import is validated by [`FilePlan::from_entries`].

mod category;
mod plan;
mod sign;

#[cfg(test)]
mod tests;

pub use category::{ArchiveCategory, CategoryError, Retention, RetentionKind};
pub use plan::{
    ClassLookupError, FileClass, FileClassEntry, FilePlan, FilePlanError, FilePlanField,
    FilePlanProblem, MAX_HEADING_CHARS, MAX_SYMBOL_DIGITS, is_symbol,
};
pub use sign::{
    CaseSign, CaseSignError, FIRST_SIGN_YEAR, LAST_SIGN_YEAR, MAX_UNIT_CHARS, is_unit_symbol,
};

/// The demo file plan for a gmina (see the module documentation), as CSV text.
pub const JRWA_GMINA_DEMO_CSV: &str = include_str!("jrwa-gmina.csv");
