//! E-mail (RFC 5322 with MIME), parsed by the `mail-parser` crate.
//!
//! `mail-parser` (Stalwart's) is written in safe Rust, decodes every charset and transfer
//! encoding a Polish office meets, and turns an HTML-only body into text, so the message
//! is parsed in-process. The body is the first text/plain part, else the first HTML part
//! as text. Attachments come back as bytes for the caller to store and, if it wishes,
//! pass to [`super::extract`] one by one; at most `max_attachments` are returned, and the
//! rest are reported ([`Problem::TooManyAttachments`]) rather than blocking the message.

use mail_parser::{MessageParser, MimeHeaders};

use super::sniff::Kind;
use super::{Attachment, EmailHeader, Extracted, Limits, Method, Problem};

pub(crate) fn extract(bytes: &[u8], limits: &Limits) -> Extracted {
    let mut out = Extracted::new(Method::Email, Kind::Email.media_type());
    let Some(message) = MessageParser::default().parse(bytes) else {
        out.flag(Problem::Corrupt {
            detail: "not an e-mail message".into(),
        });
        return out;
    };
    let from = message.from().and_then(|from| from.first()).map(|addr| {
        match (addr.name(), addr.address()) {
            (Some(name), Some(address)) => format!("{name} <{address}>"),
            (None, Some(address)) => address.to_owned(),
            (Some(name), None) => name.to_owned(),
            (None, None) => String::new(),
        }
    });
    out.email = Some(EmailHeader {
        subject: message.subject().map(str::to_owned),
        from: from.filter(|f| !f.is_empty()),
        date: message.date().map(|d| d.to_rfc3339()),
    });
    out.text = message
        .body_text(0)
        .map(|body| body.into_owned())
        .unwrap_or_default();
    out.pages = 1;

    let total = message.attachment_count();
    for (index, part) in message
        .attachments()
        .take(limits.max_attachments)
        .enumerate()
    {
        let media_type = part
            .content_type()
            .map(|ct| match ct.subtype() {
                Some(sub) => format!("{}/{}", ct.ctype(), sub),
                None => ct.ctype().to_owned(),
            })
            .unwrap_or_else(|| "application/octet-stream".into())
            .to_ascii_lowercase();
        let name = part
            .attachment_name()
            .map(safe_name)
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| format!("zalacznik-{}", index + 1));
        out.attachments.push(Attachment {
            name,
            media_type,
            bytes: part.contents().to_vec(),
        });
    }
    if total > out.attachments.len() {
        out.flag(Problem::TooManyAttachments {
            total,
            kept: out.attachments.len(),
        });
    }
    out
}

/// The last path component, without control characters, at most 200 characters: the
/// sender chooses the name, and it may be `../../etc/passwd` or carry a newline.
fn safe_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = last.chars().filter(|c| !c.is_control()).take(200).collect();
    cleaned.trim().trim_start_matches('.').to_owned()
}
