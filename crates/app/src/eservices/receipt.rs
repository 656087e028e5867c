//! The official receipt (UPO, urzędowe poświadczenie odbioru) of a submission: its content,
//! kept as JSON with the submission, shown as a page, rendered as a PDF and sent by e-mail.
//!
//! The receipt proves what reached the office and when: the number, the time of receipt, the
//! registration mark in the incoming register and the SHA-256 of the application and of each
//! attachment, so that the resident can show later that a file is exactly the one submitted.

use ratusz_core::calendar::words::letter_date_pl;
use serde::{Deserialize, Serialize};

use crate::accounts::Principal;
use crate::{App, AppError};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptFile {
    pub name: String,
    pub media_type: String,
    pub size: i64,
    pub sha256: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    /// `UPO/2026/000123`.
    pub number: String,
    /// RFC 3339, UTC.
    pub received_at: String,
    pub office: String,
    pub service_slug: String,
    pub service_name_pl: String,
    pub service_name_en: String,
    pub applicant_name: String,
    pub applicant_email: String,
    /// The registration mark in the incoming register (`RPW/2026/000456`).
    pub item_ref: String,
    /// The case opened at submission, if the service opens one at once.
    pub case_sign: Option<String>,
    /// The application (`wniosek.json`) first, then the attachments.
    pub files: Vec<ReceiptFile>,
    /// For checking the status without an account.
    pub tracking_code: String,
    pub note_pl: String,
    pub note_en: String,
}

impl Receipt {
    /// The time of receipt in Warsaw, e.g. "24 listopada 2026 r., godz. 14:03:12".
    pub fn received_local(&self) -> String {
        let Ok(at) = time::OffsetDateTime::parse(
            &self.received_at,
            &time::format_description::well_known::Rfc3339,
        ) else {
            return self.received_at.clone();
        };
        let local = at.to_offset(ratusz_core::clock::warsaw_offset(at));
        format!(
            "{}, godz. {:02}:{:02}:{:02}",
            letter_date_pl(local.date()),
            local.hour(),
            local.minute(),
            local.second()
        )
    }

    /// The lines of the receipt's body, Polish with English in brackets where it helps.
    pub fn body_text(&self) -> String {
        let mut out = format!(
            "Urząd: {office}\nUsługa: {service}\nWnioskodawca: {name} ({email})\n\
             Numer UPO: {number}\nCzas odbioru: {local} (UTC: {utc})\n\
             Numer w rejestrze przesyłek wpływających: {item}\n",
            office = self.office,
            service = self.service_name_pl,
            name = self.applicant_name,
            email = self.applicant_email,
            number = self.number,
            local = self.received_local(),
            utc = self.received_at,
            item = self.item_ref,
        );
        if let Some(sign) = &self.case_sign {
            out.push_str(&format!("Znak sprawy: {sign}\n"));
        }
        out.push_str(&format!(
            "Kod do sprawdzania statusu bez konta: {}\n\nOdebrane pliki i ich skróty SHA-256:\n",
            self.tracking_code
        ));
        for f in &self.files {
            out.push_str(&format!("• {} ({} B)\n  {}\n", f.name, f.size, f.sha256));
        }
        if !self.note_pl.is_empty() {
            out.push('\n');
            out.push_str(&self.note_pl);
            out.push('\n');
        }
        out
    }

    /// The e-mail that carries the receipt.
    pub fn email_text(&self, public_url: &str, submission_id: &str) -> String {
        format!(
            "Urząd potwierdza odbiór Twojego wniosku.\n\n{body}\n\
             Potwierdzenie (UPO) w PDF i stan sprawy: {public_url}/matters/{submission_id}\n\
             Stan sprawy bez logowania: {public_url}/status (numer UPO lub znak sprawy i kod).\n\n\
             The office confirms receipt of your application ({service_en}), receipt number \
             {number}, received {utc} (UTC). The receipt as a PDF and the status of your matter: \
             {public_url}/matters/{submission_id}\n",
            body = self.body_text(),
            service_en = self.service_name_en,
            number = self.number,
            utc = self.received_at,
        )
    }
}

impl App {
    /// The receipt of one of the resident's submissions.
    pub fn receipt(&self, p: &Principal, submission_id: &str) -> Result<Receipt, AppError> {
        let row = self.my_submission(p, submission_id)?;
        serde_json::from_str(&row.receipt).map_err(|e| AppError::Internal(e.to_string()))
    }

    /// The receipt as a PDF.
    pub fn receipt_pdf(&self, p: &Principal, submission_id: &str) -> Result<Vec<u8>, AppError> {
        let r = self.receipt(p, submission_id)?;
        let letter = ratusz_documents::LetterPdf {
            office_lines: vec![r.office.clone()],
            place_and_date: r.received_local(),
            sign: format!("Numer UPO: {}", r.number),
            addressee_lines: vec![r.applicant_name.clone(), r.applicant_email.clone()],
            title: "Urzędowe poświadczenie odbioru (UPO)".into(),
            body: r.body_text(),
            signature_lines: Vec::new(),
            footer_lines: vec![
                "Poświadczenie wystawione automatycznie przez system Ratusz w chwili odbioru wniosku."
                    .into(),
            ],
            metadata_title: format!("UPO {}", r.number),
        };
        ratusz_documents::render_letter(self.fonts()?, &letter)
            .map_err(|e| AppError::Unavailable(format!("PDF: {e}")))
    }
}
