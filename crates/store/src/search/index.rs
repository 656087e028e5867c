//! The tantivy index of the registry: schema, writes (upsert, delete, clear) and queries.
//!
//! Each indexed object has a unique key `object_type:object_id`; an upsert deletes by that key and
//! adds the new version, so re-indexing an object never duplicates it. One `IndexWriter` lives
//! behind a mutex; every write call commits once and reloads the reader, so a search right after
//! a write sees it.
//!
//! Queries are built from the analyzed words of the user's text, never by a query parser, so no
//! input can make a search fail. The text is split on white space into chunks; every chunk must
//! match (AND), and a chunk matches when all its words match the title or body (stemmed or
//! accent-folded), or when the chunk is the object's sign or a prefix of it
//! ("GK.6730.1.2026", "gk.6730"). Stop words are ignored.

use std::fmt;
use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use tantivy::collector::TopDocs;
use tantivy::directory::MmapDirectory;
use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, Occur, PhrasePrefixQuery, Query, TermQuery,
};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing,
    TextOptions, Value,
};
use tantivy::snippet::{Snippet, SnippetGenerator};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, Searcher, TantivyDocument, Term};

use super::analyzer::{self, PL_FOLD, PL_STEM, SIGN};
use super::{Result, SearchError};

/// Memory budget of the single index writer, in bytes (split across its indexing threads).
pub const WRITER_MEMORY_BUDGET: usize = 50_000_000;
/// At most this many hits are returned, whatever [`SearchQuery::limit`] says.
pub const MAX_LIMIT: usize = 1_000;
/// Body text beyond this many bytes is neither indexed nor stored.
pub const MAX_BODY_BYTES: usize = 1 << 20;
/// Only the first this many white-space-separated chunks of a query count.
const MAX_QUERY_CHUNKS: usize = 32;
/// Only the first this many words of a query count.
const MAX_QUERY_WORDS: usize = 64;
/// Signs sharing a typed prefix that a prefix search still reaches.
const MAX_SIGN_EXPANSIONS: u32 = 10_000;
/// Score added by an exact sign match: typing a whole sign puts its object first.
const EXACT_SIGN_SCORE: f32 = 1_000.0;
/// Score added by a sign prefix match.
const PREFIX_SIGN_SCORE: f32 = 20.0;
/// Length of a snippet, in characters.
const SNIPPET_CHARS: usize = 160;

/// Object type of a case (sprawa).
pub const OBJECT_CASE: &str = "case";
/// Object type of an incoming item (przesyłka wpływająca).
pub const OBJECT_ITEM: &str = "item";
/// Object type of a document.
pub const OBJECT_DOCUMENT: &str = "document";

/// One object to index.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SearchDoc {
    pub tenant_id: String,
    /// [`OBJECT_CASE`], [`OBJECT_ITEM`] or [`OBJECT_DOCUMENT`].
    pub object_type: String,
    pub object_id: String,
    /// The case the object belongs to (for a case: itself or `None`).
    pub case_id: Option<String>,
    /// Organisational units allowed to see the object. A query restricted to units
    /// ([`SearchQuery::visible_units`]) never finds an object with no units.
    pub unit_ids: Vec<String>,
    /// Restricted objects are found only by queries with [`SearchQuery::include_restricted`].
    pub restricted: bool,
    pub title: String,
    /// Case sign or item id, matched exactly or by prefix, case-insensitively.
    pub sign: String,
    /// Metadata and document text.
    pub body: String,
    /// Microseconds since the Unix epoch.
    pub updated_at: i64,
}

/// A search request.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SearchQuery {
    /// Mandatory: only this tenant's objects are searched.
    pub tenant_id: String,
    /// What the user typed. Any text is accepted; empty text finds nothing.
    pub text: String,
    /// `None`: every type; `Some(types)`: only these (an empty list finds nothing).
    pub object_types: Option<Vec<String>>,
    /// `None`: everything in the tenant; `Some(units)`: objects visible to any of these units
    /// (an empty list finds nothing).
    pub visible_units: Option<Vec<String>>,
    pub include_restricted: bool,
    /// Maximum number of hits (capped at [`MAX_LIMIT`]; 0 finds nothing).
    pub limit: usize,
}

