//! The register of incoming items (rejestr przesyłek wpływających, RPW): registration with the
//! metadata the instrukcja kancelaryjna requires (§ 6 and annex 1), attached scans and files, and
//! the running number in the paper store (skład chronologiczny) for paper originals.

use ratusz_core::roles::Permission;
use ratusz_store::casefiles::{self as files, DocumentRow, DocumentVersionRow};
use ratusz_store::registry::{self as repo, IncomingFilter, IncomingItemRow};
use ratusz_store::{Db, new_id};
use serde_json::json;
use time::Date;

use super::kinds::{AccessLevel, Channel, DocumentKind, DocumentStatus, ItemKind};
use super::upload::{CheckedFile, Upload, check};
use super::{
    Fields, Scope, date_field, iso, long_text, optional_date, optional_text, require, text_field,
};
use crate::accounts::Principal;
use crate::audit::record;
use crate::{App, AppError, FieldError};

/// An incoming item as typed at the desk or sent by an integration. Strings as received.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct IncomingInput {
    pub channel: String,
    pub kind: String,
    pub title: String,
    pub sender_name: String,
    pub sender_address: String,
    #[serde(default)]
    pub sender_reference: String,
    /// Date on the letter, `YYYY-MM-DD` (optional).
    #[serde(default)]
    pub letter_date: String,
    /// Date received, `YYYY-MM-DD`; today when empty.
    #[serde(default)]
    pub received_on: String,
    #[serde(default)]
    pub access_level: String,
    /// Number of attachments (listed on the letter); empty = 0.
    #[serde(default)]
    pub attachments_count: String,
    /// Whether a paper original goes into the paper store.
    #[serde(default)]
    pub paper_original: bool,
    #[serde(default)]
    pub notes: String,
}

/// A validated incoming item.
struct ValidItem {
    channel: Channel,
    kind: ItemKind,
    title: String,
    sender_name: String,
    sender_address: String,
    sender_reference: Option<String>,
    letter_date: Option<Date>,
    received_on: Date,
    access: AccessLevel,
    attachments: i32,
    notes: String,
}

fn validate(input: &IncomingInput, today: Date) -> Result<ValidItem, AppError> {
    let mut f = Fields::default();
    let channel = f.take(Channel::parse_field("channel", &input.channel));
    let kind = f.take(ItemKind::parse_field("kind", &input.kind));
    let title = f.take(text_field("title", &input.title, 500));
    let sender_name = f.take(text_field("sender_name", &input.sender_name, 300));
    let sender_address = f.take(long_text("sender_address", &input.sender_address, 500));
    let sender_reference = f.take(optional_text(
        "sender_reference",
        &input.sender_reference,
        100,
    ));
    let letter_date = f.take(optional_date("letter_date", &input.letter_date));
    let received_on = if input.received_on.trim().is_empty() {
        Some(today)
    } else {
        f.take(date_field("received_on", &input.received_on))
    };
    let access = if input.access_level.trim().is_empty() {
        Some(AccessLevel::Internal)
    } else {
        f.take(AccessLevel::parse_field(
            "access_level",
            &input.access_level,
        ))
    };
    let attachments = f.take(count_field("attachments_count", &input.attachments_count));
    let notes = f.take(long_text("notes", &input.notes, 2000));
    if let Some(r) = received_on
        && r > today
    {
        f.0.push(FieldError::new(
            "received_on",
            "future",
            "Data wpływu nie może być późniejsza niż dzisiaj.",
            "The date received cannot be later than today.",
        ));
    }
    if let (Some(Some(l)), Some(r)) = (letter_date, received_on)
        && l > r
    {
        f.0.push(FieldError::new(
            "letter_date",
            "after-received",
            "Data pisma nie może być późniejsza niż data wpływu.",
            "The letter date cannot be later than the date received.",
        ));
    }
    if let Some(a) = &sender_address
        && a.lines().count() > 6
    {
        f.0.push(FieldError::new(
            "sender_address",
            "too-many-lines",
            "Adres może mieć najwyżej 6 wierszy.",
            "The address may have at most 6 lines.",
        ));
    }
    if input.paper_original && channel.is_some_and(|c| c != Channel::Paper) {
        f.0.push(FieldError::new(
            "paper_original",
            "not-paper",
            "Do składu chronologicznego trafiają tylko przesyłki papierowe.",
            "Only paper items go to the paper store.",
        ));
    }
    let errors = f.0;
    match (
        channel,
        kind,
        title,
        sender_name,
        sender_address,
        sender_reference,
        letter_date,
        received_on,
        access,
        attachments,
        notes,
    ) {
        (
            Some(channel),
            Some(kind),
            Some(title),
            Some(sender_name),
            Some(sender_address),
            Some(sender_reference),
            Some(letter_date),
            Some(received_on),
            Some(access),
            Some(attachments),
            Some(notes),
        ) if errors.is_empty() => Ok(ValidItem {
            channel,
            kind,
            title,
            sender_name,
            sender_address,
            sender_reference,
            letter_date,
            received_on,
            access,
            attachments,
            notes,
        }),
        _ => Err(AppError::Invalid(errors)),
    }
}

