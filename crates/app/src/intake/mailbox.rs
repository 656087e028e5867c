//! The office's e-mail inbox over IMAP: every message in the configured mailbox becomes an
//! incoming item (channel e-mail) with the message itself and its attachments as files, and
//! the robot reads it. The `imap` crate speaks the protocol (TLS through `native-tls`, as
//! `lettre` does for sending).
//!
//! Each message registers once: the item's transaction records the message's `Message-ID`
//! (or, without one, the SHA-256 of the whole message), so re-reading the mailbox, a second
//! node, or the same letter forwarded twice with the same id register nothing new. Messages are
//! left on the server (the mailbox stays the office's own record); after registration they
//! are flagged `\Seen`. Attachments of types an office does not keep in a case file (programs,
//! archives) are not stored; the item's notes name them. At most [`MAX_FILES`] files per
//! message are stored, the rest listed in the notes.

use std::net::TcpStream;
use std::time::Duration;

use ratusz_store::intake as repo;

use super::read::UNKNOWN_SENDER;
use super::{SOURCE_IMAP, enqueue_reading};
use crate::registry::incoming::IncomingInput;
use crate::registry::upload::{Upload, sniff};
use crate::{App, AppError};

/// Files stored per message (the message itself and attachments).
pub const MAX_FILES: usize = 51;
/// The largest message read.
const MAX_MESSAGE_BYTES: usize = 50 * 1024 * 1024;
const TIMEOUT: Duration = Duration::from_secs(60);

/// The mailbox to read.
#[derive(Clone, PartialEq, Eq)]
pub struct Mailbox {
    pub host: String,
    pub port: u16,
    /// `tls` (IMAPS, port 993), `starttls` (IMAP upgraded to TLS, port 143) or `none` (only
    /// for a server on the same machine).
    pub security: String,
    /// A certificate (PEM) to trust besides the system's: the office's own CA, or the server's
    /// self-signed certificate.
    pub ca_file: Option<std::path::PathBuf>,
    pub username: String,
    pub password: String,
    pub mailbox: String,
    /// The municipality (slug) whose letters arrive there.
    pub tenant: String,
}

/// Never prints the password.
impl std::fmt::Debug for Mailbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailbox")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("ca_file", &self.ca_file)
            .field("username", &self.username)
            .field("password", &"<hidden>")
            .field("mailbox", &self.mailbox)
            .field("tenant", &self.tenant)
            .finish()
    }
}

/// What one pass over the mailbox did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MailPass {
    pub registered: Vec<String>,
    pub already_registered: usize,
    pub refused: Vec<(u32, String)>,
}

fn imap_err(e: impl std::fmt::Display) -> AppError {
    AppError::Unavailable(format!("IMAP: {e}"))
}

/// The `Message-ID` header of a raw message, if it has one.
fn message_id(raw: &[u8]) -> Option<String> {
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .or_else(|| raw.windows(2).position(|w| w == b"\n\n"))
        .unwrap_or(raw.len().min(64 * 1024));
    let head = String::from_utf8_lossy(&raw[..end]);
    let mut lines = head.lines().peekable();
    while let Some(line) = lines.next() {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        if name.trim().eq_ignore_ascii_case("message-id") {
            let mut v = value.trim().to_owned();
            // A folded header continues on lines starting with white space.
            while let Some(next) = lines.peek().filter(|l| l.starts_with([' ', '\t'])) {
                v.push_str(next.trim());
                lines.next();
            }
            let v = v.trim_matches(['<', '>']).trim().to_owned();
            return (!v.is_empty() && v.len() <= 500).then_some(v);
        }
    }
    None
}

type Session = imap::Session<Box<dyn ReadWrite>>;

/// A stream the IMAP session runs over (plain or TLS).
trait ReadWrite: std::io::Read + std::io::Write {}
impl<T: std::io::Read + std::io::Write> ReadWrite for T {}

fn connect(m: &Mailbox) -> Result<Session, AppError> {
    let tcp = TcpStream::connect((m.host.as_str(), m.port)).map_err(imap_err)?;
    tcp.set_read_timeout(Some(TIMEOUT)).map_err(imap_err)?;
    tcp.set_write_timeout(Some(TIMEOUT)).map_err(imap_err)?;
    let client = match m.security.as_str() {
        "none" => {
            let mut client = imap::Client::new(Box::new(tcp) as Box<dyn ReadWrite>);
            client.read_greeting().map_err(imap_err)?;
            client
        }
        "tls" => {
            let tls = tls_connector(m)?.connect(&m.host, tcp).map_err(imap_err)?;
            let mut client = imap::Client::new(Box::new(tls) as Box<dyn ReadWrite>);
            client.read_greeting().map_err(imap_err)?;
            client
        }
        "starttls" => {
            let mut tcp = tcp;
            starttls(&mut tcp)?;
            let tls = tls_connector(m)?.connect(&m.host, tcp).map_err(imap_err)?;
            // The greeting came before STARTTLS; none follows the handshake.
            imap::Client::new(Box::new(tls) as Box<dyn ReadWrite>)
        }
        other => {
            return Err(AppError::Unavailable(format!(
                "IMAP: security must be tls (IMAPS), starttls or none, not {other:?}"
            )));
        }
    };
    client
        .login(&m.username, &m.password)
        .map_err(|(e, _)| imap_err(e))
}

