//! Virus scanning of uploads. When clamd is configured, every file a resident or a clerk hands to
//! the office is scanned before it is stored: an infected file is refused with a message naming
//! it and recorded in the audit chain as a security event (the file itself is not kept); when
//! clamd cannot scan, the upload fails and nothing is stored. Without clamd, files are stored
//! unscanned and the start-up log says so.

mod clamd;

pub use clamd::{ClamdAddress, Conn, ScanError, Scanner, Verdict, parse_scan_reply};

use ratusz_store::sha256_hex;
use serde_json::json;

use crate::accounts::Principal;
use crate::audit::record;
use crate::registry::upload::CheckedFile;
use crate::{App, AppError, FieldError};

/// The audit action of a refused infected file.
pub const MALWARE_REFUSED: &str = "security.malware_refused";

impl App {
    /// The configured scanner, if uploads are scanned.
    pub fn antivirus(&self) -> Option<&Scanner> {
        self.settings.antivirus.as_ref()
    }

    /// Readiness of scanning: clamd answers `PING` (always ready when not configured).
    pub fn antivirus_ready(&self) -> Result<(), AppError> {
        match self.antivirus() {
            None => Ok(()),
            Some(s) => s
                .ping()
                .map_err(|e| AppError::AntivirusUnavailable(e.to_string())),
        }
    }

    /// Scans files (each with the form field it came in) before they are stored. Infected files
    /// are audited and refused as field errors; when clamd cannot scan, the whole upload fails
    /// with [`AppError::AntivirusUnavailable`].
    pub(crate) fn scan_uploads<'a>(
        &self,
        p: &Principal,
        files: impl IntoIterator<Item = (&'a str, &'a CheckedFile)>,
    ) -> Result<(), AppError> {
        let Some(scanner) = self.antivirus() else {
            return Ok(());
        };
        let mut problems = Vec::new();
        for (field, file) in files {
            match scanner.scan(&file.bytes) {
                Ok(Verdict::Clean) => {}
                Ok(Verdict::Infected(signature)) => {
                    self.record_malware(p, field, file, &signature)?;
                    problems.push(infected(field, &file.file_name, &signature));
                }
                Err(ScanError::TooLarge { limit }) => {
                    problems.push(too_large_to_scan(field, &file.file_name, limit));
                }
                Err(e) => {
                    tracing::error!(error = %e, "antivirus: cannot scan an upload; refusing it");
                    return Err(AppError::AntivirusUnavailable(e.to_string()));
                }
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(AppError::Invalid(problems))
        }
    }

    fn record_malware(
        &self,
        p: &Principal,
        field: &str,
        file: &CheckedFile,
        signature: &str,
    ) -> Result<(), AppError> {
        let sha256 = sha256_hex(&file.bytes);
        tracing::warn!(
            tenant = %p.tenant_id,
            user = %p.user.id,
            file = %file.file_name,
            %sha256,
            %signature,
            "antivirus: infected upload refused"
        );
        let now = self.now_ts();
        self.store.write(|conn| {
            record(
                conn,
                &p.tenant_id,
                &p.actor(),
                MALWARE_REFUSED,
                ("upload", None),
                json!({
                    "field": field,
                    "file_name": file.file_name,
                    "media_type": file.media_type,
                    "size": file.bytes.len(),
                    "sha256": sha256,
                    "signature": signature,
                }),
                now,
            )
        })
    }
}

/// The name people see: clamd marks signatures from databases it cannot verify as
/// `.UNOFFICIAL`, which says nothing to a resident.
fn shown_signature(signature: &str) -> &str {
    signature.strip_suffix(".UNOFFICIAL").unwrap_or(signature)
}

fn infected(field: &str, file_name: &str, signature: &str) -> FieldError {
    let sig = shown_signature(signature);
    FieldError::new(
        field,
        "malware",
        format!(
            "Plik „{file_name}” zawiera złośliwe oprogramowanie ({sig}) i nie został przyjęty. \
             Sprawdź komputer programem antywirusowym i dołącz czysty plik."
        ),
        format!(
            "File \u{201c}{file_name}\u{201d} contains malware ({sig}) and was not accepted. \
             Check your computer with an antivirus program and attach a clean file."
        ),
    )
}

fn too_large_to_scan(field: &str, file_name: &str, limit: usize) -> FieldError {
    let mib = (limit / (1024 * 1024)).max(1);
    FieldError::new(
        field,
        "file-too-large-to-scan",
        format!(
            "Plik „{file_name}” jest za duży, by sprawdzić go programem antywirusowym: \
             najwyżej {mib} MB. Zmniejsz rozdzielczość skanu lub podziel plik."
        ),
        format!(
            "File \u{201c}{file_name}\u{201d} is too large to be scanned for viruses: at most \
             {mib} MB. Lower the scan resolution or split the file."
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_file_and_the_signature() {
        let e = infected("files", "x.pdf", "Eicar-Test-Signature.UNOFFICIAL");
        assert_eq!(e.code, "malware");
        assert_eq!(
            e.message_pl,
            "Plik „x.pdf” zawiera złośliwe oprogramowanie (Eicar-Test-Signature) i nie został \
             przyjęty. Sprawdź komputer programem antywirusowym i dołącz czysty plik."
        );
        assert!(
            e.message_en
                .contains("\u{201c}x.pdf\u{201d} contains malware (Eicar-Test-Signature)")
        );
        let e = too_large_to_scan("f", "a.tif", 25 * 1024 * 1024);
        assert!(e.message_pl.contains("najwyżej 25 MB"), "{}", e.message_pl);
        assert_eq!(e.field, "f");
    }
}
