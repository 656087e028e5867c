-- The residents' portal: e-services (definition source and catalogue card), saved drafts of
-- forms, and submissions with their official receipt (UPO).

-- An e-service of the tenant. `definition` is the TOML source as imported (exported as is, so
-- that municipalities can share services); the other columns are what the catalogue lists and
-- searches without parsing every definition. A definition with errors is never stored.
CREATE TABLE eservices (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (tenant_id),
    slug TEXT NOT NULL,
    name_pl TEXT NOT NULL,
    name_en TEXT NOT NULL,
    summary_pl TEXT NOT NULL,
    summary_en TEXT NOT NULL,
    life_situations TEXT NOT NULL,
    search_text TEXT NOT NULL,
    unit_id TEXT NOT NULL REFERENCES units (id),
    class_symbol TEXT NOT NULL,
    definition TEXT NOT NULL,
    published BOOLEAN NOT NULL,
    version INTEGER NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (tenant_id, slug)
);

-- A resident's unsent form, saved to come back to later (one per resident and service).
CREATE TABLE submission_drafts (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (tenant_id),
    user_id TEXT NOT NULL REFERENCES users (id),
    service_id TEXT NOT NULL REFERENCES eservices (id),
    answers TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (tenant_id, user_id, service_id)
);

-- What a resident typed when their session had expired, kept for a day under a random token
-- (its SHA-256 here, the token in a cookie) so that signing in again loses nothing.
CREATE TABLE form_stashes (
    token_hash TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (tenant_id),
    service_id TEXT NOT NULL REFERENCES eservices (id),
    answers TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

-- A submission: registered as an incoming item (channel portal) in the same transaction; its
-- case is the item's case (opened at submission or later by the office). The receipt column
-- holds the UPO's content as JSON (files with names, sizes and SHA-256). The tracking code is
-- kept only as its SHA-256. Submitting twice with the same idempotency key yields one row.
CREATE TABLE submissions (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (tenant_id),
    service_id TEXT NOT NULL REFERENCES eservices (id),
    service_version INTEGER NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id),
    idempotency_key TEXT NOT NULL,
    year INTEGER NOT NULL,
    number BIGINT NOT NULL,
    receipt_number TEXT NOT NULL,
    received_at BIGINT NOT NULL,
    content_sha256 TEXT NOT NULL,
    receipt TEXT NOT NULL,
    tracking_hash TEXT NOT NULL,
    incoming_item_id TEXT NOT NULL REFERENCES incoming_items (id),
    UNIQUE (tenant_id, user_id, idempotency_key),
    UNIQUE (tenant_id, receipt_number)
);
CREATE INDEX submissions_user ON submissions (tenant_id, user_id, received_at);
CREATE INDEX submissions_item ON submissions (tenant_id, incoming_item_id);