/// One search result, best first.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct SearchHit {
    pub object_type: String,
    pub object_id: String,
    pub case_id: Option<String>,
    pub title: String,
    pub sign: String,
    pub score: f32,
    /// A plain-text passage of the body around the matched words (no markup), or the beginning
    /// of the body when only the title or the sign matched.
    pub snippet: String,
}

#[derive(Clone, Copy)]
struct Fields {
    key: Field,
    tenant_id: Field,
    object_type: Field,
    object_id: Field,
    case_id: Field,
    unit_ids: Field,
    restricted: Field,
    title: Field,
    title_fold: Field,
    sign: Field,
    body: Field,
    body_fold: Field,
    updated_at: Field,
}

fn text_options(tokenizer: &str, stored: bool) -> TextOptions {
    let options = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(tokenizer)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    if stored {
        options.set_stored()
    } else {
        options
    }
}

fn build_schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let fields = Fields {
        key: b.add_text_field("key", STRING),
        tenant_id: b.add_text_field("tenant_id", STRING),
        object_type: b.add_text_field("object_type", STRING | STORED | FAST),
        object_id: b.add_text_field("object_id", STRING | STORED),
        case_id: b.add_text_field("case_id", STRING | STORED),
        unit_ids: b.add_text_field("unit_ids", STRING),
        restricted: b.add_bool_field("restricted", INDEXED),
        title: b.add_text_field("title", text_options(PL_STEM, true)),
        title_fold: b.add_text_field("title_fold", text_options(PL_FOLD, false)),
        sign: b.add_text_field(
            "sign",
            TextOptions::default()
                .set_indexing_options(
                    TextFieldIndexing::default()
                        .set_tokenizer(SIGN)
                        .set_index_option(IndexRecordOption::Basic),
                )
                .set_stored(),
        ),
        body: b.add_text_field("body", text_options(PL_STEM, true)),
        body_fold: b.add_text_field("body_fold", text_options(PL_FOLD, false)),
        updated_at: b.add_i64_field("updated_at", STORED | FAST),
    };
    (b.build(), fields)
}

/// The embedded full-text index of the registry. `Send + Sync`: share it behind an `Arc`.
pub struct SearchIndex {
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
    fields: Fields,
}

impl fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SearchIndex").finish_non_exhaustive()
    }
}

impl SearchIndex {
    /// Opens the index in `dir`, creating the directory and an empty index when absent.
    /// Fails with [`SearchError::SchemaMismatch`] when `dir` holds an index of another schema,
    /// and with [`SearchError::Index`] when another process holds its writer lock.
    pub fn open(dir: &Path) -> Result<Self> {
        std::fs::create_dir_all(dir)
            .map_err(|e| SearchError::Directory(format!("{}: {e}", dir.display())))?;
        let directory =
            MmapDirectory::open(dir).map_err(|e| SearchError::Directory(e.to_string()))?;
        let (schema, fields) = build_schema();
        let exists = Index::exists(&directory).map_err(tantivy::TantivyError::from)?;
        let index = if exists {
            let index = Index::open(directory)?;
            if index.schema() != schema {
                return Err(SearchError::SchemaMismatch);
            }
            index
        } else {
            Index::create(directory, schema, Default::default())?
        };
        Self::with_index(index, fields)
    }

    /// A fresh index in memory (tests, tools).
    pub fn in_memory() -> Result<Self> {
        let (schema, fields) = build_schema();
        Self::with_index(Index::create_in_ram(schema), fields)
    }

    fn with_index(index: Index, fields: Fields) -> Result<Self> {
        analyzer::register(&index);
        let writer: IndexWriter = index.writer(WRITER_MEMORY_BUDGET)?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(SearchIndex {
            reader,
            writer: Mutex::new(writer),
            fields,
        })
    }

