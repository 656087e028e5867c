-- Crisis alerts to residents (issue 6). Kept column-for-column identical across engines.

-- The municipality's address points (imported from its address register as CSV with
-- coordinates, WGS84): what a resident's "my address" is matched against an alert's area by.
CREATE TABLE address_points (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (tenant_id),
    locality TEXT NOT NULL,
    street TEXT NOT NULL,
    number TEXT NOT NULL,
    postcode TEXT NOT NULL,
    lat DOUBLE PRECISION NOT NULL,
    lon DOUBLE PRECISION NOT NULL
);
CREATE INDEX address_points_find ON address_points (tenant_id, locality, street, number);

-- Residents who asked for alerts (an account is not needed): one row per channel address.
-- `topics` and `localities` are newline-separated lists; the point (lat, lon) is the chosen
-- address point. `token` is the random secret of the confirmation, settings and unsubscribe
-- links: a capability for this one subscription, put into every alert e-mail, never logged.
CREATE TABLE alert_subscribers (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (tenant_id),
    channel TEXT NOT NULL,
    address TEXT NOT NULL,
    topics TEXT NOT NULL,
    localities TEXT NOT NULL,
    lat DOUBLE PRECISION,
    lon DOUBLE PRECISION,
    place_label TEXT NOT NULL,
    status TEXT NOT NULL,
    token TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    confirmed_at BIGINT,
    unsubscribed_at BIGINT,
    UNIQUE (tenant_id, channel, address)
);
CREATE INDEX alert_subscribers_active ON alert_subscribers (tenant_id, status, id);
CREATE UNIQUE INDEX alert_subscribers_token ON alert_subscribers (token);

-- Alerts written by staff: the CAP message (JSON of ratusz_core::alerts::Alert), where it is
-- in the four-eyes workflow, who wrote and who approved it.
CREATE TABLE alerts (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (tenant_id),
    identifier TEXT NOT NULL,
    workflow TEXT NOT NULL,
    template TEXT,
    cap TEXT NOT NULL,
    sms_text TEXT NOT NULL,
    localities TEXT NOT NULL,
    author_id TEXT NOT NULL,
    approver_id TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    submitted_at BIGINT,
    approved_at BIGINT,
    fanned_out_at BIGINT,
    UNIQUE (tenant_id, identifier)
);
CREATE INDEX alerts_list ON alerts (tenant_id, workflow, created_at);

-- One row per recipient and channel of an alert: the primary key makes a delivery happen once
-- even when the fan-out is run again after a crash.
CREATE TABLE alert_deliveries (
    tenant_id TEXT NOT NULL REFERENCES tenants (tenant_id),
    alert_id TEXT NOT NULL REFERENCES alerts (id),
    recipient TEXT NOT NULL,
    channel TEXT NOT NULL,
    address TEXT NOT NULL,
    mail_id TEXT,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (alert_id, recipient, channel)
);
CREATE INDEX alert_deliveries_tenant ON alert_deliveries (tenant_id, alert_id);
