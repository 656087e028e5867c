-- The portal after submission: messages between a resident and the office, letters delivered
-- to the portal inbox with their proof of delivery, the residents' notifications and their
-- preferences, and the satisfaction survey.

-- A message on a matter. `direction` is `in` (from the resident; registered as an incoming
-- item of channel portal, joined to the case when there is one) or `out` (from the office).
-- `kind` is `message` or `supplement` (an answer to a request to remedy deficiencies).
-- `read_at` is when the other side first read it.
CREATE TABLE portal_messages (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (tenant_id),
    submission_id TEXT NOT NULL REFERENCES submissions (id),
    direction TEXT NOT NULL,
    kind TEXT NOT NULL,
    body TEXT NOT NULL,
    author_id TEXT NOT NULL REFERENCES users (id),
    incoming_item_id TEXT REFERENCES incoming_items (id),
    created_at BIGINT NOT NULL,
    read_at BIGINT
);
CREATE INDEX portal_messages_submission ON portal_messages (tenant_id, submission_id, created_at);

-- Files of a message: documents of the resident's incoming item, or of the case (office).
CREATE TABLE portal_message_files (
    message_id TEXT NOT NULL REFERENCES portal_messages (id),
    tenant_id TEXT NOT NULL REFERENCES tenants (tenant_id),
    document_id TEXT NOT NULL REFERENCES documents (id),
    PRIMARY KEY (message_id, document_id)
);

-- A letter dispatched with method `portal`: in the resident's inbox from `available_at`.
-- Delivered when first opened (`opened_at`) or, unopened, on the 14th day (`deemed_at`, set by
-- the portal robot; modelled on the e-Delivery rule). `reply_by` is the last day of a request
-- to remedy deficiencies, counted from the delivery (KPA art. 64 § 2).
CREATE TABLE portal_deliveries (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (tenant_id),
    submission_id TEXT NOT NULL REFERENCES submissions (id),
    case_id TEXT NOT NULL REFERENCES cases (id),
    outgoing_item_id TEXT NOT NULL REFERENCES outgoing_items (id),
    document_id TEXT NOT NULL REFERENCES documents (id),
    recipient_id TEXT NOT NULL REFERENCES users (id),
    title TEXT NOT NULL,
    document_kind TEXT NOT NULL,
    available_at BIGINT NOT NULL,
    opened_at BIGINT,
    deemed_at BIGINT,
    reply_by TEXT,
    UNIQUE (outgoing_item_id)
);
CREATE INDEX portal_deliveries_submission ON portal_deliveries (tenant_id, submission_id);
CREATE INDEX portal_deliveries_pending ON portal_deliveries (opened_at, deemed_at, available_at);

-- What a resident was told about (in the portal, and by e-mail when their preferences say
-- so). One row per resident and event: the same event never notifies twice.
CREATE TABLE notifications (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (tenant_id),
    user_id TEXT NOT NULL REFERENCES users (id),
    submission_id TEXT REFERENCES submissions (id),
    event_key TEXT NOT NULL,
    kind TEXT NOT NULL,
    params TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    read_at BIGINT,
    mail_id TEXT,
    UNIQUE (tenant_id, user_id, event_key)
);
CREATE INDEX notifications_user ON notifications (tenant_id, user_id, created_at);

-- Which notifications a resident wants by e-mail (the portal always shows them). Notices of
-- delivered letters are always sent: the 14-day rule runs from the delivery.
CREATE TABLE notification_preferences (
    user_id TEXT NOT NULL PRIMARY KEY REFERENCES users (id),
    tenant_id TEXT NOT NULL REFERENCES tenants (tenant_id),
    email_status BOOLEAN NOT NULL,
    email_messages BOOLEAN NOT NULL,
    email_deadlines BOOLEAN NOT NULL,
    email_surveys BOOLEAN NOT NULL,
    updated_at BIGINT NOT NULL
);

-- The one-question satisfaction survey after a matter's case closes (one answer per matter).
CREATE TABLE satisfaction_answers (
    submission_id TEXT NOT NULL PRIMARY KEY REFERENCES submissions (id),
    tenant_id TEXT NOT NULL REFERENCES tenants (tenant_id),
    service_id TEXT NOT NULL REFERENCES eservices (id),
    unit_id TEXT NOT NULL REFERENCES units (id),
    rating INTEGER NOT NULL,
    comment TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX satisfaction_service ON satisfaction_answers (tenant_id, service_id);
CREATE INDEX satisfaction_unit ON satisfaction_answers (tenant_id, unit_id);

-- A case's items (the portal finds the matter of a case through its items).
CREATE INDEX incoming_items_case ON incoming_items (tenant_id, case_id);