    /// The writer; after a panic in another write, its uncommitted changes are rolled back.
    fn writer(&self) -> Result<MutexGuard<'_, IndexWriter>> {
        match self.writer.lock() {
            Ok(guard) => Ok(guard),
            Err(poisoned) => {
                let mut guard = poisoned.into_inner();
                self.writer.clear_poison();
                guard.rollback()?;
                Ok(guard)
            }
        }
    }

    /// Runs `ops` on the writer and commits; rolls back if anything fails. Then reloads the
    /// reader so that the next search sees the change.
    fn write(&self, ops: impl FnOnce(&mut IndexWriter, &Fields) -> Result<()>) -> Result<()> {
        {
            let mut writer = self.writer()?;
            let done = ops(&mut writer, &self.fields).and_then(|()| {
                writer.commit()?;
                Ok(())
            });
            if let Err(e) = done {
                let _ = writer.rollback();
                return Err(e);
            }
        }
        self.reader.reload()?;
        Ok(())
    }

    fn key_term(&self, object_type: &str, object_id: &str) -> Term {
        Term::from_field_text(self.fields.key, &format!("{object_type}:{object_id}"))
    }

    /// Adds or replaces `docs` (by `object_type` + `object_id`), in one commit. Later entries of
    /// `docs` win over earlier ones with the same key. Nothing is written if a document is invalid.
    pub fn upsert(&self, docs: &[SearchDoc]) -> Result<()> {
        if docs.is_empty() {
            return Ok(());
        }
        for doc in docs {
            validate(doc)?;
        }
        self.write(|writer, f| {
            for doc in docs {
                writer.delete_term(self.key_term(&doc.object_type, &doc.object_id));
                writer.add_document(to_document(f, doc))?;
            }
            Ok(())
        })
    }

    /// Removes one object (no error when it is not indexed).
    pub fn delete(&self, object_type: &str, object_id: &str) -> Result<()> {
        let term = self.key_term(object_type, object_id);
        self.write(|writer, _| {
            writer.delete_term(term);
            Ok(())
        })
    }

    /// Removes every object of one tenant (before rebuilding it).
    pub fn clear_tenant(&self, tenant_id: &str) -> Result<()> {
        self.write(|writer, f| {
            writer.delete_term(Term::from_field_text(f.tenant_id, tenant_id));
            Ok(())
        })
    }

    /// Removes everything (before a full rebuild).
    pub fn clear_all(&self) -> Result<()> {
        self.write(|writer, _| {
            writer.delete_all_documents()?;
            Ok(())
        })
    }

    /// Number of indexed objects, all tenants together.
    pub fn doc_count(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Searches one tenant's objects; best hits first. Never fails because of the text.
    pub fn search(&self, q: &SearchQuery) -> Result<Vec<SearchHit>> {
        let limit = q.limit.min(MAX_LIMIT);
        if limit == 0 || q.tenant_id.is_empty() {
            return Ok(Vec::new());
        }
        let Some(text_query) = self.text_query(&q.text) else {
            return Ok(Vec::new());
        };
        let f = &self.fields;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![
            (Occur::Must, text_query.box_clone()),
            (
                Occur::Must,
                filter(vec![raw_term(f.tenant_id, &q.tenant_id)]),
            ),
        ];
        for (field, allowed) in [
            (f.object_type, &q.object_types),
            (f.unit_ids, &q.visible_units),
        ] {
            if let Some(allowed) = allowed {
                if allowed.is_empty() {
                    return Ok(Vec::new());
                }
                let terms = allowed.iter().map(|v| raw_term(field, v)).collect();
                clauses.push((Occur::Must, filter(terms)));
            }
        }
        if !q.include_restricted {
            clauses.push((
                Occur::MustNot,
                Box::new(TermQuery::new(
                    Term::from_field_bool(f.restricted, true),
                    IndexRecordOption::Basic,
                )),
            ));
        }
        let query = BooleanQuery::new(clauses);

        let searcher = self.reader.searcher();
        let top = searcher.search(&query, &TopDocs::with_limit(limit).order_by_score())?;
        let snippets = Snippets::new(&searcher, &*text_query, f)?;
        let mut hits = Vec::with_capacity(top.len());
        for (score, address) in top {
            let doc: TantivyDocument = searcher.doc(address)?;
            let text = |field: Field| {
                doc.get_first(field)
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default()
            };
            let case_id = text(f.case_id);
            hits.push(SearchHit {
                object_type: text(f.object_type),
                object_id: text(f.object_id),
                case_id: (!case_id.is_empty()).then_some(case_id),
                title: text(f.title),
                sign: text(f.sign),
                score,
                snippet: snippets.make(&text(f.body)),
            });
        }
        Ok(hits)
    }

    /// The query for the user's text (see the module doc); `None` when it has no searchable word.
    fn text_query(&self, text: &str) -> Option<Box<dyn Query>> {
        let f = &self.fields;
        let mut lower = analyzer::lower_analyzer();
        let mut fold = analyzer::pl_fold_analyzer();
        let mut sign = analyzer::sign_analyzer();
        let mut words_left = MAX_QUERY_WORDS;
        let mut chunks: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for chunk in text.split_whitespace().take(MAX_QUERY_CHUNKS) {
            let mut words: Vec<(Occur, Box<dyn Query>)> = Vec::new();
            for word in analyzer::tokens(&mut lower, chunk) {
                if words_left == 0 {
                    break;
                }
                let Some(stem) = analyzer::stem_word(&word) else {
                    continue; // a stop word
                };
                words_left -= 1;
                let folded = analyzer::tokens(&mut fold, &word)
                    .into_iter()
                    .next()
                    .unwrap_or(word);
                let alternatives: Vec<(Occur, Box<dyn Query>)> = vec![
                    (Occur::Should, scored_term(f.title, &stem, 3.0)),
                    (Occur::Should, scored_term(f.body, &stem, 1.0)),
                    (Occur::Should, scored_term(f.title_fold, &folded, 2.0)),
                    (Occur::Should, scored_term(f.body_fold, &folded, 0.7)),
                ];
                words.push((Occur::Must, Box::new(BooleanQuery::new(alternatives))));
            }
            if words.is_empty() {
                continue; // only stop words or punctuation
            }
            let mut alternatives: Vec<(Occur, Box<dyn Query>)> =
                vec![(Occur::Should, Box::new(BooleanQuery::new(words)))];
            let sign_text = chunk.trim_matches(|c: char| !c.is_alphanumeric());
            if let Some(sign_term) = analyzer::tokens(&mut sign, sign_text).into_iter().next() {
                let term = Term::from_field_text(f.sign, &sign_term);
                let exact = TermQuery::new(term.clone(), IndexRecordOption::Basic);
                alternatives.push((
                    Occur::Should,
                    Box::new(ConstScoreQuery::new(Box::new(exact), EXACT_SIGN_SCORE)),
                ));
                if sign_term.chars().count() >= 2 {
                    let mut prefix = PhrasePrefixQuery::new(vec![term]);
                    prefix.set_max_expansions(MAX_SIGN_EXPANSIONS);
                    alternatives.push((
                        Occur::Should,
                        Box::new(ConstScoreQuery::new(Box::new(prefix), PREFIX_SIGN_SCORE)),
                    ));
                }
            }
            chunks.push((Occur::Must, Box::new(BooleanQuery::new(alternatives))));
        }
        if chunks.is_empty() {
            None
        } else {
            Some(Box::new(BooleanQuery::new(chunks)))
        }
    }
}

