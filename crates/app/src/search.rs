//! Full-text search over cases and incoming items. The index (tantivy, Polish analyzer, in
//! `ratusz_store::search`) is derived: each node keeps its own under `<data>/search` and follows
//! the `search_changes` log in the database, remembering how far it read per tenant in
//! `cursors.json`. `ratusz reindex` (or a missing index) replays the whole log.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};

use ratusz_store::search::{SearchDoc, SearchHit, SearchIndex, SearchQuery};
use ratusz_store::{Store, casefiles, cases, registry as reg};

use crate::accounts::Principal;
use crate::registry::Scope;
use crate::registry::kinds::AccessLevel;
use crate::{App, AppError};

/// Changes read per batch while catching up.
const BATCH: i64 = 2000;

pub struct SearchService {
    dir: Option<PathBuf>,
    index: OnceLock<Result<SearchIndex, String>>,
    cursors: Mutex<BTreeMap<String, i64>>,
    /// Serialises catch-up so two threads never index the same batch.
    catching_up: Mutex<()>,
    /// Set when a change was committed; the indexer thread picks it up.
    nudged: std::sync::atomic::AtomicBool,
}

impl SearchService {
    /// `dir = None` keeps the index in memory (tests, one-off commands).
    pub fn new(dir: Option<PathBuf>) -> Self {
        let cursors = dir
            .as_ref()
            .and_then(|d| std::fs::read(d.join("cursors.json")).ok())
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default();
        Self {
            dir,
            index: OnceLock::new(),
            cursors: Mutex::new(cursors),
            catching_up: Mutex::new(()),
            nudged: std::sync::atomic::AtomicBool::new(false),
        }
    }

    fn index(&self) -> Result<&SearchIndex, AppError> {
        let r = self.index.get_or_init(|| {
            let idx = match &self.dir {
                Some(d) => SearchIndex::open(d),
                None => SearchIndex::in_memory(),
            };
            idx.map_err(|e| e.to_string())
        });
        r.as_ref()
            .map_err(|e| AppError::Unavailable(format!("search index: {e}")))
    }

    fn save_cursors(&self, cursors: &BTreeMap<String, i64>) {
        if let Some(d) = &self.dir {
            let tmp = d.join("cursors.json.tmp");
            let ok = serde_json::to_vec(cursors)
                .ok()
                .and_then(|b| std::fs::write(&tmp, b).ok())
                .and_then(|_| std::fs::rename(&tmp, d.join("cursors.json")).ok());
            if ok.is_none() {
                tracing::warn!("could not save search cursors; the next start re-reads changes");
            }
        }
    }

    /// Reads the change log of `tenant_id` from where this node stopped and indexes what changed.
    pub fn catch_up(&self, store: &Store, tenant_id: &str) -> Result<usize, AppError> {
        let _guard = self
            .catching_up
            .lock()
            .map_err(|_| AppError::Internal("search lock".into()))?;
        let index = self.index()?;
        let mut done = 0;
        loop {
            let after = self
                .cursors
                .lock()
                .map_err(|_| AppError::Internal("search cursors".into()))?
                .get(tenant_id)
                .copied()
                .unwrap_or(0);
            let changes = store
                .read(|c| Ok::<_, AppError>(reg::changes_since(c, tenant_id, after, BATCH)?))?;
            let Some(last) = changes.last().map(|c| c.seq) else {
                return Ok(done);
            };
            let objects: BTreeSet<(String, String)> = changes
                .into_iter()
                .map(|c| (c.object_type, c.object_id))
                .collect();
            let docs = store.read(|c| {
                let mut docs = Vec::new();
                for (ty, id) in &objects {
                    if let Some(d) = build_doc(c, tenant_id, ty, id)? {
                        docs.push(d);
                    }
                }
                Ok::<_, AppError>(docs)
            })?;
            index
                .upsert(&docs)
                .map_err(|e| AppError::Unavailable(format!("search index: {e}")))?;
            done += docs.len();
            let mut cursors = self
                .cursors
                .lock()
                .map_err(|_| AppError::Internal("search cursors".into()))?;
            cursors.insert(tenant_id.to_owned(), last);
            self.save_cursors(&cursors);
        }
    }

    /// Drops the index and the cursors, then replays every tenant's change log.
    pub fn rebuild(&self, store: &Store, tenant_ids: &[String]) -> Result<usize, AppError> {
        {
            let _guard = self
                .catching_up
                .lock()
                .map_err(|_| AppError::Internal("search lock".into()))?;
            self.index()?
                .clear_all()
                .map_err(|e| AppError::Unavailable(format!("search index: {e}")))?;
            let mut cursors = self
                .cursors
                .lock()
                .map_err(|_| AppError::Internal("search cursors".into()))?;
            cursors.clear();
            self.save_cursors(&cursors);
        }
        let mut n = 0;
        for t in tenant_ids {
            n += self.catch_up(store, t)?;
        }
        Ok(n)
    }

    pub fn doc_count(&self) -> Result<u64, AppError> {
        Ok(self.index()?.doc_count())
    }
}

