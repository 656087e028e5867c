-- EZD registry and case handling (issue 3). Kept column-for-column identical to ../sqlite.
-- Calendar dates (letter dates, deadlines) are TEXT 'YYYY-MM-DD' in Europe/Warsaw; instants are
-- BIGINT microseconds (UTC).

-- Gap-free running numbers (case index, registers, paper store, search change log). A number is
-- taken by incrementing the row inside the use case's transaction, so a rolled-back transaction
-- gives its number back and concurrent transactions queue on the row.
CREATE TABLE counters (
    tenant_id TEXT NOT NULL REFERENCES tenants (tenant_id),
    scope TEXT NOT NULL,
    value BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, scope)
);

-- The file plan (JRWA): one row per class.
CREATE TABLE file_classes (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (tenant_id),
    symbol TEXT NOT NULL,
    heading TEXT NOT NULL,
    category TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (tenant_id, symbol)
);

-- The register of incoming items (RPW).
CREATE TABLE incoming_items (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (tenant_id),
    year INTEGER NOT NULL,
    number BIGINT NOT NULL,
    item_ref TEXT NOT NULL,
    channel TEXT NOT NULL,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    sender_name TEXT NOT NULL,
    sender_address TEXT NOT NULL,
    sender_reference TEXT,
    letter_date TEXT,
    received_on TEXT NOT NULL,
    registered_at BIGINT NOT NULL,
    registered_by TEXT NOT NULL REFERENCES users (id),
    access_level TEXT NOT NULL,
    attachments_count INTEGER NOT NULL,
    paper_store_no BIGINT,
    unit_id TEXT REFERENCES units (id),
    handler_id TEXT REFERENCES users (id),
    case_id TEXT,
    notes TEXT NOT NULL,
    UNIQUE (tenant_id, year, number),
    UNIQUE (tenant_id, item_ref)
);
CREATE INDEX incoming_items_received ON incoming_items (tenant_id, registered_at);
CREATE INDEX incoming_items_handler ON incoming_items (tenant_id, handler_id);
CREATE INDEX incoming_items_unit ON incoming_items (tenant_id, unit_id);

-- Assignments (dekretacja) of items and cases; history is kept: a re-assignment closes the current
-- row (superseded_at) and adds a new one.
CREATE TABLE assignments (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (tenant_id),
    object_type TEXT NOT NULL,
    object_id TEXT NOT NULL,
    unit_id TEXT NOT NULL REFERENCES units (id),
    handler_id TEXT REFERENCES users (id),
    manner TEXT,
    deadline TEXT,
    note TEXT NOT NULL,
    assigned_by TEXT NOT NULL REFERENCES users (id),
    assigned_at BIGINT NOT NULL,
    changed_at BIGINT,
    superseded_at BIGINT
);
CREATE INDEX assignments_object ON assignments (tenant_id, object_type, object_id);

CREATE TABLE cases (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (tenant_id),
    sign TEXT NOT NULL,
    unit_id TEXT NOT NULL REFERENCES units (id),
    class_symbol TEXT NOT NULL,
    year INTEGER NOT NULL,
    number BIGINT NOT NULL,
    title TEXT NOT NULL,
    procedure_kind TEXT NOT NULL,
    complicated BOOLEAN NOT NULL,
    status TEXT NOT NULL,
    handler_id TEXT REFERENCES users (id),
    opened_by TEXT NOT NULL REFERENCES users (id),
    access_level TEXT NOT NULL,
    start_date TEXT NOT NULL,
    due_date TEXT,
    extension_due TEXT,
    extension_reason TEXT,
    incoming_item_id TEXT REFERENCES incoming_items (id),
    closed_on TEXT,
    final_document_id TEXT,
    transfer_id TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (tenant_id, sign),
    UNIQUE (tenant_id, unit_id, class_symbol, year, number)
);
CREATE INDEX cases_handler_due ON cases (tenant_id, handler_id, status, due_date);
CREATE INDEX cases_unit ON cases (tenant_id, unit_id, status, due_date);
CREATE INDEX cases_index ON cases (tenant_id, unit_id, class_symbol, year, number);

-- Periods that do not count towards the deadline (KPA art. 35 § 5): suspension, waiting for the
-- party to remedy deficiencies (art. 64 § 2), delays caused by the party.
CREATE TABLE case_pauses (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (tenant_id),
    case_id TEXT NOT NULL REFERENCES cases (id),
    reason TEXT NOT NULL,
    from_date TEXT NOT NULL,
    until_date TEXT,
    document_id TEXT,
    created_by TEXT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL
);
CREATE INDEX case_pauses_case ON case_pauses (tenant_id, case_id);

