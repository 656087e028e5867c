//! The watched folder: a network scanner at the registry desk writes each scanned letter as a
//! file into a folder; Ratusz registers every new file as an incoming item (channel paper) and
//! the robot reads it.
//!
//! Each file is registered once: the item's transaction records the file's SHA-256, so a file
//! dropped twice, or found again after a crash between the commit and the move, is not
//! registered again. After registration the file moves to `przyjete/`; a file Ratusz refuses
//! (type not kept in a case file, infected, too large) moves to `odrzucone/` with a `.txt` note
//! saying why. A file still being written (changed in the last seconds) waits for the next
//! round; when the virus scanner is unavailable, files wait too.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use ratusz_store::intake as repo;

use super::read::UNKNOWN_SENDER;
use super::{SOURCE_FOLDER, enqueue_reading};
use crate::registry::incoming::IncomingInput;
use crate::registry::upload::Upload;
use crate::{App, AppError};

/// Title of an item registered from a file before the robot has read it.
pub const TITLE_PREFIX: &str = "Skan: ";

/// Where registered files go, under the watched folder.
pub const DONE_DIR: &str = "przyjete";
/// Where refused files go, with a note.
pub const REFUSED_DIR: &str = "odrzucone";

/// A file younger than this may still be being written by the scanner.
const SETTLE: Duration = Duration::from_secs(2);

/// A watched folder and the municipality its files belong to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WatchedFolder {
    pub dir: PathBuf,
    /// The tenant's slug.
    pub tenant: String,
}

/// What one pass over the folder did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FolderPass {
    pub registered: Vec<String>,
    pub already_registered: usize,
    pub refused: Vec<(String, String)>,
    pub waiting: usize,
}

impl App {
    /// One pass over the configured watched folder (nothing when none is configured).
    pub fn scan_watched_folder(&self) -> Result<FolderPass, AppError> {
        match self.settings.watched_folder.clone() {
            Some(w) => self.scan_folder(&w, SETTLE),
            None => Ok(FolderPass::default()),
        }
    }

    /// One pass over a folder; `settle` is how old a file must be to be taken.
    pub fn scan_folder(&self, w: &WatchedFolder, settle: Duration) -> Result<FolderPass, AppError> {
        let tenant = self
            .tenant_by_slug(&w.tenant)?
            .ok_or_else(|| AppError::Unavailable(format!("no municipality {:?}", w.tenant)))?;
        let robot = self.intake_robot(&tenant.tenant_id)?;
        let mut pass = FolderPass::default();
        let entries = std::fs::read_dir(&w.dir).map_err(|e| {
            AppError::Unavailable(format!("watched folder {}: {e}", w.dir.display()))
        })?;
        let mut files: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.is_file())
            .filter(|p| {
                p.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
                    !n.starts_with('.') && !n.ends_with(".part") && !n.ends_with(".tmp")
                })
            })
            .collect();
        files.sort();
        for path in files {
            let young = std::fs::metadata(&path)
                .and_then(|m| m.modified())
                .map(|t| SystemTime::now().duration_since(t).unwrap_or_default() < settle)
                .unwrap_or(true);
            if young {
                pass.waiting += 1;
                continue;
            }
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("skan")
                .to_owned();
            let bytes = match read_limited(&path, self.settings.max_upload_bytes) {
                Ok(b) => b,
                Err(reason) => {
                    refuse(&w.dir, &path, &reason);
                    pass.refused.push((name, reason));
                    continue;
                }
            };
            let key = format!("sha256:{}", ratusz_store::sha256_hex(&bytes));
            let known = self
                .store
                .read(|c| repo::source_item(c, &tenant.tenant_id, &key))?;
            if known.is_some() {
                move_to(&w.dir, &path, DONE_DIR);
                pass.already_registered += 1;
                continue;
            }
            let input = IncomingInput {
                channel: "paper".into(),
                kind: "letter".into(),
                title: format!("{TITLE_PREFIX}{name}").chars().take(500).collect(),
                sender_name: UNKNOWN_SENDER.into(),
                notes: "Zarejestrowane z folderu skanera.".into(),
                ..IncomingInput::default()
            };
            let upload = Upload {
                file_name: name.clone(),
                bytes,
            };
            let tenant_id = tenant.tenant_id.clone();
            match self.register_incoming_with(&robot, &input, vec![upload], |conn, row, now| {
                repo::claim_source(conn, &tenant_id, &key, &row.id, now)?;
                enqueue_reading(conn, row, SOURCE_FOLDER, now)
            }) {
                Ok(row) => {
                    move_to(&w.dir, &path, DONE_DIR);
                    tracing::info!(item = %row.item_ref, file = %name, "registered from the watched folder");
                    pass.registered.push(row.id);
                }
                Err(AppError::Invalid(errors)) => {
                    let reason = errors
                        .iter()
                        .map(|e| e.message_pl.clone())
                        .collect::<Vec<_>>()
                        .join(" ");
                    refuse(&w.dir, &path, &reason);
                    pass.refused.push((name, reason));
                }
                // A concurrent pass (another node) registered it first.
                Err(AppError::Conflict(_)) => pass.already_registered += 1,
                Err(AppError::AntivirusUnavailable(e)) => {
                    tracing::warn!("watched folder waits for the virus scanner: {e}");
                    pass.waiting += 1;
                }
                Err(e) => return Err(e),
            }
        }
        Ok(pass)
    }
}

fn read_limited(path: &Path, max: usize) -> Result<Vec<u8>, String> {
    let len = std::fs::metadata(path).map_err(|e| e.to_string())?.len();
    if len > max as u64 {
        return Err(format!(
            "Plik jest za duży: dopuszczalne najwyżej {} MB.",
            max / (1024 * 1024)
        ));
    }
    std::fs::read(path).map_err(|e| format!("Nie można odczytać pliku: {e}"))
}

fn move_to(dir: &Path, path: &Path, sub: &str) -> Option<PathBuf> {
    let target_dir = dir.join(sub);
    if let Err(e) = std::fs::create_dir_all(&target_dir) {
        tracing::error!(
            "watched folder: cannot create {}: {e}",
            target_dir.display()
        );
        return None;
    }
    let name = path.file_name()?;
    let mut target = target_dir.join(name);
    let mut n = 1;
    while target.exists() {
        target = target_dir.join(format!("{n}-{}", name.to_string_lossy()));
        n += 1;
    }
    match std::fs::rename(path, &target) {
        Ok(()) => Some(target),
        Err(e) => {
            tracing::error!("watched folder: cannot move {}: {e}", path.display());
            None
        }
    }
}

fn refuse(dir: &Path, path: &Path, reason: &str) {
    tracing::warn!(file = %path.display(), "watched folder refused a file: {reason}");
    if let Some(target) = move_to(dir, path, REFUSED_DIR) {
        let note = target.with_extension(format!(
            "{}.txt",
            target
                .extension()
                .and_then(|e| e.to_str())
                .unwrap_or_default()
        ));
        if let Err(e) = std::fs::write(&note, format!("{reason}\n")) {
            tracing::error!("watched folder: cannot write {}: {e}", note.display());
        }
    }
}
