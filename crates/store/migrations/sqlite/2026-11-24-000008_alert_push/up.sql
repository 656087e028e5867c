-- Crisis alerts by web push (issue 6). Kept column-for-column identical across engines.

-- A browser's push subscription (RFC 8030): `address` of the subscriber row holds the push
-- service's endpoint URL, these its message encryption keys (RFC 8291, base64url): the
-- browser's P-256 public key and its 16-byte authentication secret.
ALTER TABLE alert_subscribers ADD COLUMN push_p256dh TEXT;
ALTER TABLE alert_subscribers ADD COLUMN push_auth TEXT;

-- Outgoing web push messages, like sms_outbox: written in the fan-out's transaction, sent by
-- `send_push_batch` jobs, encrypted only when sent (the payload is the notification's JSON).
CREATE TABLE push_outbox (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (tenant_id),
    subscriber_id TEXT NOT NULL,
    endpoint TEXT NOT NULL,
    p256dh TEXT NOT NULL,
    auth TEXT NOT NULL,
    payload TEXT NOT NULL,
    urgency TEXT NOT NULL,
    ttl_secs BIGINT NOT NULL,
    status TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    sent_at BIGINT,
    last_error TEXT
);
CREATE INDEX push_outbox_list ON push_outbox (tenant_id, created_at);

ALTER TABLE alert_deliveries ADD COLUMN push_id TEXT;

-- A municipality's own keys, such as web push's VAPID key (the private scalar, base64url):
-- in the database so that every node of a cluster signs with the same key and database
-- backups keep it.
CREATE TABLE tenant_keys (
    tenant_id TEXT NOT NULL REFERENCES tenants (tenant_id),
    name TEXT NOT NULL,
    value TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, name)
);
