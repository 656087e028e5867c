-- AI intake (issue 5). Kept column-for-column identical to ../postgres.

-- Text read out of received documents: derived data (rebuildable by reading the files again),
-- searchable, shown to the clerk beside the scan. `problem` is set when the file needs manual
-- reading (encrypted PDF, empty scan, …); `ocr_confidence` is tesseract's mean word confidence
-- in percent.
CREATE TABLE document_texts (
    tenant_id TEXT NOT NULL REFERENCES tenants (tenant_id),
    document_id TEXT NOT NULL REFERENCES documents (id),
    sha256 TEXT NOT NULL,
    method TEXT NOT NULL,
    pages INTEGER NOT NULL,
    ocr_confidence INTEGER,
    problem TEXT,
    problem_detail TEXT NOT NULL,
    body TEXT NOT NULL,
    extracted_at BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, document_id)
);

-- The intake robot's reading of each incoming item: its status in the registrar's queue, the
-- suggestions with their reasons and the facts found (JSON), the duplicate group, the case it
-- was linked to or opened, and who decided.
CREATE TABLE intake_items (
    tenant_id TEXT NOT NULL REFERENCES tenants (tenant_id),
    item_id TEXT NOT NULL REFERENCES incoming_items (id),
    status TEXT NOT NULL,
    source TEXT NOT NULL,
    problem TEXT,
    problem_detail TEXT NOT NULL,
    suggestions TEXT NOT NULL,
    facts TEXT NOT NULL,
    content_sha256 TEXT,
    fingerprint BIGINT,
    duplicate_of TEXT,
    duplicate_kind TEXT,
    linked_case_id TEXT,
    draft_document_id TEXT,
    decided_by TEXT,
    decided_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, item_id)
);
CREATE INDEX intake_items_queue ON intake_items (tenant_id, status, created_at);
CREATE INDEX intake_items_sha ON intake_items (tenant_id, content_sha256);

-- What the channels have registered: one row per file hash or message id, so the same file or
-- message never registers twice, even when a folder is rescanned or a mailbox re-read.
CREATE TABLE intake_sources (
    tenant_id TEXT NOT NULL REFERENCES tenants (tenant_id),
    source_key TEXT NOT NULL,
    item_id TEXT NOT NULL REFERENCES incoming_items (id),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, source_key)
);

-- Routing rules written by the administrator per unit. `weight` in percent. `forward_to` and
-- `forward_address` name the competent authority when the office is not competent in the
-- matter (KPA art. 65 § 1); `required` lists, one per line as `what: word, word`, the elements
-- an application of this kind must mention (a missing one is a deficiency, art. 64 § 2).
CREATE TABLE intake_rules (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (tenant_id),
    name TEXT NOT NULL,
    match_kind TEXT NOT NULL,
    pattern TEXT NOT NULL,
    unit_id TEXT NOT NULL REFERENCES units (id),
    class_symbol TEXT,
    procedure_kind TEXT,
    item_kind TEXT,
    weight INTEGER NOT NULL,
    forward_to TEXT,
    forward_address TEXT,
    required TEXT NOT NULL,
    enabled BOOLEAN NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX intake_rules_tenant ON intake_rules (tenant_id);

-- Trained routing models: the file lives in blob storage; versions are kept with their
-- training metrics (JSON).
CREATE TABLE intake_models (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (tenant_id),
    target TEXT NOT NULL,
    version BIGINT NOT NULL,
    blob_key TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    examples BIGINT NOT NULL,
    metrics TEXT NOT NULL,
    trained_at BIGINT NOT NULL,
    trained_by TEXT NOT NULL,
    UNIQUE (tenant_id, target, version)
);

-- Documents written by a robot (a template draft or a language model's draft): marked in the
-- case file; a person must approve them before dispatch.
CREATE TABLE generated_documents (
    tenant_id TEXT NOT NULL REFERENCES tenants (tenant_id),
    document_id TEXT NOT NULL REFERENCES documents (id),
    generator TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, document_id)
);

-- The intake robot's delay-notice sweep looks for open cases by deadline across tenants.
CREATE INDEX cases_status_due ON cases (status, due_date);