fn count_field(field: &str, value: &str) -> Result<i32, FieldError> {
    let v = value.trim();
    if v.is_empty() {
        return Ok(0);
    }
    v.parse::<i32>()
        .ok()
        .filter(|n| (0..=999).contains(n))
        .ok_or_else(|| {
            FieldError::new(
                field,
                "number",
                "Podaj liczbę załączników od 0 do 999.",
                "Enter the number of attachments, 0 to 999.",
            )
        })
}

/// The registration mark of an item: `RPW/2026/000123`.
pub fn item_ref(year: i32, number: i64) -> String {
    format!("RPW/{year}/{number:06}")
}

impl App {
    /// Registers an incoming item with its files, in one transaction.
    pub fn register_incoming(
        &self,
        p: &Principal,
        input: &IncomingInput,
        uploads: Vec<Upload>,
    ) -> Result<IncomingItemRow, AppError> {
        self.register_incoming_with(p, input, uploads, |conn, row, now| {
            crate::intake::enqueue_reading(conn, row, crate::intake::SOURCE_DESK, now)
        })
    }

    /// Registers an item and runs `also` in the same transaction (a channel records what it
    /// registered, the intake robot is asked to read it).
    pub(crate) fn register_incoming_with(
        &self,
        p: &Principal,
        input: &IncomingInput,
        uploads: Vec<Upload>,
        also: impl FnOnce(&mut Db, &IncomingItemRow, i64) -> Result<(), AppError>,
    ) -> Result<IncomingItemRow, AppError> {
        // Unit staff may register what reaches them directly (e.g. at a USC desk).
        super::require_anywhere(p, Permission::RegisterItems)?;
        let today = self.clock.today_warsaw();
        let item = validate(input, today)?;
        let files = self.check_uploads(p, uploads)?;
        let stored = self.store_blobs(&p.tenant_id, &files)?;
        let now = self.now_ts();
        let actor = p.actor();
        let tenant = p.tenant_id.clone();
        let row = self.store.write(|conn| {
            let year = today.year();
            let number = repo::next_number(conn, &tenant, &format!("rpw:{year}"))?;
            let paper_store_no = if input.paper_original {
                Some(repo::next_number(conn, &tenant, &format!("paper:{year}"))?)
            } else {
                None
            };
            let row = IncomingItemRow {
                id: new_id(),
                tenant_id: tenant.clone(),
                year,
                number,
                item_ref: item_ref(year, number),
                channel: item.channel.as_str().into(),
                kind: item.kind.as_str().into(),
                title: item.title.clone(),
                sender_name: item.sender_name.clone(),
                sender_address: item.sender_address.clone(),
                sender_reference: item.sender_reference.clone(),
                letter_date: item.letter_date.map(iso),
                received_on: iso(item.received_on),
                registered_at: now,
                registered_by: p.user.id.clone(),
                access_level: item.access.as_str().into(),
                attachments_count: item.attachments,
                paper_store_no,
                unit_id: None,
                handler_id: None,
                case_id: None,
                notes: item.notes.clone(),
            };
            repo::insert_incoming(conn, &row)?;
            for (file, blob) in files.iter().zip(&stored) {
                insert_filed_document(conn, &row, file, blob, &p.user.id, now)?;
            }
            record(
                conn,
                &tenant,
                &actor,
                "incoming.registered",
                ("incoming_item", Some(&row.id)),
                json!({"item_ref": row.item_ref, "channel": row.channel, "files": files.len()}),
                now,
            )?;
            repo::record_change(conn, &tenant, "item", &row.id, now)?;
            also(conn, &row, now)?;
            Ok::<_, AppError>(row)
        })?;
        self.search_nudge();
        Ok(row)
    }

    /// Adds scans or files to a registered item that is not yet in a case.
    pub fn attach_to_item(
        &self,
        p: &Principal,
        item_id: &str,
        uploads: Vec<Upload>,
    ) -> Result<usize, AppError> {
        let item = self.incoming_item(p, item_id)?;
        super::require_anywhere(p, Permission::RegisterItems)?;
        if item.registered_by != p.user.id && item.case_id.is_none() {
            require(p, Permission::RegisterItems, None)
                .or_else(|_| require(p, Permission::HandleCases, item.unit_id.as_deref()))?;
        }
        let files = self.check_uploads(p, uploads)?;
        let stored = self.store_blobs(&p.tenant_id, &files)?;
        let now = self.now_ts();
        self.store.write(|conn| {
            for (file, blob) in files.iter().zip(&stored) {
                let doc = insert_filed_document(conn, &item, file, blob, &p.user.id, now)?;
                if let Some(case_id) = &item.case_id {
                    crate::cases::log::append(
                        conn,
                        &item.tenant_id,
                        case_id,
                        &p.actor(),
                        "document.added",
                        Some(&doc.id),
                        json!({"title": doc.title}),
                        now,
                    )?;
                }
            }
            record(
                conn,
                &item.tenant_id,
                &p.actor(),
                "incoming.files_attached",
                ("incoming_item", Some(&item.id)),
                json!({"files": files.len()}),
                now,
            )?;
            repo::record_change(conn, &item.tenant_id, "item", &item.id, now)?;
            Ok::<_, AppError>(())
        })?;
        self.search_nudge();
        Ok(files.len())
    }