/// The clear-text part of STARTTLS (RFC 3501 § 6.2.1, RFC 2595): the server's greeting, then
/// `STARTTLS` and its tagged `OK`. Read a byte at a time so that nothing the TLS handshake
/// needs is consumed; at most 64 KiB.
fn starttls(tcp: &mut TcpStream) -> Result<(), AppError> {
    use std::io::{Read, Write};
    let line = |tcp: &mut TcpStream| -> Result<String, AppError> {
        let mut bytes = Vec::new();
        let mut b = [0u8; 1];
        while bytes.len() < 64 * 1024 {
            if tcp.read(&mut b).map_err(imap_err)? == 0 {
                return Err(imap_err("the server closed the connection"));
            }
            bytes.push(b[0]);
            if bytes.ends_with(b"\r\n") {
                return Ok(String::from_utf8_lossy(&bytes).into_owned());
            }
        }
        Err(imap_err("the server's line is too long"))
    };
    let greeting = line(tcp)?;
    if !greeting.starts_with("* OK") {
        return Err(imap_err(format!(
            "unexpected greeting: {}",
            greeting.trim()
        )));
    }
    tcp.write_all(b"s1 STARTTLS\r\n").map_err(imap_err)?;
    loop {
        let reply = line(tcp)?;
        if reply.starts_with("* ") {
            continue;
        }
        if reply.starts_with("s1 OK") {
            return Ok(());
        }
        return Err(imap_err(format!(
            "the server refused STARTTLS: {}",
            reply.trim()
        )));
    }
}

/// TLS that trusts the system's certificates and, when configured, the office's own.
fn tls_connector(m: &Mailbox) -> Result<native_tls::TlsConnector, AppError> {
    let mut builder = native_tls::TlsConnector::builder();
    if let Some(path) = &m.ca_file {
        let pem = std::fs::read(path).map_err(|e| {
            AppError::Unavailable(format!("IMAP: cannot read ca_file {}: {e}", path.display()))
        })?;
        let cert = native_tls::Certificate::from_pem(&pem).map_err(|e| {
            AppError::Unavailable(format!(
                "IMAP: ca_file {} is not a PEM certificate: {e}",
                path.display()
            ))
        })?;
        builder.add_root_certificate(cert);
    }
    builder.build().map_err(imap_err)
}

impl App {
    /// One pass over the configured mailbox (nothing when none is configured).
    pub fn poll_mailbox(&self) -> Result<MailPass, AppError> {
        match self.settings.mailbox.clone() {
            Some(m) => self.read_mailbox(&m),
            None => Ok(MailPass::default()),
        }
    }

    /// Registers every message of a mailbox not registered before.
    pub fn read_mailbox(&self, m: &Mailbox) -> Result<MailPass, AppError> {
        let tenant = self
            .tenant_by_slug(&m.tenant)?
            .ok_or_else(|| AppError::Unavailable(format!("no municipality {:?}", m.tenant)))?;
        let robot = self.intake_robot(&tenant.tenant_id)?;
        let mut session = connect(m)?;
        let selected = session.select(&m.mailbox).map_err(imap_err)?;
        let validity = selected.uid_validity.unwrap_or(0);
        let mut uids: Vec<u32> = session
            .uid_search("ALL")
            .map_err(imap_err)?
            .into_iter()
            .collect();
        uids.sort_unstable();
        let mut pass = MailPass::default();
        for uid in uids {
            let fetched = session
                .uid_fetch(uid.to_string(), "(RFC822.SIZE BODY.PEEK[])")
                .map_err(imap_err)?;
            let Some(msg) = fetched.iter().next() else {
                continue;
            };
            let Some(raw) = msg.body() else { continue };
            if raw.len() > MAX_MESSAGE_BYTES {
                pass.refused.push((uid, "message too large".into()));
                continue;
            }
            let key = match message_id(raw) {
                Some(id) => format!("msgid:{id}"),
                None => format!("sha256:{}", ratusz_store::sha256_hex(raw)),
            };
            let known = self
                .store
                .read(|c| repo::source_item(c, &tenant.tenant_id, &key))?;
            if known.is_some() {
                pass.already_registered += 1;
                continue;
            }
            match self.register_message(&robot, &tenant.tenant_id, raw, &key, validity, uid) {
                Ok(id) => {
                    pass.registered.push(id);
                    let _ = session.uid_store(uid.to_string(), "+FLAGS (\\Seen)");
                }
                Err(AppError::Conflict(_)) => pass.already_registered += 1,
                Err(AppError::Invalid(errs)) => {
                    let why = errs
                        .iter()
                        .map(|e| e.message_pl.clone())
                        .collect::<Vec<_>>()
                        .join(" ");
                    tracing::warn!(uid, "mailbox: message refused: {why}");
                    pass.refused.push((uid, why));
                }
                Err(e) => {
                    let _ = session.logout();
                    return Err(e);
                }
            }
        }
        let _ = session.logout();
        Ok(pass)
    }

