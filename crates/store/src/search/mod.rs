//! Full-text search over the EZD registry (cases, incoming items, documents).
//!
//! The index is derived data: the database is the truth, and the index can be dropped and
//! rebuilt at any time ([`SearchIndex::clear_all`], [`SearchIndex::clear_tenant`], then
//! [`SearchIndex::upsert`] everything again). Each node keeps its own index on local disk.
//!
//! * [`analyzer`]: the Polish analyzers (Snowball stemming through `frostem`, accent folding).
//! * [`index`]: [`SearchIndex`], the tantivy index with its schema, writes and queries.
//!
//! Tenant isolation is part of every query: [`SearchQuery::tenant_id`] is a mandatory filter.

pub mod analyzer;
pub mod index;

pub use analyzer::analyze;
pub use index::{SearchDoc, SearchHit, SearchIndex, SearchQuery};

/// Errors of the search index. The store maps them into its own error type at the boundary.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// tantivy failed (I/O underneath, corrupted files, a writer already holding the lock...).
    #[error("search index: {0}")]
    Index(#[from] Box<tantivy::TantivyError>),
    /// The index directory could not be created or opened.
    #[error("search index directory: {0}")]
    Directory(String),
    /// The index on disk was built with another schema: delete the directory and rebuild.
    #[error("search index schema does not match this version; delete it and reindex")]
    SchemaMismatch,
    /// A document that cannot be indexed (empty key parts).
    #[error("invalid search document: {0}")]
    InvalidDocument(String),
}

impl From<tantivy::TantivyError> for SearchError {
    fn from(e: tantivy::TantivyError) -> Self {
        SearchError::Index(Box::new(e))
    }
}

/// Result of the search index.
pub type Result<T, E = SearchError> = std::result::Result<T, E>;