    /// One item, if the principal may see it: registry staff see the whole register; others
    /// see items assigned to their units or to them.
    pub fn incoming_item(&self, p: &Principal, id: &str) -> Result<IncomingItemRow, AppError> {
        let item = self
            .store
            .read(|c| Ok::<_, AppError>(repo::incoming(c, &p.tenant_id, id)?))?
            .ok_or(AppError::NotFound)?;
        if self.sees_item(p, &item) {
            Ok(item)
        } else {
            Err(AppError::NotFound)
        }
    }

    pub fn sees_item(&self, p: &Principal, item: &IncomingItemRow) -> bool {
        p.allowed(Permission::ReadRegisters, None)
            || item.registered_by == p.user.id
            || Scope::of(p).sees(
                item.unit_id.as_deref(),
                &item.access_level,
                item.handler_id.as_deref(),
            )
    }

    /// The incoming register, newest first, limited to what the principal may see.
    pub fn incoming_register(
        &self,
        p: &Principal,
        mut filter: IncomingFilter,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<IncomingItemRow>, AppError> {
        require(p, Permission::UsePanel, None)?;
        if !p.allowed(Permission::ReadRegisters, None) {
            filter.units = Some(Scope::of(p).units.unwrap_or_default());
        }
        self.store.read(|c| {
            Ok(repo::list_incoming(
                c,
                &p.tenant_id,
                &filter,
                limit.clamp(1, 500),
                offset.max(0),
            )?)
        })
    }

    pub fn item_documents(
        &self,
        p: &Principal,
        item_id: &str,
    ) -> Result<Vec<DocumentRow>, AppError> {
        let item = self.incoming_item(p, item_id)?;
        self.store
            .read(|c| Ok(files::of_item(c, &item.tenant_id, &item.id)?))
    }

    /// Checks size and type of each file, then (when configured) scans them for viruses: only
    /// files that pass both reach storage.
    pub(crate) fn check_uploads(
        &self,
        p: &Principal,
        uploads: Vec<Upload>,
    ) -> Result<Vec<CheckedFile>, AppError> {
        let mut errors = Vec::new();
        let mut ok = Vec::new();
        for up in uploads {
            match check("files", up, self.settings.max_upload_bytes) {
                Ok(f) => ok.push(f),
                Err(e) => errors.push(e),
            }
        }
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        self.scan_uploads(p, ok.iter().map(|f| ("files", f)))?;
        Ok(ok)
    }

    /// Writes file contents to blob storage before the transaction (content-addressed: a
    /// rollback leaves only an unreferenced blob).
    pub(crate) fn store_blobs(
        &self,
        tenant_id: &str,
        files: &[CheckedFile],
    ) -> Result<Vec<ratusz_store::blobs::StoredBlob>, AppError> {
        let blobs = self.blobs()?;
        files
            .iter()
            .map(|f| blobs.put(tenant_id, &f.bytes).map_err(AppError::from))
            .collect()
    }
}

/// Files a received file as a document of the item (and of its case, when it has one).
pub(crate) fn insert_filed_document(
    conn: &mut Db,
    item: &IncomingItemRow,
    file: &CheckedFile,
    blob: &ratusz_store::blobs::StoredBlob,
    user_id: &str,
    now: i64,
) -> Result<DocumentRow, AppError> {
    let kind = if file.media_type.starts_with("image/") || file.media_type == "application/pdf" {
        DocumentKind::Scan
    } else {
        DocumentKind::Attachment
    };
    let doc = DocumentRow {
        id: new_id(),
        tenant_id: item.tenant_id.clone(),
        case_id: item.case_id.clone(),
        incoming_item_id: Some(item.id.clone()),
        title: file.file_name.clone(),
        kind: kind.as_str().into(),
        direction: "incoming".into(),
        status: DocumentStatus::Filed.as_str().into(),
        access_level: item.access_level.clone(),
        author_id: Some(user_id.to_owned()),
        template_id: None,
        addressee_name: None,
        addressee_address: None,
        self_approval: false,
        current_version: 1,
        created_at: now,
        updated_at: now,
    };
    files::insert(conn, &doc)?;
    let text = matches!(
        file.media_type.as_str(),
        "text/plain" | "application/xml" | "application/json"
    )
    .then(|| String::from_utf8_lossy(&file.bytes).into_owned());
    files::insert_version(
        conn,
        &DocumentVersionRow {
            id: new_id(),
            tenant_id: item.tenant_id.clone(),
            document_id: doc.id.clone(),
            version: 1,
            blob_key: blob.key.clone(),
            file_name: file.file_name.clone(),
            media_type: file.media_type.clone(),
            size: blob.size,
            sha256: blob.sha256.clone(),
            text_content: text,
            created_by: Some(user_id.to_owned()),
            created_at: now,
        },
    )?;
    Ok(doc)
}