CREATE TABLE case_parties (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (tenant_id),
    case_id TEXT NOT NULL REFERENCES cases (id),
    role TEXT NOT NULL,
    name TEXT NOT NULL,
    address TEXT NOT NULL,
    email TEXT,
    edelivery_address TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX case_parties_case ON case_parties (tenant_id, case_id);

CREATE TABLE case_links (
    tenant_id TEXT NOT NULL REFERENCES tenants (tenant_id),
    case_id TEXT NOT NULL REFERENCES cases (id),
    related_case_id TEXT NOT NULL REFERENCES cases (id),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (case_id, related_case_id)
);

-- The case log (metryka sprawy, KPA art. 66a), written only by the use cases.
CREATE TABLE case_log (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (tenant_id),
    case_id TEXT NOT NULL REFERENCES cases (id),
    seq BIGINT NOT NULL,
    at BIGINT NOT NULL,
    actor_id TEXT,
    actor_label TEXT NOT NULL,
    action TEXT NOT NULL,
    document_id TEXT,
    details TEXT NOT NULL,
    UNIQUE (case_id, seq)
);

CREATE TABLE documents (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (tenant_id),
    case_id TEXT REFERENCES cases (id),
    incoming_item_id TEXT REFERENCES incoming_items (id),
    title TEXT NOT NULL,
    kind TEXT NOT NULL,
    direction TEXT NOT NULL,
    status TEXT NOT NULL,
    access_level TEXT NOT NULL,
    author_id TEXT REFERENCES users (id),
    template_id TEXT,
    addressee_name TEXT,
    addressee_address TEXT,
    self_approval BOOLEAN NOT NULL,
    current_version INTEGER NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX documents_case ON documents (tenant_id, case_id);
CREATE INDEX documents_item ON documents (tenant_id, incoming_item_id);

-- Every version of a document's content; the bytes live in blob storage under blob_key.
CREATE TABLE document_versions (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (tenant_id),
    document_id TEXT NOT NULL REFERENCES documents (id),
    version INTEGER NOT NULL,
    blob_key TEXT NOT NULL,
    file_name TEXT NOT NULL,
    media_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    text_content TEXT,
    created_by TEXT,
    created_at BIGINT NOT NULL,
    UNIQUE (document_id, version)
);

-- Approval path of a draft: steps in order; one round per submission.
CREATE TABLE approval_steps (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (tenant_id),
    document_id TEXT NOT NULL REFERENCES documents (id),
    round INTEGER NOT NULL,
    position INTEGER NOT NULL,
    approver_id TEXT NOT NULL REFERENCES users (id),
    status TEXT NOT NULL,
    comment TEXT,
    decided_at BIGINT,
    created_at BIGINT NOT NULL,
    UNIQUE (document_id, round, position)
);
CREATE INDEX approval_steps_approver ON approval_steps (tenant_id, approver_id, status);

-- The register of outgoing items.
CREATE TABLE outgoing_items (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (tenant_id),
    year INTEGER NOT NULL,
    number BIGINT NOT NULL,
    item_ref TEXT NOT NULL,
    case_id TEXT NOT NULL REFERENCES cases (id),
    document_id TEXT NOT NULL REFERENCES documents (id),
    addressee_name TEXT NOT NULL,
    addressee_address TEXT NOT NULL,
    dispatch_method TEXT NOT NULL,
    registered_by TEXT NOT NULL REFERENCES users (id),
    registered_at BIGINT NOT NULL,
    UNIQUE (tenant_id, year, number),
    UNIQUE (tenant_id, item_ref)
);
CREATE INDEX outgoing_items_registered ON outgoing_items (tenant_id, registered_at);

CREATE TABLE letter_templates (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (tenant_id),
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    created_by TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (tenant_id, name)
);

-- Handover lists (spis zdawczo-odbiorczy) of closed cases to the office archive.
CREATE TABLE archive_transfers (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (tenant_id),
    unit_id TEXT NOT NULL REFERENCES units (id),
    number BIGINT NOT NULL,
    year INTEGER NOT NULL,
    created_by TEXT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL,
    UNIQUE (tenant_id, unit_id, number)
);

-- What changed, in commit order, for the search index each node keeps (derived, rebuildable).
CREATE TABLE search_changes (
    tenant_id TEXT NOT NULL REFERENCES tenants (tenant_id),
    seq BIGINT NOT NULL,
    object_type TEXT NOT NULL,
    object_id TEXT NOT NULL,
    at BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, seq)
);