/// The text an object is found by.
fn build_doc(
    c: &mut ratusz_store::Db,
    tenant_id: &str,
    object_type: &str,
    id: &str,
) -> Result<Option<SearchDoc>, AppError> {
    let restricted = |a: &str| a == AccessLevel::Restricted.as_str();
    match object_type {
        "case" => {
            let Some(case) = cases::get(c, tenant_id, id)? else {
                return Ok(None);
            };
            let mut body = Vec::new();
            if let Some(class) = reg::file_class(c, tenant_id, &case.class_symbol)? {
                body.push(class.heading);
            }
            for party in cases::parties(c, tenant_id, &case.id)? {
                body.push(party.name);
                body.push(party.address);
            }
            if let Some(item_id) = &case.incoming_item_id
                && let Some(item) = reg::incoming(c, tenant_id, item_id)?
            {
                body.push(item.title);
                body.push(item.sender_name);
                body.extend(item.sender_reference);
            }
            for d in casefiles::of_case(c, tenant_id, &case.id)? {
                body.push(d.title.clone());
                // The newest version with text (a sent letter's PDF follows its text version).
                let versions = casefiles::versions(c, tenant_id, &d.id)?;
                if let Some(t) = versions.into_iter().rev().find_map(|v| v.text_content) {
                    body.push(t);
                } else if let Some(t) = ratusz_store::intake::text_of_document(c, tenant_id, &d.id)?
                {
                    // Text the intake robot read out of a scan or a file (OCR, PDF, e-mail).
                    body.push(t.body);
                }
            }
            Ok(Some(SearchDoc {
                tenant_id: tenant_id.to_owned(),
                object_type: "case".into(),
                object_id: case.id.clone(),
                case_id: Some(case.id.clone()),
                unit_ids: vec![case.unit_id.clone()],
                restricted: restricted(&case.access_level),
                title: case.title,
                sign: case.sign,
                body: body.join("\n"),
                updated_at: case.updated_at,
            }))
        }
        "item" => {
            let Some(item) = reg::incoming(c, tenant_id, id)? else {
                return Ok(None);
            };
            let mut body = vec![
                item.sender_name.clone(),
                item.sender_address.clone(),
                item.notes.clone(),
            ];
            body.extend(item.sender_reference.clone());
            for d in casefiles::of_item(c, tenant_id, &item.id)? {
                body.push(d.title.clone());
                let versions = casefiles::versions(c, tenant_id, &d.id)?;
                if let Some(t) = versions.into_iter().rev().find_map(|v| v.text_content) {
                    body.push(t);
                } else if let Some(t) = ratusz_store::intake::text_of_document(c, tenant_id, &d.id)?
                {
                    // Text the intake robot read out of a scan or a file (OCR, PDF, e-mail).
                    body.push(t.body);
                }
            }
            Ok(Some(SearchDoc {
                tenant_id: tenant_id.to_owned(),
                object_type: "item".into(),
                object_id: item.id.clone(),
                case_id: item.case_id.clone(),
                unit_ids: item.unit_id.clone().into_iter().collect(),
                restricted: restricted(&item.access_level),
                title: item.title,
                sign: item.item_ref,
                body: body.join("\n"),
                updated_at: item.registered_at,
            }))
        }
        _ => Ok(None),
    }
}

impl App {
    /// Wakes the background indexer (a change was committed).
    pub fn search_nudge(&self) {
        self.search
            .nudged
            .store(true, std::sync::atomic::Ordering::Relaxed);
    }

    /// The background indexer: follows the change log (at once after a local change, and every
    /// few seconds for changes made by other nodes).
    pub fn spawn_indexer(
        &self,
        stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    ) -> std::thread::JoinHandle<()> {
        use std::sync::atomic::Ordering;
        let app = self.clone();
        std::thread::spawn(move || {
            let mut last = std::time::Instant::now();
            while !stop.load(Ordering::Relaxed) {
                let nudged = app.search.nudged.swap(false, Ordering::Relaxed);
                if nudged || last.elapsed() > std::time::Duration::from_secs(5) {
                    if let Err(e) = app.search_catch_up_all() {
                        tracing::warn!("search indexer: {e}");
                    }
                    last = std::time::Instant::now();
                }
                std::thread::sleep(std::time::Duration::from_millis(200));
            }
        })
    }

    /// Searches what the principal may see; the index first catches up with the change log.
    pub fn search(
        &self,
        p: &Principal,
        text: &str,
        limit: usize,
    ) -> Result<Vec<SearchHit>, AppError> {
        crate::registry::require(p, ratusz_core::roles::Permission::UsePanel, None)?;
        let text: String = text.chars().filter(|c| !c.is_control()).take(500).collect();
        if text.trim().is_empty() {
            return Ok(Vec::new());
        }
        self.search.catch_up(&self.store, &p.tenant_id)?;
        let scope = Scope::of(p);
        let registers = p.allowed(ratusz_core::roles::Permission::ReadRegisters, None);
        self.search
            .index()?
            .search(&SearchQuery {
                tenant_id: p.tenant_id.clone(),
                text,
                object_types: None,
                visible_units: if registers { None } else { scope.units.clone() },
                include_restricted: scope.restricted,
                limit: limit.clamp(1, 100),
            })
            .map_err(|e| AppError::Unavailable(format!("search: {e}")))
    }

    /// Rebuilds the search index of this node from the database.
    pub fn reindex(&self) -> Result<usize, AppError> {
        let tenants: Vec<String> = self.tenants()?.into_iter().map(|t| t.tenant_id).collect();
        self.search.rebuild(&self.store, &tenants)
    }

    /// Indexes pending changes of every tenant (the background indexer's step).
    pub fn search_catch_up_all(&self) -> Result<usize, AppError> {
        let mut n = 0;
        for t in self.tenants()? {
            n += self.search.catch_up(&self.store, &t.tenant_id)?;
        }
        Ok(n)
    }
}