    fn register_message(
        &self,
        robot: &crate::accounts::Principal,
        tenant_id: &str,
        raw: &[u8],
        key: &str,
        validity: u32,
        uid: u32,
    ) -> Result<String, AppError> {
        let limits = ratusz_documents::text::Limits::default();
        let parsed = ratusz_documents::text::extract(raw, "wiadomosc.eml", None, &limits)
            .map_err(|e| AppError::Unavailable(format!("e-mail: {e}")))?;
        let header = parsed.email.clone().unwrap_or_default();
        let (name, address) = sender_of(header.from.as_deref());
        let mut uploads = vec![Upload {
            file_name: "wiadomosc.eml".into(),
            bytes: raw.to_vec(),
        }];
        let mut left_out = Vec::new();
        for a in &parsed.attachments {
            if uploads.len() >= MAX_FILES {
                left_out.push(format!("{} (ponad limit {MAX_FILES} plików)", a.name));
            } else if sniff(&a.bytes).is_some() {
                uploads.push(Upload {
                    file_name: a.name.clone(),
                    bytes: a.bytes.clone(),
                });
            } else {
                left_out.push(format!("{} (rodzaj pliku nieprzyjmowany)", a.name));
            }
        }
        let mut notes = format!("Odebrane z poczty e-mail (IMAP, UID {validity}/{uid}).");
        if !left_out.is_empty() {
            notes.push_str(" Nie zapisano załączników: ");
            notes.push_str(&left_out.join("; "));
            notes.push('.');
        }
        if let Some(problem) = &parsed.problem {
            notes.push_str(&format!(" Uwaga: {}.", problem.reason_pl()));
        }
        let input = IncomingInput {
            channel: "email".into(),
            kind: "letter".into(),
            title: header
                .subject
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .unwrap_or("(bez tematu)")
                .chars()
                .take(500)
                .collect(),
            sender_name: name,
            sender_address: address,
            attachments_count: (uploads.len() - 1).to_string(),
            notes: notes.chars().take(2000).collect(),
            ..IncomingInput::default()
        };
        let tenant = tenant_id.to_owned();
        let key = key.to_owned();
        let row = self.register_incoming_with(robot, &input, uploads, |conn, row, now| {
            repo::claim_source(conn, &tenant, &key, &row.id, now)?;
            enqueue_reading(conn, row, SOURCE_IMAP, now)
        })?;
        Ok(row.id)
    }
}

/// The display name and address from a `From` header value.
fn sender_of(from: Option<&str>) -> (String, String) {
    let Some(from) = from.map(str::trim).filter(|f| !f.is_empty()) else {
        return (UNKNOWN_SENDER.into(), String::new());
    };
    match (from.find('<'), from.rfind('>')) {
        (Some(a), Some(b)) if a < b => {
            let name = from[..a].trim().trim_matches('"').trim();
            let addr = from[a + 1..b].trim();
            let name = if name.is_empty() { addr } else { name };
            (
                name.chars().take(300).collect(),
                addr.chars().take(500).collect(),
            )
        }
        _ => (
            from.chars().take(300).collect(),
            from.chars().take(500).collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_ids_and_senders_are_read_from_headers() {
        let raw = b"From: \"Jan Kowalski\" <jan@example.pl>\r\nMessage-ID:\r\n <abc@example.pl>\r\nSubject: x\r\n\r\nMessage-ID: <not-this@x>\r\n";
        assert_eq!(message_id(raw).as_deref(), Some("abc@example.pl"));
        assert_eq!(message_id(b"Subject: x\n\nbody"), None);
        assert_eq!(
            sender_of(Some("\"Jan Kowalski\" <jan@example.pl>")),
            ("Jan Kowalski".to_owned(), "jan@example.pl".to_owned())
        );
        assert_eq!(sender_of(None).0, UNKNOWN_SENDER);
    }
}