/// Snippet generators for one query: stemmed words first, then accent-folded ones.
struct Snippets {
    stemmed: SnippetGenerator,
    folded: SnippetGenerator,
}

impl Snippets {
    fn new(searcher: &Searcher, query: &dyn Query, f: &Fields) -> Result<Self> {
        let mut stemmed = SnippetGenerator::create(searcher, query, f.body)?;
        stemmed.set_max_num_chars(SNIPPET_CHARS);
        let mut folded = SnippetGenerator::create(searcher, query, f.body_fold)?;
        folded.set_max_num_chars(SNIPPET_CHARS);
        Ok(Snippets { stemmed, folded })
    }

    fn make(&self, body: &str) -> String {
        let found = |s: Snippet| (!s.highlighted().is_empty()).then(|| squeeze(s.fragment()));
        found(self.stemmed.snippet(body))
            .or_else(|| found(self.folded.snippet(body)))
            .unwrap_or_else(|| squeeze(head(body, SNIPPET_CHARS)))
    }
}

/// White space collapsed to single spaces.
fn squeeze(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// At most `max_chars` characters of the beginning of `text`, cut after a whole word if possible.
fn head(text: &str, max_chars: usize) -> &str {
    match text.char_indices().nth(max_chars) {
        None => text,
        Some((end, _)) => {
            let cut = &text[..end];
            match cut.rfind(char::is_whitespace) {
                Some(space) if space > 0 => &cut[..space],
                _ => cut,
            }
        }
    }
}

/// The longest prefix of `text` of at most `max` bytes that ends on a character boundary.
fn truncate_bytes(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

fn raw_term(field: Field, value: &str) -> Term {
    Term::from_field_text(field, value)
}

fn scored_term(field: Field, text: &str, boost: f32) -> Box<dyn Query> {
    let query = TermQuery::new(
        Term::from_field_text(field, text),
        IndexRecordOption::WithFreqs,
    );
    Box::new(BoostQuery::new(Box::new(query), boost))
}

/// A filter that matches any of `terms` and adds nothing to the score.
fn filter(terms: Vec<Term>) -> Box<dyn Query> {
    let any: Vec<(Occur, Box<dyn Query>)> = terms
        .into_iter()
        .map(|t| {
            let q: Box<dyn Query> = Box::new(TermQuery::new(t, IndexRecordOption::Basic));
            (Occur::Should, q)
        })
        .collect();
    Box::new(ConstScoreQuery::new(Box::new(BooleanQuery::new(any)), 0.0))
}

fn validate(doc: &SearchDoc) -> Result<()> {
    let invalid = |what: &str| {
        Err(SearchError::InvalidDocument(format!(
            "{what} ({}:{})",
            doc.object_type, doc.object_id
        )))
    };
    if doc.tenant_id.is_empty() {
        return invalid("empty tenant_id");
    }
    if doc.object_type.is_empty() || doc.object_type.contains(':') {
        return invalid("object_type empty or containing ':'");
    }
    if doc.object_id.is_empty() {
        return invalid("empty object_id");
    }
    Ok(())
}

fn to_document(f: &Fields, d: &SearchDoc) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    doc.add_text(f.key, format!("{}:{}", d.object_type, d.object_id));
    doc.add_text(f.tenant_id, &d.tenant_id);
    doc.add_text(f.object_type, &d.object_type);
    doc.add_text(f.object_id, &d.object_id);
    if let Some(case_id) = d.case_id.as_deref().filter(|c| !c.is_empty()) {
        doc.add_text(f.case_id, case_id);
    }
    for unit in &d.unit_ids {
        doc.add_text(f.unit_ids, unit);
    }
    doc.add_bool(f.restricted, d.restricted);
    doc.add_text(f.title, &d.title);
    doc.add_text(f.title_fold, &d.title);
    doc.add_text(f.sign, &d.sign);
    let body = truncate_bytes(&d.body, MAX_BODY_BYTES);
    doc.add_text(f.body, body);
    doc.add_text(f.body_fold, body);
    doc.add_i64(f.updated_at, d.updated_at);
    doc
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(tenant: &str, object_type: &str, id: &str, title: &str, body: &str) -> SearchDoc {
        SearchDoc {
            tenant_id: tenant.into(),
            object_type: object_type.into(),
            object_id: id.into(),
            case_id: None,
            unit_ids: vec!["u1".into()],
            restricted: false,
            title: title.into(),
            sign: String::new(),
            body: body.into(),
            updated_at: 1_700_000_000_000_000,
        }
    }

    fn query(tenant: &str, text: &str) -> SearchQuery {
        SearchQuery {
            tenant_id: tenant.into(),
            text: text.into(),
            object_types: None,
            visible_units: None,
            include_restricted: true,
            limit: 20,
        }
    }

    fn ids(index: &SearchIndex, q: &SearchQuery) -> Vec<String> {
        let mut ids: Vec<String> = index
            .search(q)
            .expect("search")
            .into_iter()
            .map(|h| h.object_id)
            .collect();
        ids.sort();
        ids
    }

    fn sample() -> SearchIndex {
        let index = SearchIndex::in_memory().expect("index");
        let mut case = doc(
            "A",
            OBJECT_CASE,
            "c1",
            "Decyzja o warunkach zabudowy",
            "Sprawa dotyczy działki 123/4 w Łodzi. Urząd Gminy wydał decyzję.",
        );
        case.sign = "GK.6730.1.2026".into();
        case.case_id = Some("c1".into());
        let mut item = doc(
            "A",
            OBJECT_ITEM,
            "i1",
            "Wniosek o wydanie zaświadczenia",
            "Jan Kowalski, ul. Źródlana 5, łódź. Proszę o wydanie zaświadczenia.",
        );
        item.sign = "KO-2026-000017".into();
        item.unit_ids = vec!["u2".into()];
        let mut secret = doc(
            "A",
            OBJECT_DOCUMENT,
            "d1",
            "Notatka służbowa",
            "Postępowanie dyscyplinarne w Urzędzie Gminy.",
        );
        secret.restricted = true;
        secret.case_id = Some("c1".into());
        let other = doc(
            "B",
            OBJECT_CASE,
            "c9",
            "Decyzja o warunkach zabudowy",
            "Urząd Gminy w innej gminie.",
        );
        index.upsert(&[case, item, secret, other]).expect("upsert");
        index
    }

    #[test]
    fn search_finds_inflected_and_unaccented_forms() {
        let index = sample();
        assert_eq!(ids(&index, &query("A", "decyzji")), vec!["c1"]);
        assert_eq!(ids(&index, &query("A", "urzad")), vec!["c1"]);
        assert_eq!(ids(&index, &query("A", "Urząd Gminy")), vec!["c1"]);
        assert_eq!(ids(&index, &query("A", "wniosków")), vec!["i1"]);
        assert_eq!(ids(&index, &query("A", "ŁÓDŹ")), vec!["i1"]);
        assert_eq!(ids(&index, &query("A", "zrodlana")), vec!["i1"]);
        assert_eq!(ids(&index, &query("A", "urzędzie")), vec!["d1"]);
        // Every chunk must match; stop words do not count.
        assert_eq!(ids(&index, &query("A", "wniosek o wydanie")), vec!["i1"]);
        assert!(ids(&index, &query("A", "wniosek zabudowy")).is_empty());
    }

    #[test]
    fn search_hit_has_fields_and_plain_snippet() {
        let index = sample();
        let hits = index.search(&query("A", "decyzji")).unwrap();
        assert_eq!(hits.len(), 1);
        let hit = &hits[0];
        assert_eq!(hit.object_type, OBJECT_CASE);
        assert_eq!(hit.case_id.as_deref(), Some("c1"));
        assert_eq!(hit.title, "Decyzja o warunkach zabudowy");
        assert_eq!(hit.sign, "GK.6730.1.2026");
        assert!(hit.score > 0.0);
        assert!(hit.snippet.contains("decyzję"), "{}", hit.snippet);
        assert!(!hit.snippet.contains('<'));
        // Matched through the accent-folded field: the snippet shows the original spelling.
        let hits = index.search(&query("A", "urzad")).unwrap();
        assert!(
            hits[0].snippet.contains("Urząd Gminy"),
            "{}",
            hits[0].snippet
        );
        // Only the sign matched: the snippet is the start of the body.
        let hits = index.search(&query("A", "GK.6730.1.2026")).unwrap();
        assert!(
            hits[0].snippet.starts_with("Sprawa dotyczy"),
            "{}",
            hits[0].snippet
        );
    }

    #[test]
    fn search_by_sign_exact_and_prefix() {
        let index = sample();
        for text in [
            "GK.6730.1.2026",
            "gk.6730.1.2026",
            "gk.6730",
            "GK.",
            "ko-2026-000017",
        ] {
            let found = ids(&index, &query("A", text));
            assert_eq!(found.len(), 1, "{text}: {found:?}");
        }
        assert_eq!(ids(&index, &query("A", "GK.6730 decyzja")), vec!["c1"]);
        assert!(ids(&index, &query("A", "GK.6731")).is_empty());
        // Exact sign beats other matches.
        let mut extra = doc("A", OBJECT_CASE, "c2", "GK 6730", "gk 6730 1 2026");
        extra.sign = "GK.6730.1.2025".into();
        index.upsert(&[extra]).unwrap();
        let hits = index.search(&query("A", "GK.6730.1.2026")).unwrap();
        assert_eq!(hits[0].object_id, "c1");
    }

    #[test]
    fn search_tenants_are_isolated() {
        let index = sample();
        assert_eq!(ids(&index, &query("A", "decyzja")), vec!["c1"]);
        assert_eq!(ids(&index, &query("B", "decyzja")), vec!["c9"]);
        assert!(ids(&index, &query("C", "decyzja")).is_empty());
        assert!(ids(&index, &query("", "decyzja")).is_empty());
    }

    #[test]
    fn search_unit_type_and_restricted_filters() {
        let index = sample();
        let mut q = query("A", "gminy");
        assert_eq!(ids(&index, &q), vec!["c1", "d1"]);
        q.include_restricted = false;
        assert_eq!(ids(&index, &q), vec!["c1"]);

        let mut q = query("A", "wydanie");
        q.visible_units = Some(vec!["u1".into()]);
        assert!(ids(&index, &q).is_empty());
        q.visible_units = Some(vec!["u1".into(), "u2".into()]);
        assert_eq!(ids(&index, &q), vec!["i1"]);
        q.visible_units = Some(vec![]);
        assert!(ids(&index, &q).is_empty());

        let mut q = query("A", "gminy");
        q.object_types = Some(vec![OBJECT_DOCUMENT.into()]);
        assert_eq!(ids(&index, &q), vec!["d1"]);
        q.object_types = Some(vec![OBJECT_CASE.into(), OBJECT_ITEM.into()]);
        assert_eq!(ids(&index, &q), vec!["c1"]);
        q.object_types = Some(vec![]);
        assert!(ids(&index, &q).is_empty());
    }

    #[test]
    fn search_upsert_replaces_and_delete_removes() {
        let index = sample();
        assert_eq!(index.doc_count(), 4);
        let mut changed = doc(
            "A",
            OBJECT_CASE,
            "c1",
            "Pozwolenie na budowę",
            "Nowa treść.",
        );
        changed.sign = "GK.6730.1.2026".into();
        index.upsert(std::slice::from_ref(&changed)).unwrap();
        index.upsert(&[changed.clone(), changed]).unwrap();
        assert_eq!(index.doc_count(), 4);
        assert_eq!(ids(&index, &query("A", "budowy")), vec!["c1"]);
        assert!(ids(&index, &query("A", "zabudowy")).is_empty());
        assert_eq!(ids(&index, &query("A", "GK.6730.1.2026")), vec!["c1"]);

        index.delete(OBJECT_CASE, "c1").unwrap();
        index.delete(OBJECT_CASE, "no-such").unwrap();
        assert_eq!(index.doc_count(), 3);
        assert!(ids(&index, &query("A", "budowy")).is_empty());

        index.clear_tenant("A").unwrap();
        assert_eq!(index.doc_count(), 1);
        assert_eq!(ids(&index, &query("B", "decyzja")), vec!["c9"]);
        index.clear_all().unwrap();
        assert_eq!(index.doc_count(), 0);
    }

    #[test]
    fn search_rejects_invalid_docs_without_writing() {
        let index = SearchIndex::in_memory().unwrap();
        let good = doc("A", OBJECT_CASE, "c1", "Decyzja", "");
        let bad = doc("", OBJECT_CASE, "c2", "Decyzja", "");
        assert!(matches!(
            index.upsert(&[good.clone(), bad]),
            Err(SearchError::InvalidDocument(_))
        ));
        assert!(index.upsert(&[doc("A", "ca:se", "c3", "", "")]).is_err());
        assert!(index.upsert(&[doc("A", OBJECT_CASE, "", "", "")]).is_err());
        assert_eq!(index.doc_count(), 0);
        index.upsert(&[good]).unwrap();
        assert_eq!(index.doc_count(), 1);
    }

    #[test]
    fn search_odd_input_never_fails() {
        let index = sample();
        let long = "decyzja ".repeat(1_300) + &"x".repeat(10_000);
        let inputs = [
            "",
            " ",
            "\"",
            "(((",
            ")))",
            "AND OR",
            "AND",
            "NOT decyzja",
            "*",
            "?",
            "~2",
            "a:b",
            "title:decyzja",
            "decyzja^10",
            "[1 TO 2]",
            "\0",
            "decy\0zja",
            "\0\0\0 \0",
            "\\",
            "💥🙂",
            "i w z",
            "-",
            "+decyzja -zabudowy",
            "' OR 1=1 --",
            long.as_str(),
        ];
        for text in inputs {
            let result = index.search(&query("A", text));
            assert!(result.is_ok(), "{text:?}: {result:?}");
        }
        for text in ["", " ", "\"", "(((", "*", "i w z", "\0"] {
            assert!(
                index.search(&query("A", text)).unwrap().is_empty(),
                "{text:?}"
            );
        }
        let mut q = query("A", "decyzja");
        q.limit = 0;
        assert!(index.search(&q).unwrap().is_empty());
        q.limit = usize::MAX;
        assert_eq!(index.search(&q).unwrap().len(), 1);
        // Odd documents index fine too.
        let mut odd = doc(
            "A",
            OBJECT_DOCUMENT,
            "odd\0",
            "\0(((",
            &"ł\0ż ".repeat(5_000),
        );
        odd.sign = "\0*".into();
        odd.body.push_str(&"ż".repeat(MAX_BODY_BYTES));
        index.upsert(&[odd]).unwrap();
        assert!(index.search(&query("A", "\0*")).is_ok());
    }

    #[test]
    fn search_index_on_disk_reopens() {
        let dir = std::env::temp_dir().join(format!(
            "ratusz-search-test-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or_default()
        ));
        {
            let index = SearchIndex::open(&dir).unwrap();
            index
                .upsert(&[doc("A", OBJECT_CASE, "c1", "Urząd Gminy", "")])
                .unwrap();
            assert_eq!(ids(&index, &query("A", "urzad")), vec!["c1"]);
        }
        {
            let index = SearchIndex::open(&dir).unwrap();
            assert_eq!(index.doc_count(), 1);
            assert_eq!(ids(&index, &query("A", "gmina")), vec!["c1"]);
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn search_index_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<SearchIndex>();
    }

    #[test]
    fn search_head_cuts_on_words() {
        assert_eq!(head("abc def", 10), "abc def");
        assert_eq!(head("abc def ghi", 9), "abc def");
        assert_eq!(head("żółw", 2), "żó");
        assert_eq!(truncate_bytes("żółw", 3), "ż");
    }
}
